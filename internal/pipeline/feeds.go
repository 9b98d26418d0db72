package pipeline

import (
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/feedsift/feedsift/internal/story"
)

// feedSet is the list of feeds Run schedules, replaced by SetFeeds, with
// an index by ID (every poll looks its feed up: a scan of the list would
// cost each poll the number of feeds). wake (buffered, one slot) tells the
// scheduler to look at the list at once.
type feedSet struct {
	mu   sync.Mutex
	list []story.Feed
	byID map[string]int // index in list
	wake chan struct{}
}

func newFeedSet(feeds []story.Feed) *feedSet {
	s := &feedSet{wake: make(chan struct{}, 1)}
	s.set(feeds)
	return s
}

// set replaces the list; the caller holds mu (or has the only reference).
func (s *feedSet) set(feeds []story.Feed) {
	s.list = slices.Clone(feeds)
	s.byID = make(map[string]int, len(feeds))
	for i, f := range s.list {
		s.byID[f.ID] = i
	}
}

func (s *feedSet) get() []story.Feed {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.list // replaced, never modified in place
}

// lookup returns the feed with that ID.
func (s *feedSet) lookup(id string) (story.Feed, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	i, ok := s.byID[id]
	if !ok {
		return story.Feed{}, false
	}
	return s.list[i], true
}

// SetFeeds replaces the feeds the pipeline polls. The feeds are checked as
// New checks Options.Feeds; on error nothing changes. A running Run
// schedules added feeds at once, stops scheduling removed ones (a poll of
// a removed feed already running finishes; one still queued is dropped)
// and keeps the schedule of the others, which lives in their feed state.
// It is safe for concurrent use, with Run and with itself.
func (p *Pipeline) SetFeeds(feeds []story.Feed) error {
	if err := errors.Join(validateFeeds(feeds)...); err != nil {
		return err
	}
	p.feeds.mu.Lock()
	p.feeds.set(feeds)
	p.feeds.mu.Unlock()
	select {
	case p.feeds.wake <- struct{}{}:
	default: // a wake-up is pending already
	}
	return nil
}

// Feeds returns a copy of the feeds the pipeline polls now.
func (p *Pipeline) Feeds() []story.Feed { return slices.Clone(p.feeds.get()) }

// validateFeeds reports every problem of a feed list: empty or repeated
// IDs, empty URLs, invalid topics and intervals that are not positive.
func validateFeeds(feeds []story.Feed) []error {
	var errs []error
	ids := make(map[string]bool, len(feeds))
	for i, f := range feeds {
		switch {
		case f.ID == "":
			errs = append(errs, fmt.Errorf("pipeline: feed %d (%s): empty ID", i, f.URL))
		case ids[f.ID]:
			errs = append(errs, fmt.Errorf("pipeline: feed %s: ID used twice", f.ID))
		}
		ids[f.ID] = true
		if f.URL == "" {
			errs = append(errs, fmt.Errorf("pipeline: feed %s: empty URL", f.ID))
		}
		if err := story.ValidateTopic(f.Topic); err != nil {
			errs = append(errs, fmt.Errorf("pipeline: feed %s: %w", f.ID, err))
		}
		if f.Interval <= 0 {
			// A zero interval would poll the feed in a busy loop.
			errs = append(errs, fmt.Errorf("pipeline: feed %s: interval %v is not positive", f.ID, f.Interval))
		}
	}
	return errs
}
