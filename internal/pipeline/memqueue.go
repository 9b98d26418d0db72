package pipeline

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/feedsift/feedsift/internal/pollq"
)

// memQueueSize bounds the polls waiting in a memQueue; Enqueue blocks
// while it is full.
const memQueueSize = 4096

// memQueue is the in-process Queue Run uses without Options.Queue: one
// pending poll per feed, first in first out, drained like pollq.Queue.
type memQueue struct {
	drain time.Duration
	log   *slog.Logger
	polls chan memPoll

	mu      sync.Mutex
	pending map[string]bool // queued or running
}

type memPoll struct {
	feedID string
	due    time.Time
}

func newMemQueue(drain time.Duration, log *slog.Logger) *memQueue {
	return &memQueue{drain: drain, log: log, polls: make(chan memPoll, memQueueSize), pending: map[string]bool{}}
}

// Enqueue queues a poll of feedID unless one is queued or running.
func (q *memQueue) Enqueue(ctx context.Context, feedID string, due time.Time) error {
	q.mu.Lock()
	if q.pending[feedID] {
		q.mu.Unlock()
		return nil
	}
	q.pending[feedID] = true
	q.mu.Unlock()
	select {
	case q.polls <- memPoll{feedID: feedID, due: due}:
		return nil
	case <-ctx.Done():
		q.done(feedID)
		return ctx.Err()
	}
}

func (q *memQueue) done(feedID string) {
	q.mu.Lock()
	delete(q.pending, feedID)
	q.mu.Unlock()
}

// Run runs queued polls on workers goroutines until ctx ends; a poll still
// queued then is not started. Running polls get the drain time, then
// their context is cancelled.
func (q *memQueue) Run(ctx context.Context, workers int, handle pollq.Handler) error {
	if workers <= 0 || handle == nil {
		return errors.New("pipeline: queue run needs workers and a handler")
	}
	workCtx, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				select {
				case <-ctx.Done():
					return
				case p := <-q.polls:
					if ctx.Err() != nil {
						return
					}
					if err := handle(workCtx, p.feedID, p.due); err != nil {
						q.log.Warn("poll failed; the scheduler enqueues it again", "feed_id", p.feedID, "error", err)
					}
					q.done(p.feedID)
				}
			}
		})
	}
	<-ctx.Done()
	// The drain time counts from here; the line saying so is logged only
	// when polls are still running a moment later.
	deadline := time.NewTimer(q.drain)
	defer deadline.Stop()
	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-time.After(10 * time.Millisecond):
	}
	q.log.Info("draining in-flight polls", "timeout", q.drain)
	select {
	case <-done:
	case <-deadline.C:
		q.log.Warn("drain timeout: cancelling in-flight polls")
		cancelWork()
		<-done
	}
	return nil
}
