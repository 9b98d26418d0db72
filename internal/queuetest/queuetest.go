// Package queuetest is the conformance suite of feedsift's poll work
// queues: one set of tests that every implementation of the contract
// runs, so the in-process queue a lone pipeline uses and the cluster's
// queue (pollq.Queue, a JetStream work queue) cannot drift apart. Each
// implementation's own tests call Run.
//
// The contract, as the pipeline's scheduler relies on it
// (pipeline.Queue):
//   - At most one poll per feed is pending: enqueuing a feed that is
//     queued already, with the same due time, adds nothing.
//   - Every poll enqueued is handed to the handler once, with the feed ID
//     and the due time it was enqueued with (to the second).
//   - Run never has more than its workers handlers running at once, and
//     uses all of them when enough polls wait.
//   - When Run's context ends, a running handler keeps a live context (it
//     drains, for the queue's drain time, which the suite sets long), and
//     Run returns once the handler has.
//   - A handler's error does not stop Run: other polls are still handled.
package queuetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/feedsift/feedsift/internal/pollq"
	"github.com/feedsift/feedsift/internal/testwait"
)

// Queue is the contract under test: the pipeline's Queue.
type Queue interface {
	Enqueue(ctx context.Context, feedID string, due time.Time) error
	Run(ctx context.Context, workers int, handle pollq.Handler) error
}

// New returns a fresh, empty queue whose drain time is at least a
// minute. Its cleanup runs through t.Cleanup.
type New func(t *testing.T) Queue

// limit bounds every wait of the suite; the conditions come true in
// milliseconds on an idle machine.
const limit = 30 * time.Second

// due0 is a due time on a whole second.
var due0 = time.Date(2026, 3, 12, 8, 30, 0, 0, time.UTC)

// Run runs the conformance suite against the queues newQueue returns.
func Run(t *testing.T, newQueue New) {
	t.Run("OnePendingPollPerFeed", func(t *testing.T) { onePendingPollPerFeed(t, newQueue(t)) })
	t.Run("EveryPollHandledWithItsDue", func(t *testing.T) { everyPollHandled(t, newQueue(t)) })
	t.Run("WorkersBound", func(t *testing.T) { workersBound(t, newQueue(t)) })
	t.Run("DrainKeepsRunningHandlers", func(t *testing.T) { drain(t, newQueue(t)) })
	t.Run("HandlerErrorDoesNotStopRun", func(t *testing.T) { handlerError(t, newQueue(t)) })
}

// handled records the polls a handler was given.
type handled struct {
	mu    sync.Mutex
	polls map[string][]time.Time
	n     int
}

func (h *handled) add(feed string, due time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.polls == nil {
		h.polls = map[string][]time.Time{}
	}
	h.polls[feed] = append(h.polls[feed], due)
	h.n++
}

func (h *handled) count(feed string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.polls[feed])
}

func (h *handled) total() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.n
}

// start runs q.Run in a goroutine and returns a function that cancels it
// and waits for it to return; the test's cleanup calls it too.
func start(t *testing.T, q Queue, workers int, handle pollq.Handler) (stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- q.Run(ctx, workers, handle) }()
	var once sync.Once
	var err error
	stop = func() error {
		once.Do(func() {
			cancel()
			err = <-done
		})
		return err
	}
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	return stop
}

func enqueue(t *testing.T, q Queue, feed string, due time.Time) {
	t.Helper()
	if err := q.Enqueue(t.Context(), feed, due); err != nil {
		t.Fatalf("Enqueue(%s): %v", feed, err)
	}
}

