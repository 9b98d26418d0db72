package daemon

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/feedsift/feedsift/internal/config"
	"github.com/feedsift/feedsift/internal/httpapi"
	"github.com/feedsift/feedsift/internal/story"
)

// feedManager holds the daemon's feed set. mu serialises every change
// (add, remove, reload), so the store's stored feeds, cfg and sources
// move together; sources is read under it too.
type feedManager struct {
	path    string // the config file Reload reads; "" when none
	mu      sync.Mutex
	cfg     config.Config // as last loaded: its feeds are the "config" ones
	sources []httpapi.FeedSource
	gauge   *prometheus.GaugeVec
}

// initFeeds builds the first feed set from the config and the stored
// feeds, and registers the feeds gauge on reg.
func (d *Daemon) initFeeds(configPath string, reg prometheus.Registerer) ([]story.Feed, error) {
	d.feeds = &feedManager{path: configPath, cfg: d.cfg}
	d.feeds.gauge = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "feedsift_feeds", Help: "Feeds polled, by where they are declared (config file or api).",
	}, []string{"origin"})
	if reg != nil {
		if err := reg.Register(d.feeds.gauge); err != nil {
			return nil, fmt.Errorf("daemon: register feeds gauge: %w", err)
		}
	}
	stored, err := d.store.StoredFeeds()
	if err != nil {
		return nil, fmt.Errorf("daemon: %w", err)
	}
	sources, skipped := MergeFeeds(d.cfg, stored)
	for _, e := range skipped {
		d.log.Warn("feed set: "+e.Error(), "config", where(configPath))
	}
	d.feeds.setSources(sources)
	return feedsOf(sources), nil
}

func feedsOf(sources []httpapi.FeedSource) []story.Feed {
	out := make([]story.Feed, len(sources))
	for i, s := range sources {
		out[i] = s.Feed
	}
	return out
}

// setSources records sources and updates the gauge; mu is held or the
// daemon is starting.
func (m *feedManager) setSources(sources []httpapi.FeedSource) {
	m.sources = sources
	n := map[string]int{httpapi.OriginConfig: 0, httpapi.OriginAPI: 0}
	for _, s := range sources {
		n[s.Origin]++
	}
	for origin, c := range n {
		m.gauge.WithLabelValues(origin).Set(float64(c))
	}
}

// FeedSources returns the feeds the daemon polls, with their origins, in
// the order of the config file and then the stored feeds.
func (d *Daemon) FeedSources() []httpapi.FeedSource {
	d.feeds.mu.Lock()
	defer d.feeds.mu.Unlock()
	return slices.Clone(d.feeds.sources)
}

// AddFeed stores a feed added at run time and starts polling it at once.
// A feed whose ID or URL a config feed or another stored feed has is
// refused (httpapi.ErrFeedConflict), as is an invalid one
// (httpapi.ErrFeedInvalid).
func (d *Daemon) AddFeed(_ context.Context, req httpapi.FeedRequest) (httpapi.FeedSource, error) {
	m := d.feeds
	m.mu.Lock()
	defer m.mu.Unlock()
	src, err := AddStoredFeed(d.store, m.cfg, m.path, req, time.Now())
	if err != nil {
		return src, err
	}
	if err := d.applyFeeds(); err != nil {
		// Keep the store and the polled set in step.
		_, rerr := RemoveStoredFeed(d.store, m.cfg, m.path, src.Feed.ID)
		return httpapi.FeedSource{}, errors.Join(err, rerr)
	}
	d.log.Info("feed added", "feed_id", src.Feed.ID, "url", src.Feed.URL, "topic", src.Feed.Topic)
	return src, nil
}

// RemoveFeed stops polling a stored feed and forgets it; a poll of it in
// flight finishes. A config feed is refused (httpapi.ErrFeedDeclared), an
// unknown one is httpapi.ErrFeedNotFound.
func (d *Daemon) RemoveFeed(_ context.Context, id string) (httpapi.FeedSource, error) {
	m := d.feeds
	m.mu.Lock()
	defer m.mu.Unlock()
	src, err := RemoveStoredFeed(d.store, m.cfg, m.path, id)
	if err != nil {
		return src, err
	}
	if err := d.applyFeeds(); err != nil {
		return src, err
	}
	d.log.Info("feed removed", "feed_id", id)
	return src, nil
}

