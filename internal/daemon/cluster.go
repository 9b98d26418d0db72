package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/feedsift/feedsift/internal/kvstate"
	"github.com/feedsift/feedsift/internal/pollq"
	"github.com/feedsift/feedsift/internal/story"
	"github.com/feedsift/feedsift/sink"
)

// minPollDuplicateWindow is the shortest duplicate window of the poll
// queue: a poll enqueued late by an instance that read stale feed state
// must still be absorbed.
const minPollDuplicateWindow = 10 * time.Minute

// startRetryFor bounds how long Start retries a step that timed out:
// instances started together on a new cluster create the streams at the
// same moment, and the requests that lose the race wait while the
// streams elect their leaders.
const startRetryFor = time.Minute

// retryStart runs step until it succeeds, fails for good (an error that
// is not a timeout or a temporary unavailability), ctx ends or
// startRetryFor has passed. Every step runs after Start created or
// updated the stream it reads, so "stream not found" is temporary here:
// on a cluster, the server that answers may not yet have applied the
// creation another instance raced in a moment before.
func (d *Daemon) retryStart(ctx context.Context, what string, step func() error) error {
	deadline := time.Now().Add(startRetryFor)
	wait := 250 * time.Millisecond
	for {
		err := step()
		if err == nil || !(sink.Retryable(err) || errors.Is(err, context.DeadlineExceeded) ||
			errors.Is(err, jetstream.ErrStreamNotFound)) ||
			ctx.Err() != nil || time.Now().After(deadline) {
			return err
		}
		d.log.Warn("start: retrying", "step", what, "error", err, "retry_in", wait)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
		case <-t.C:
		}
		t.Stop()
		wait = min(2*wait, 2*time.Second)
	}
}

// openCluster opens what the instances of a cluster share besides the
// story stream, on the embedded server as on a cluster: the feed state
// bucket and the poll work queue, both with [nats].replicas. Feed states
// kept only in the local store (by a version before the shared state)
// are copied into an empty bucket, so validators survive the upgrade.
func (d *Daemon) openCluster(ctx context.Context, raw jetstream.JetStream) error {
	err := d.retryStart(ctx, "feed state bucket", func() (err error) {
		d.state, err = kvstate.Open(ctx, raw, kvstate.Options{Replicas: d.cfg.NATS.Replicas, Logger: d.log})
		return err
	})
	if err != nil {
		return fmt.Errorf("daemon: %w", err)
	}
	if err := d.retryStart(ctx, "seed feed state", func() error { return d.seedState(ctx) }); err != nil {
		return err
	}
	window := minPollDuplicateWindow
	for _, f := range d.cfg.Feeds {
		window = max(window, f.Interval)
	}
	err = d.retryStart(ctx, "poll queue", func() (err error) {
		d.queue, err = pollq.Open(ctx, raw, pollq.Options{
			Replicas: d.cfg.NATS.Replicas, AckWait: d.cfg.Cluster.PollAckWait, DuplicateWindow: window,
			DrainTimeout: d.cfg.Poll.DrainTimeout, Logger: d.log,
		})
		return err
	})
	if err != nil {
		return fmt.Errorf("daemon: %w", err)
	}
	return nil
}

func (d *Daemon) seedState(ctx context.Context) error {
	shared, err := d.state.List(ctx)
	if err != nil {
		return fmt.Errorf("daemon: %w", err)
	}
	if len(shared) > 0 {
		return nil
	}
	local, err := d.store.FeedStates()
	if err != nil {
		return fmt.Errorf("daemon: %w", err)
	}
	for _, st := range local {
		if err := d.state.Put(ctx, st); err != nil {
			return fmt.Errorf("daemon: copy feed state to %s: %w", d.state.Bucket(), err)
		}
	}
	if len(local) > 0 {
		d.log.Info("feed states copied from the local store to the shared bucket", "feeds", len(local))
	}
	return nil
}

// mirroredState is the pipeline's feed state: the shared bucket, with a
// copy of every write in the local store for `feedsift feeds list` while
// the daemon is down. The copy is best effort.
type mirroredState struct {
	shared *kvstate.Store
	local  *sink.Store
	log    *slog.Logger
}

func (m *mirroredState) FeedState(ctx context.Context, feedID string) (story.FeedState, bool, error) {
	return m.shared.FeedState(ctx, feedID)
}

func (m *mirroredState) PutFeedState(ctx context.Context, st story.FeedState) error {
	if err := m.shared.PutFeedState(ctx, st); err != nil {
		return err
	}
	if err := m.local.PutFeedState(ctx, st); err != nil {
		m.log.Warn("local copy of feed state", "feed_id", st.FeedID, "error", err)
	}
	return nil
}