func onePendingPollPerFeed(t *testing.T, q Queue) {
	for range 3 {
		enqueue(t, q, "courier", due0)
	}
	enqueue(t, q, "ledger", due0)
	var h handled
	start(t, q, 1, func(_ context.Context, feed string, due time.Time) error {
		h.add(feed, due)
		return nil
	})
	testwait.Until(t, "both feeds handled", limit, func() bool { return h.count("courier") > 0 && h.count("ledger") > 0 })
	// One worker takes polls in order: once a feed enqueued after them is
	// handled, any second poll of courier would have been handled too.
	enqueue(t, q, "sentinel", due0)
	testwait.Until(t, "the sentinel handled", limit, func() bool { return h.count("sentinel") > 0 })
	if n := h.count("courier"); n != 1 {
		t.Errorf("courier, enqueued 3 times while pending, was handled %d times, want 1", n)
	}
}

func everyPollHandled(t *testing.T, q Queue) {
	feeds := map[string]time.Time{
		"courier":             due0,
		"example.com/rss.xml": due0.Add(time.Hour),
		"a b*c>":              due0.Add(-24 * time.Hour),
		"ünïcode-feed":        time.Unix(0, 0).UTC(),
	}
	for f, due := range feeds {
		enqueue(t, q, f, due)
	}
	var h handled
	start(t, q, 2, func(_ context.Context, feed string, due time.Time) error {
		h.add(feed, due)
		return nil
	})
	testwait.Until(t, "every feed handled", limit, func() bool { return h.total() >= len(feeds) })
	h.mu.Lock()
	defer h.mu.Unlock()
	for f, due := range feeds {
		got := h.polls[f]
		if len(got) != 1 || !got[0].Equal(due) {
			t.Errorf("feed %q handled with dues %v, want once with %v", f, got, due)
		}
	}
}

func workersBound(t *testing.T, q Queue) {
	const workers, feeds = 3, 9
	for i := range feeds {
		enqueue(t, q, fmt.Sprintf("feed-%02d", i), due0)
	}
	var running, peak atomic.Int32
	gate := make(chan struct{})
	var h handled
	start(t, q, workers, func(ctx context.Context, feed string, due time.Time) error {
		n := running.Add(1)
		defer running.Add(-1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		select {
		case <-gate:
		case <-ctx.Done():
			return ctx.Err()
		}
		h.add(feed, due)
		return nil
	})
	testwait.Until(t, "every worker busy", limit, func() bool { return running.Load() == workers })
	close(gate)
	testwait.Until(t, "every feed handled", limit, func() bool { return h.total() == feeds })
	if p := peak.Load(); p != workers {
		t.Errorf("peak handlers running at once = %d, want %d", p, workers)
	}
}

func drain(t *testing.T, q Queue) {
	enqueue(t, q, "slow", due0)
	running := make(chan context.Context, 1)
	release := make(chan struct{})
	var afterRelease atomic.Value
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- q.Run(ctx, 2, func(hctx context.Context, feed string, due time.Time) error {
			running <- hctx
			<-release
			afterRelease.Store(fmt.Sprint(hctx.Err()))
			return nil
		})
	}()
	var hctx context.Context
	select {
	case hctx = <-running:
	case <-time.After(limit):
		t.Fatal("the poll was never handled")
	}
	cancel()
	// Run's context has ended; the handler is within the drain time,
	// which the suite sets to a minute or more.
	if err := hctx.Err(); err != nil {
		t.Errorf("the running handler's context ended with Run's: %v; want it to drain", err)
	}
	close(release)
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run: %v", err)
		}
	case <-time.After(limit):
		t.Fatal("Run did not return after its handler did")
	}
	if got := afterRelease.Load(); got != "<nil>" {
		t.Errorf("the handler finished with context error %v, want none", got)
	}
}

var errHandler = errors.New("queuetest: handler failed")

func handlerError(t *testing.T, q Queue) {
	enqueue(t, q, "failing", due0)
	enqueue(t, q, "fine", due0)
	var h handled
	start(t, q, 1, func(_ context.Context, feed string, due time.Time) error {
		h.add(feed, due)
		if feed == "failing" {
			return errHandler
		}
		return nil
	})
	testwait.Until(t, "the feed after the failing one handled", limit, func() bool { return h.count("fine") > 0 })
	if h.count("failing") == 0 {
		t.Error("the failing poll was never handled")
	}
}