// applyFeeds merges m.cfg's feeds with the stored ones and hands them to
// the pipeline; d.feeds.mu is held.
func (d *Daemon) applyFeeds() error {
	m := d.feeds
	stored, err := d.store.StoredFeeds()
	if err != nil {
		return fmt.Errorf("daemon: %w", err)
	}
	sources, skipped := MergeFeeds(m.cfg, stored)
	for _, e := range skipped {
		d.log.Warn("feed set: "+e.Error(), "config", where(m.path))
	}
	if err := d.pipe.SetFeeds(feedsOf(sources)); err != nil {
		return fmt.Errorf("daemon: %w", err)
	}
	m.setSources(sources)
	d.push.feedsChanged(feedsOf(sources)) // WebSub: unsubscribe feeds no longer polled
	return nil
}

// Reload reads the config file again (the one given in
// Options.ConfigPath; without one, only the stored feeds are read again)
// and applies its feeds and the stored feeds to the running pipeline:
// added feeds are polled at once, removed ones no longer (a poll in
// flight finishes), unchanged ones keep their schedule. It logs the
// feeds added, removed and changed. Other changed sections need a
// restart; Reload logs them and leaves them as they were. An invalid
// file changes nothing and is returned as the error.
func (d *Daemon) Reload(_ context.Context) error {
	m := d.feeds
	m.mu.Lock()
	defer m.mu.Unlock()
	cfg := m.cfg
	if m.path != "" {
		var err error
		if cfg, err = config.Load(m.path); err != nil {
			return fmt.Errorf("daemon: reload: %w", err)
		}
		if restart := restartSections(d.cfg, cfg); len(restart) > 0 {
			d.log.Warn("config changes that need a restart were not applied", "sections", restart, "config", m.path)
		}
		// Only the feeds (and the default interval of stored feeds)
		// take effect now; the rest stays as started.
		next := m.cfg
		next.Feeds = cfg.Feeds
		next.Poll.Interval = cfg.Poll.Interval
		cfg = next
	}
	before := m.sources
	prevCfg := m.cfg
	m.cfg = cfg
	if err := d.applyFeeds(); err != nil {
		m.cfg = prevCfg
		return fmt.Errorf("daemon: reload: %w", err)
	}
	added, removed, changed := diffFeeds(before, m.sources)
	d.log.Info("feeds reloaded", "feeds", len(m.sources), "added", added, "removed", removed, "changed", changed)
	return nil
}

// restartSections names the top-level sections (or keys) that differ
// between the running config and a new one, feeds aside. poll.interval
// alone applies at once (it is the default interval of feeds).
func restartSections(old, cur config.Config) []string {
	var out []string
	ov, cv := reflect.ValueOf(old), reflect.ValueOf(cur)
	t := ov.Type()
	for i := range t.NumField() {
		name := t.Field(i).Tag.Get("toml")
		if name == "feed" {
			continue
		}
		a, b := ov.Field(i).Interface(), cv.Field(i).Interface()
		if name == "poll" {
			pa, pb := old.Poll, cur.Poll
			pa.Interval, pb.Interval = 0, 0
			a, b = pa, pb
		}
		if !reflect.DeepEqual(a, b) {
			out = append(out, name)
		}
	}
	return out
}

// diffFeeds returns the IDs of the feeds only in after, only in before,
// and in both but different (URL, topic, interval, fetch_article or
// origin).
func diffFeeds(before, after []httpapi.FeedSource) (added, removed, changed []string) {
	old := make(map[string]httpapi.FeedSource, len(before))
	for _, s := range before {
		old[s.Feed.ID] = s
	}
	seen := make(map[string]bool, len(after))
	for _, s := range after {
		seen[s.Feed.ID] = true
		o, ok := old[s.Feed.ID]
		switch {
		case !ok:
			added = append(added, s.Feed.ID)
		case o != s:
			changed = append(changed, s.Feed.ID)
		}
	}
	for _, s := range before {
		if !seen[s.Feed.ID] {
			removed = append(removed, s.Feed.ID)
		}
	}
	return added, removed, changed
}
