package ledger

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/feedsift/feedsift/dedupe"
	"github.com/feedsift/feedsift/sink"
)

// The near-duplicate index is kept in the store: saved at shutdown and
// every few minutes while running (the daemon calls SaveSnapshot and
// Maintain), with the stream sequence it covers. At start Follow loads
// it, replays people's overrides up to that sequence (they are few, and
// the snapshot does not hold them), and follows the stream from the next
// sequence, instead of replaying the whole dedupe window. A missing,
// unreadable, corrupt (cut short by a crash, bytes flipped: its checksum
// fails) or foreign snapshot (from another stream, or other index
// options) is dropped and the index is rebuilt from the stream.
//
// Follow says which in two lines: "dedupe index loaded from the store"
// (snapshot_seq) and then "dedupe index caught up with the stream"
// (snapshot_seq, stream_last_seq), or a WARN naming what is wrong with
// the snapshot (none when there is none) and then "dedupe index rebuilt
// from the stream" with the reason and stream_last_seq.

// loadSnapshot replaces f.index with the kept snapshot when it fits the
// stream and returns the sequence it covers (0 for a snapshot of an
// empty stream) and true. When there is none to use it returns false and
// the reason, for the line that says the index is rebuilt from the
// stream instead.
func (f *StreamFollower) loadSnapshot(ctx context.Context) (seq uint64, loaded bool, why string) {
	if f.opts.Snapshots == nil {
		return 0, false, "no snapshot store"
	}
	data, seq, err := f.opts.Snapshots.LoadIndexSnapshot()
	if err != nil {
		f.log.Warn("dedupe index snapshot unreadable; rebuilding from the stream", "error", err)
		return 0, false, "snapshot unreadable"
	}
	if data == nil {
		return 0, false, "no snapshot in the store"
	}
	last, err := f.LastSeq(ctx)
	if err != nil {
		f.log.Warn("dedupe index snapshot: stream state unknown; rebuilding from the stream", "snapshot_seq", seq, "error", err)
		return 0, false, "stream state unknown"
	}
	if last < seq {
		f.log.Warn("dedupe index snapshot is ahead of the stream (the stream was deleted and created again, or is another stream); rebuilding from the stream",
			"snapshot_seq", seq, "stream_last_seq", last)
		return 0, false, fmt.Sprintf("snapshot covers seq %d but the stream ends at seq %d", seq, last)
	}
	ix, err := dedupe.ReadIndex(bytes.NewReader(data), f.index.Options())
	if err != nil {
		f.log.Warn("dedupe index snapshot is corrupt or does not fit the index options; rebuilding from the stream", "snapshot_seq", seq, "error", err)
		return 0, false, "snapshot corrupt or made with other index options"
	}
	evicted := ix.Evict(time.Now())
	if err := f.replayOverrides(ctx, seq); err != nil {
		f.log.Warn("dedupe index snapshot: overrides could not be replayed; rebuilding from the stream", "snapshot_seq", seq, "error", err)
		f.overr = NewOverrides() // the stream replay fills it
		return 0, false, "overrides could not be replayed"
	}
	f.index = ix
	f.log.Info("dedupe index loaded from the store", "snapshot_seq", seq, "stories", ix.Len(), "evicted", evicted,
		"overrides", f.overr.Applied())
	return seq, true, ""
}

// replayOverrides applies the overrides on the stream up to sequence upTo.
func (f *StreamFollower) replayOverrides(ctx context.Context, upTo uint64) error {
	cons, err := f.opts.JS.OrderedConsumer(ctx, f.opts.Stream, jetstream.OrderedConsumerConfig{
		FilterSubjects: []string{sink.OverridesPrefix(f.opts.DupesPrefix) + ".>"}, DeliverPolicy: jetstream.DeliverAllPolicy,
	})
	if err != nil {
		return err
	}
	info, err := cons.Info(ctx)
	if err != nil {
		return err
	}
	if info.NumPending == 0 {
		return nil
	}
	it, err := cons.Messages()
	if err != nil {
		return err
	}
	defer it.Stop()
	for {
		nctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		msg, err := it.Next(jetstream.NextContext(nctx))
		cancel()
		if err != nil {
			return err
		}
		meta, err := msg.Metadata()
		if err != nil {
			return err
		}
		if meta.Sequence.Stream > upTo {
			return nil
		}
		ev, err := sink.DecodeEvent(msg.Subject(), msg.Data(), meta.Sequence.Stream, f.opts.SubjectPrefix, f.opts.DupesPrefix)
		if err == nil && ev.Override != nil {
			f.overr.Apply(*ev.Override)
		}
		if meta.NumPending == 0 {
			return nil
		}
	}
}

// SaveSnapshot keeps the index in opts.Snapshots with the sequence the
// follower has applied, and returns that sequence. The sequence is read
// first: entries applied while the snapshot is written are applied again
// at the next start, which changes nothing.
func (f *StreamFollower) SaveSnapshot() (uint64, error) {
	if f.opts.Snapshots == nil {
		return 0, nil
	}
	seq := f.Applied()
	var buf bytes.Buffer
	if _, err := f.index.WriteTo(&buf); err != nil {
		return 0, fmt.Errorf("ledger: index snapshot: %w", err)
	}
	if err := f.opts.Snapshots.SaveIndexSnapshot(buf.Bytes(), seq); err != nil {
		return 0, fmt.Errorf("ledger: %w", err)
	}
	f.log.Debug("index snapshot saved", "stories", f.index.Len(), "seq", seq, "bytes", buf.Len())
	return seq, nil
}

// Maintain ages stories out of the index (its window, counted back from
// now) and saves the snapshot. It returns how many stories left.
func (f *StreamFollower) Maintain(now time.Time) (evicted int, err error) {
	evicted = f.index.Evict(now)
	if evicted > 0 {
		f.log.Info("stories aged out of the dedupe index", "stories", evicted, "window", f.index.Options().Window)
	}
	_, err = f.SaveSnapshot()
	return evicted, err
}
