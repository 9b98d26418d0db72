package sink

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/feedsift/feedsift/internal/story"
)

// Feeds added at run time (feedsift feeds add, POST /api/feeds) are kept in
// the bucket feed_sources, feed id -> JSON StoredFeed. (The bucket feeds
// holds every feed's poll state.) The config file's feeds are never stored
// here; the daemon merges both lists.
const bucketFeedSources = "feed_sources"

var (
	// ErrFeedExists is returned by AddFeed when a stored feed already has
	// the new feed's ID or URL.
	ErrFeedExists = errors.New("sink: feed already stored")
	// ErrNoFeed is returned by RemoveFeed for an ID that is not stored.
	ErrNoFeed = errors.New("sink: no such stored feed")
)

// StoredFeed is a feed added at run time rather than declared in the
// config file.
type StoredFeed struct {
	ID    string `json:"id"`
	URL   string `json:"url"`
	Topic string `json:"topic"`
	// Interval between polls; 0 means the config's poll.interval at the
	// time the feed set is built, so a change of the default applies.
	Interval     time.Duration `json:"interval,omitempty"`
	FetchArticle bool          `json:"fetch_article,omitempty"`
	// Added is when the feed was stored; zero when unknown.
	Added time.Time `json:"added,omitzero"`
}

// Feed returns the story.Feed of f, with defaultInterval when f has none.
func (f StoredFeed) Feed(defaultInterval time.Duration) story.Feed {
	iv := f.Interval
	if iv <= 0 {
		iv = defaultInterval
	}
	return story.Feed{ID: f.ID, URL: f.URL, Topic: f.Topic, FetchArticle: f.FetchArticle, Interval: iv}
}

// AddFeed stores f. It fails with ErrFeedExists when a stored feed has the
// same ID or URL, and with ErrInvalidOption when f has no ID or URL or an
// invalid topic. Checking f against the config file is the caller's job.
func (s *Store) AddFeed(f StoredFeed) error {
	switch {
	case strings.TrimSpace(f.ID) == "":
		return fmt.Errorf("%w: stored feed without id", ErrInvalidOption)
	case strings.TrimSpace(f.URL) == "":
		return fmt.Errorf("%w: stored feed %s without url", ErrInvalidOption, f.ID)
	case f.Interval < 0:
		return fmt.Errorf("%w: stored feed %s: negative interval", ErrInvalidOption, f.ID)
	}
	if err := story.ValidateTopic(f.Topic); err != nil {
		return fmt.Errorf("%w: stored feed %s: %w", ErrInvalidOption, f.ID, err)
	}
	data, err := json.Marshal(f)
	if err != nil {
		return fmt.Errorf("sink: add feed %s: %w", f.ID, err)
	}
	err = s.write(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists([]byte(bucketFeedSources))
		if err != nil {
			return err
		}
		if b.Get([]byte(f.ID)) != nil {
			return fmt.Errorf("%w: id %q", ErrFeedExists, f.ID)
		}
		err = b.ForEach(func(k, v []byte) error {
			var old StoredFeed
			if json.Unmarshal(v, &old) == nil && old.URL == f.URL {
				return fmt.Errorf("%w: url %s is feed %q", ErrFeedExists, f.URL, old.ID)
			}
			return nil
		})
		if err != nil {
			return err
		}
		return b.Put([]byte(f.ID), data)
	})
	if err != nil {
		return fmt.Errorf("sink: add feed %s: %w", f.ID, err)
	}
	return nil
}

// RemoveFeed deletes the stored feed id, or fails with ErrNoFeed. The
// feed's poll state is kept, so adding it again resumes its schedule and
// validators.
func (s *Store) RemoveFeed(id string) error {
	err := s.write(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(bucketFeedSources))
		if b == nil || b.Get([]byte(id)) == nil {
			return fmt.Errorf("%w: %q", ErrNoFeed, id)
		}
		return b.Delete([]byte(id))
	})
	if err != nil {
		return fmt.Errorf("sink: remove feed: %w", err)
	}
	return nil
}

// StoredFeeds returns every stored feed, ordered by ID.
func (s *Store) StoredFeeds() ([]StoredFeed, error) {
	var out []StoredFeed
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(bucketFeedSources))
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			var f StoredFeed
			if err := json.Unmarshal(v, &f); err != nil {
				return fmt.Errorf("feed %q: %w", k, err)
			}
			out = append(out, f)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("sink: stored feeds: %w", err)
	}
	return out, nil
}

// FeedItemCounts returns, per feed ID, how many items of that feed the
// store has seen since the given time: stories by their Fetched time plus
// merged copies by their Seen time. Feeds with none are absent.
func (s *Store) FeedItemCounts(since time.Time) (map[string]int, error) {
	counts := map[string]int{}
	err := s.db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket([]byte(bucketStories)); b != nil {
			err := b.ForEach(func(_, v []byte) error {
				var st struct {
					Feed    string    `json:"feed"`
					Fetched time.Time `json:"fetched"`
				}
				if unmarshalRecord(v, &st) == nil && !st.Fetched.Before(since) {
					counts[st.Feed]++
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
		if b := tx.Bucket([]byte(bucketDupes)); b != nil {
			return b.ForEach(func(_, v []byte) error {
				var d struct {
					Feed string    `json:"feed"`
					Seen time.Time `json:"seen"`
				}
				if unmarshalRecord(v, &d) == nil && !d.Seen.Before(since) {
					counts[d.Feed]++
				}
				return nil
			})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("sink: feed item counts: %w", err)
	}
	delete(counts, "")
	return counts, nil
}
