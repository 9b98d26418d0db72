package pipeline

import (
	"context"
	"log/slog"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/feedsift/feedsift/internal/queuetest"
	"github.com/feedsift/feedsift/internal/testwait"
)

// TestMemQueueConformance runs the poll queue contract against the
// in-process queue a pipeline without Options.Queue uses.
func TestMemQueueConformance(t *testing.T) {
	queuetest.Run(t, func(*testing.T) queuetest.Queue {
		return newMemQueue(time.Minute, slog.New(slog.DiscardHandler))
	})
}

// TestMemQueueDrainTimeout runs a drain on a fake clock (testing/synctest):
// a poll still running when Run's context ends keeps its context for the
// drain time, to the nanosecond, and is cancelled then; Run returns once
// it has.
func TestMemQueueDrainTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const drain = 30 * time.Second
		q := newMemQueue(drain, slog.New(slog.DiscardHandler))
		if err := q.Enqueue(t.Context(), "slow", time.Unix(0, 0)); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(t.Context())
		var handlerCtx context.Context
		var returned atomic.Bool
		go func() {
			err := q.Run(ctx, 1, func(hctx context.Context, _ string, _ time.Time) error {
				handlerCtx = hctx
				<-hctx.Done()
				return hctx.Err()
			})
			if err != nil {
				t.Errorf("Run: %v", err)
			}
			returned.Store(true)
		}()
		synctest.Wait() // the handler is running and waits
		if handlerCtx == nil {
			t.Fatal("the poll was not handed to the handler")
		}
		cancel()
		start := time.Now()
		testwait.Advance(drain - time.Nanosecond)
		if err := handlerCtx.Err(); err != nil || returned.Load() {
			t.Fatalf("%v into the drain: handler context %v, Run returned %v; want the handler still running", time.Since(start), err, returned.Load())
		}
		testwait.Advance(time.Nanosecond)
		if handlerCtx.Err() == nil || !returned.Load() {
			t.Fatalf("at the drain timeout: handler context %v, Run returned %v; want it cancelled and Run returned", handlerCtx.Err(), returned.Load())
		}
	})
}
