package daemon

import (
	"context"
	"errors"
	"time"
)

// maintainEvery is how often the running daemon ages stories out of the
// index (dedupe.window) and the store (store.retention) and saves the
// index snapshot (see ledger.Follow for how a start uses it).
const maintainEvery = 10 * time.Minute

// maintain ages stories out of the store (store.retention) at start, and
// then every maintainEvery ages stories out of the index and the store and
// saves the index snapshot, until ctx ends.
func (d *Daemon) maintain(ctx context.Context) {
	// Stories that passed store.retention while no daemon ran go at once.
	d.expireStore(ctx, time.Now())
	t := time.NewTicker(maintainEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			if _, err := d.follow.Maintain(now); err != nil && !errors.Is(err, context.Canceled) {
				d.log.Warn("save index snapshot", "error", err)
			}
			d.expireStore(ctx, now)
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
