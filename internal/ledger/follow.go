package ledger

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/feedsift/feedsift/dedupe"
	"github.com/feedsift/feedsift/internal/story"
	"github.com/feedsift/feedsift/sink"
)

// SnapshotStore keeps the index snapshot with the stream sequence it
// covers (*sink.Store satisfies it). LoadIndexSnapshot returns nil data
// when there is none.
type SnapshotStore interface {
	LoadIndexSnapshot() (data []byte, seq uint64, err error)
	SaveIndexSnapshot(data []byte, seq uint64) error
}

// FollowOptions configure Follow.
type FollowOptions struct {
	// JS reads the story stream Stream, whose stories and copies are on
	// SubjectPrefix and DupesPrefix (sink's defaults when empty).
	JS                                 jetstream.JetStream
	Stream, SubjectPrefix, DupesPrefix string
	// Index sets up the index; its Window also bounds which stream
	// entries are applied (older ones would be evicted at once).
	Index dedupe.Options
	// Snapshots, when set, keeps the index between runs (see snapshot.go).
	Snapshots SnapshotStore
	// Retry, when set, runs the step that asks the stream for its last
	// sequence at start, retrying while the stream is not reachable yet;
	// nil runs it once.
	Retry  func(ctx context.Context, what string, step func() error) error
	Logger *slog.Logger
}

// StreamFollower keeps the near-duplicate index and the overrides current
// with the story stream: it reads the stream in order with an ordered
// consumer from the sequence after the last one it applied, and applies
// every story, duplicate and override, whoever published it. It is the
// ledger's Follower, so decisions are published on the condition that
// the stream is still at the sequence the index has applied. Start it
// with Follow; it is safe for concurrent use.
type StreamFollower struct {
	opts  FollowOptions
	log   *slog.Logger
	index *dedupe.Index
	overr *Overrides

	mu      sync.Mutex
	applied uint64
	changed chan struct{} // closed and replaced whenever applied grows
	// local holds the sequences not applied yet of messages the local
	// ledger published and added to the index itself (AppliedLocally):
	// the follower only moves past them.
	local map[uint64]struct{}

	stop func()
	done chan struct{}
}

// Follow restores the index and the overrides, and returns a follower
// that keeps them current until Close. It starts from the snapshot in
// opts.Snapshots when one fits the stream (then only the messages after
// it are read), or else from the stream's first message; either way it
// returns once the index has applied the stream's last sequence as of
// now, so a restarted instance knows every story and copy published (by
// any instance) and honours every split and merge people asked for. The
// follower then keeps following in the background.
func Follow(ctx context.Context, opts FollowOptions) (*StreamFollower, error) {
	start := time.Now()
	f := &StreamFollower{opts: opts, log: opts.Logger, overr: NewOverrides(), changed: make(chan struct{}), local: map[uint64]struct{}{}}
	if f.log == nil {
		f.log = slog.New(slog.DiscardHandler)
	}
	if f.opts.Retry == nil {
		f.opts.Retry = func(_ context.Context, _ string, step func() error) error { return step() }
	}
	var err error
	if f.index, err = dedupe.NewIndex(opts.Index); err != nil {
		return nil, fmt.Errorf("ledger: %w", err)
	}
	from, loaded, why := f.loadSnapshot(ctx)
	f.advance(from) // 0 without a snapshot: the whole stream
	var last uint64
	err = f.opts.Retry(ctx, "story stream state", func() (err error) {
		last, err = f.LastSeq(ctx)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("ledger: rebuild dedupe index from stream: %w", err)
	}
	runCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	f.stop, f.done = stop, make(chan struct{})
	go func() {
		defer close(f.done)
		f.run(runCtx)
	}()
	if err := f.WaitApplied(ctx, last); err != nil {
		f.Close()
		return nil, fmt.Errorf("ledger: rebuild dedupe index from stream: %w", err)
	}
	attrs := []any{"stream_last_seq", last, "stories", f.index.Len(), "overrides", f.overr.Applied(),
		"duration_ms", time.Since(start).Milliseconds()}
	if loaded {
		// Only the messages after the snapshot were read.
		f.log.Info("dedupe index caught up with the stream", append([]any{"snapshot_seq", from}, attrs...)...)
	} else {
		f.log.Info("dedupe index rebuilt from the stream", append([]any{"reason", why}, attrs...)...)
	}
	return f, nil
}

// Index returns the index the follower keeps current.
func (f *StreamFollower) Index() *dedupe.Index { return f.index }

// Overrides returns the overrides the follower keeps current.
func (f *StreamFollower) Overrides() *Overrides { return f.overr }

// Close stops following and returns once the follower has stopped. It
// does not save the snapshot (see SaveSnapshot).
func (f *StreamFollower) Close() {
	if f.stop != nil {
		f.stop()
		<-f.done
	}
}

// Applied returns the last stream sequence applied.
func (f *StreamFollower) Applied() uint64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.applied
}

