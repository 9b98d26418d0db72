package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/feedsift/feedsift/dedupe"
	"github.com/feedsift/feedsift/internal/pipeline"
	"github.com/feedsift/feedsift/sink"
)

// follower keeps the dedupe index and the overrides current with the story
// stream: it reads the stream in order with an ordered consumer from the
// sequence after the last one it applied, and applies every story,
// duplicate and override, whoever published it. It is the pipeline's
// Follower, so decisions are published on the condition that the stream
// is still at the sequence the index has applied. Safe for concurrent
// use.
type follower struct {
	js            jetstream.JetStream
	stream        string
	prefix, dupes string
	index         *dedupe.Index
	overr         *pipeline.Overrides
	window        time.Duration
	log           *slog.Logger

	mu      sync.Mutex
	applied uint64
	changed chan struct{} // closed and replaced whenever applied grows
}

func newFollower(js jetstream.JetStream, stream, prefix, dupes string, index *dedupe.Index,
	overr *pipeline.Overrides, window time.Duration, log *slog.Logger) *follower {
	return &follower{js: js, stream: stream, prefix: prefix, dupes: dupes, index: index, overr: overr,
		window: window, log: log, changed: make(chan struct{})}
}

// Applied returns the last stream sequence applied.
func (f *follower) Applied() uint64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.applied
}

// WaitApplied returns once the sequence seq has been applied, or ctx ends.
func (f *follower) WaitApplied(ctx context.Context, seq uint64) error {
	for {
		f.mu.Lock()
		applied, changed := f.applied, f.changed
		f.mu.Unlock()
		if applied >= seq {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("daemon: index at stream sequence %d, waiting for %d: %w", applied, seq, ctx.Err())
		case <-changed:
		}
	}
}

func (f *follower) advance(seq uint64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if seq <= f.applied {
		return
	}
	f.applied = seq
	close(f.changed)
	f.changed = make(chan struct{})
}

// apply applies one stream message. A message that does not decode is
// logged and counted as applied, so it never stops the follower.
func (f *follower) apply(subject string, data []byte, seq uint64) {
	ev, err := sink.DecodeEvent(subject, data, seq, f.prefix, f.dupes)
	switch {
	case err != nil:
		f.log.Error("index follower: skipping undecodable message", "seq", seq, "error", err)
	case ev.Override != nil:
		f.overr.Apply(*ev.Override)
	default:
		if e, ok := IndexEntry(ev); ok && e.Time.After(time.Now().Add(-f.window)) {
			f.index.Add(e)
		}
	}
	f.advance(seq)
}

// lastSeq returns the stream's last sequence now.
func (f *follower) lastSeq(ctx context.Context) (uint64, error) {
	st, err := f.js.Stream(ctx, f.stream)
	if err != nil {
		return 0, fmt.Errorf("daemon: stream %s: %w", f.stream, err)
	}
	info, err := st.Info(ctx)
	if err != nil {
		return 0, fmt.Errorf("daemon: stream %s: %w", f.stream, err)
	}
	return info.State.LastSeq, nil
}

// run follows the stream until ctx ends. Errors (a lost connection, a
// stream leader election) are logged and the consumer is created again
// from the next sequence to apply.
func (f *follower) run(ctx context.Context) {
	failures := 0
	for ctx.Err() == nil {
		err := f.follow(ctx)
		if ctx.Err() != nil {
			return
		}
		failures++
		wait := min(100*time.Millisecond<<min(failures, 6), 5*time.Second)
		f.log.Warn("index follower: restarting", "applied", f.Applied(), "error", err, "retry_in", wait)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
		case <-t.C:
		}
		t.Stop()
	}
}

func (f *follower) follow(ctx context.Context) error {
	cfg := jetstream.OrderedConsumerConfig{DeliverPolicy: jetstream.DeliverAllPolicy}
	if next := f.Applied() + 1; next > 1 {
		cfg = jetstream.OrderedConsumerConfig{DeliverPolicy: jetstream.DeliverByStartSequencePolicy, OptStartSeq: next}
	}
	cons, err := f.js.OrderedConsumer(ctx, f.stream, cfg)
	if err != nil {
		return err
	}
	it, err := cons.Messages()
	if err != nil {
		return err
	}
	defer it.Stop()
	for {
		msg, err := it.Next(jetstream.NextContext(ctx))
		if err != nil {
			if errors.Is(err, jetstream.ErrNoHeartbeat) && ctx.Err() == nil {
				continue // the ordered consumer resets itself
			}
			return err
		}
		meta, err := msg.Metadata()
		if err != nil {
			return err
		}
		if seq := meta.Sequence.Stream; seq > f.Applied() {
			f.apply(msg.Subject(), msg.Data(), seq)
		}
	}
}
