package daemon

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/feedsift/feedsift/dedupe"
	"github.com/feedsift/feedsift/internal/pipeline"
	"github.com/feedsift/feedsift/sink"
)

// The near-duplicate index is kept in the store: saved at shutdown and
// every maintainEvery while running, with the stream sequence it covers.
// At start the daemon loads it, replays people's overrides up to that
// sequence (they are few, and the snapshot does not hold them), and
// follows the stream from the next sequence, instead of replaying the
// whole dedupe window. A missing, unreadable, corrupt (cut short by a
// crash, bytes flipped: its checksum fails) or foreign snapshot (from
// another stream, or other index options) is dropped and the index is
// rebuilt from the stream.
//
// Start says which in two lines: "dedupe index loaded from the store"
// (snapshot_seq) and then "dedupe index caught up with the stream"
// (snapshot_seq, stream_last_seq), or a WARN naming what is wrong with
// the snapshot (none when there is none) and then "dedupe index rebuilt
// from the stream" with the reason and stream_last_seq.

// maintainEvery is how often the running daemon ages stories out of the
// index (dedupe.window) and the store (store.retention) and saves its
// snapshot.
const maintainEvery = 10 * time.Minute

// loadIndexSnapshot replaces d.index with the kept snapshot when it fits
// the stream and returns the sequence it covers (0 for a snapshot of an
// empty stream) and true. When there is none to use it returns false and
// the reason, for the line that says the index is rebuilt from the
// stream instead.
func (d *Daemon) loadIndexSnapshot(ctx context.Context, raw jetstream.JetStream) (seq uint64, loaded bool, why string) {
	data, seq, err := d.store.LoadIndexSnapshot()
	if err != nil {
		d.log.Warn("dedupe index snapshot unreadable; rebuilding from the stream", "error", err)
		return 0, false, "snapshot unreadable"
	}
	if data == nil {
		return 0, false, "no snapshot in the store"
	}
	st, err := raw.Stream(ctx, d.js.Stream())
	if err != nil {
		d.log.Warn("dedupe index snapshot: stream state unknown; rebuilding from the stream", "snapshot_seq", seq, "error", err)
		return 0, false, "stream state unknown"
	}
	info, err := st.Info(ctx)
	if err != nil {
		d.log.Warn("dedupe index snapshot: stream state unknown; rebuilding from the stream", "snapshot_seq", seq, "error", err)
		return 0, false, "stream state unknown"
	}
	if last := info.State.LastSeq; last < seq {
		d.log.Warn("dedupe index snapshot is ahead of the stream (the stream was deleted and created again, or is another stream); rebuilding from the stream",
			"snapshot_seq", seq, "stream_last_seq", last)
		return 0, false, fmt.Sprintf("snapshot covers seq %d but the stream ends at seq %d", seq, last)
	}
	ix, err := dedupe.ReadIndex(bytes.NewReader(data), d.index.Options())
	if err != nil {
		d.log.Warn("dedupe index snapshot is corrupt or does not fit the index options; rebuilding from the stream", "snapshot_seq", seq, "error", err)
		return 0, false, "snapshot corrupt or made with other index options"
	}
	evicted := ix.Evict(time.Now())
	if err := d.replayOverrides(ctx, raw, seq); err != nil {
		d.log.Warn("dedupe index snapshot: overrides could not be replayed; rebuilding from the stream", "snapshot_seq", seq, "error", err)
		d.overr = pipeline.NewOverrides() // the stream replay fills it
		return 0, false, "overrides could not be replayed"
	}
	d.index = ix
	d.log.Info("dedupe index loaded from the store", "snapshot_seq", seq, "stories", ix.Len(), "evicted", evicted,
		"overrides", d.overr.Applied())
	return seq, true, ""
}

// replayOverrides applies the overrides on the stream up to sequence upTo.
func (d *Daemon) replayOverrides(ctx context.Context, raw jetstream.JetStream, upTo uint64) error {
	prefix := sink.OverridesPrefix(d.cfg.NATS.DupesPrefix)
	cons, err := raw.OrderedConsumer(ctx, d.js.Stream(), jetstream.OrderedConsumerConfig{
		FilterSubjects: []string{prefix + ".>"}, DeliverPolicy: jetstream.DeliverAllPolicy,
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
		ev, err := d.js.Decode(msg.Subject(), msg.Data(), meta.Sequence.Stream)
		if err == nil && ev.Override != nil {
			d.overr.Apply(*ev.Override)
		}
		if meta.NumPending == 0 {
			return nil
		}
	}
}

// saveIndexSnapshot keeps the index with the sequence the follower has
// applied, and returns that sequence. The sequence is read first: entries
// applied while the snapshot is written are applied again at the next
// start, which changes nothing.
func (d *Daemon) saveIndexSnapshot() (uint64, error) {
	if d.index == nil || d.follow == nil || d.store == nil {
		return 0, nil
	}
	seq := d.follow.Applied()
	var buf bytes.Buffer
	if _, err := d.index.WriteTo(&buf); err != nil {
		return 0, fmt.Errorf("daemon: index snapshot: %w", err)
	}
	if err := d.store.SaveIndexSnapshot(buf.Bytes(), seq); err != nil {
		return 0, fmt.Errorf("daemon: %w", err)
	}
	d.log.Debug("index snapshot saved", "stories", d.index.Len(), "seq", seq, "bytes", buf.Len())
	return seq, nil
}

// maintainIndex ages stories out of the index (and, with store.retention,
// out of the store) and saves its snapshot every maintainEvery until ctx
// ends.
func (d *Daemon) maintainIndex(ctx context.Context) {
	t := time.NewTicker(maintainEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			if n := d.index.Evict(now); n > 0 {
				d.log.Info("stories aged out of the dedupe index", "stories", n, "window", d.cfg.Dedupe.Window)
			}
			d.expireStore(ctx, now)
			if _, err := d.saveIndexSnapshot(); err != nil && !errors.Is(err, context.Canceled) {
				d.log.Warn("save index snapshot", "error", err)
			}
		}
	}
}

// expireStore removes from the store the stories older than
// store.retention (0 keeps them all), with their copies.
func (d *Daemon) expireStore(ctx context.Context, now time.Time) {
	if d.cfg.Store.Retention <= 0 {
		return
	}
	stories, copies, err := d.store.Expire(ctx, now.Add(-d.cfg.Store.Retention))
	switch {
	case err != nil && !errors.Is(err, context.Canceled):
		d.log.Warn("store retention", "error", err)
	case stories > 0:
		d.log.Info("stories aged out of the store", "stories", stories, "copies", copies, "retention", d.cfg.Store.Retention)
	}
}