// AppliedLocally marks the message at seq as applied to the index by the
// local ledger, which published it (see Follower): when the follower
// reaches it, it moves past it without decoding it. A sequence already
// applied is ignored.
func (f *StreamFollower) AppliedLocally(seq uint64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if seq > f.applied {
		f.local[seq] = struct{}{}
	}
}

// takeLocal reports whether seq was applied locally, and forgets it.
func (f *StreamFollower) takeLocal(seq uint64) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	_, ok := f.local[seq]
	delete(f.local, seq)
	return ok
}

// WaitApplied returns once the sequence seq has been applied, or ctx ends.
func (f *StreamFollower) WaitApplied(ctx context.Context, seq uint64) error {
	for {
		f.mu.Lock()
		applied, changed := f.applied, f.changed
		f.mu.Unlock()
		if applied >= seq {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("ledger: index at stream sequence %d, waiting for %d: %w", applied, seq, ctx.Err())
		case <-changed:
		}
	}
}

func (f *StreamFollower) advance(seq uint64) {
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
func (f *StreamFollower) apply(subject string, data []byte, seq uint64) {
	if f.takeLocal(seq) {
		f.advance(seq)
		return
	}
	ev, err := sink.DecodeEvent(subject, data, seq, f.opts.SubjectPrefix, f.opts.DupesPrefix)
	switch {
	case err != nil:
		f.log.Error("index follower: skipping undecodable message", "seq", seq, "error", err)
	case ev.Override != nil:
		f.overr.Apply(*ev.Override)
	default:
		if e, ok := Entry(ev); ok && e.Time.After(time.Now().Add(-f.index.Options().Window)) {
			f.index.Add(e)
		}
	}
	f.advance(seq)
}

// Entry turns a stream event back into the index entry the ledger added
// when it published it; an override has none (see Overrides). Entries
// are timed by when feedsift saw the item, so the dedupe window counts
// from then; poll.max_item_age keeps items older than the window from
// coming back as new.
func Entry(ev sink.Event) (dedupe.Entry, bool) {
	switch {
	case ev.Story != nil && ev.Topic != "" && ev.Topic != ev.Story.Topic:
		// The story announced on another of its topics: the same
		// version went on its own topic first.
		return dedupe.Entry{}, false
	case ev.Story != nil:
		s := ev.Story
		item := story.Item{GUID: s.GUID, URL: s.URL}
		keys := dedupe.IdentityKeys(s.FeedID, item)
		if k := "url:" + s.CanonicalURL; s.CanonicalURL != "" && !slices.Contains(keys, k) {
			keys = append(keys, k) // the address its page declares (credit.go)
		}
		return dedupe.Entry{StoryID: s.ID, Keys: keys, Text: s.Text, Time: s.Fetched}, true
	case ev.Duplicate != nil:
		m := ev.Duplicate
		item := story.Item{GUID: m.GUID, URL: m.URL}
		return dedupe.Entry{StoryID: m.StoryID, Keys: dedupe.IdentityKeys(m.FeedID, item), Time: m.Seen}, true
	}
	return dedupe.Entry{}, false
}

// LastSeq returns the stream's last sequence now.
func (f *StreamFollower) LastSeq(ctx context.Context) (uint64, error) {
	st, err := f.opts.JS.Stream(ctx, f.opts.Stream)
	if err != nil {
		return 0, fmt.Errorf("ledger: stream %s: %w", f.opts.Stream, err)
	}
	info, err := st.Info(ctx)
	if err != nil {
		return 0, fmt.Errorf("ledger: stream %s: %w", f.opts.Stream, err)
	}
	return info.State.LastSeq, nil
}

// run follows the stream until ctx ends. Errors (a lost connection, a
// stream leader election) are logged and the consumer is created again
// from the next sequence to apply.
func (f *StreamFollower) run(ctx context.Context) {
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

func (f *StreamFollower) follow(ctx context.Context) error {
	cfg := jetstream.OrderedConsumerConfig{DeliverPolicy: jetstream.DeliverAllPolicy}
	if next := f.Applied() + 1; next > 1 {
		cfg = jetstream.OrderedConsumerConfig{DeliverPolicy: jetstream.DeliverByStartSequencePolicy, OptStartSeq: next}
	}
	cons, err := f.opts.JS.OrderedConsumer(ctx, f.opts.Stream, cfg)
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
