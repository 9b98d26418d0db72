package sink_test

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/feedsift/feedsift/internal/story"
	"github.com/feedsift/feedsift/sink"
)

// TestStoredFeeds adds, refuses, lists and removes stored feeds, and
// checks they survive a reopen and stay apart from feed states.
func TestStoredFeeds(t *testing.T) {
	path := filepath.Join(t.TempDir(), "feedsift.db")
	s, err := sink.OpenStore(path, sink.StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	added := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	b := sink.StoredFeed{ID: "b", URL: "https://b.example/feed", Topic: "world", Interval: time.Hour, Added: added}
	a := sink.StoredFeed{ID: "a", URL: "https://a.example/rss", Topic: "tech", FetchArticle: true}
	for _, f := range []sink.StoredFeed{b, a} {
		if err := s.AddFeed(f); err != nil {
			t.Fatalf("AddFeed(%s): %v", f.ID, err)
		}
	}
	refused := []struct {
		name string
		feed sink.StoredFeed
		want error
	}{
		{"same id", sink.StoredFeed{ID: "a", URL: "https://other.example/", Topic: "tech"}, sink.ErrFeedExists},
		{"same url", sink.StoredFeed{ID: "c", URL: b.URL, Topic: "tech"}, sink.ErrFeedExists},
		{"no id", sink.StoredFeed{URL: "https://c.example/", Topic: "tech"}, sink.ErrInvalidOption},
		{"no url", sink.StoredFeed{ID: "c", Topic: "tech"}, sink.ErrInvalidOption},
		{"bad topic", sink.StoredFeed{ID: "c", URL: "https://c.example/", Topic: "a b"}, sink.ErrInvalidOption},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			if err := s.AddFeed(tc.feed); !errors.Is(err, tc.want) {
				t.Errorf("AddFeed: %v, want %v", err, tc.want)
			}
		})
	}
	if err := s.PutFeedState(t.Context(), story.FeedState{FeedID: "a", Failures: 2}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = sink.OpenStore(path, sink.StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.StoredFeeds()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]sink.StoredFeed{a, b}, got); diff != "" {
		t.Errorf("StoredFeeds after reopen (-want +got):\n%s", diff)
	}
	if err := s.RemoveFeed("a"); err != nil {
		t.Fatal(err)
	}
	if err := s.RemoveFeed("a"); !errors.Is(err, sink.ErrNoFeed) {
		t.Errorf("second RemoveFeed: %v, want ErrNoFeed", err)
	}
	got, _ = s.StoredFeeds()
	if diff := cmp.Diff([]sink.StoredFeed{b}, got); diff != "" {
		t.Errorf("StoredFeeds after remove (-want +got):\n%s", diff)
	}
	if _, ok, _ := s.FeedState(t.Context(), "a"); !ok {
		t.Error("removing a stored feed dropped its feed state")
	}
	if f := b.Feed(15 * time.Minute); f.Interval != time.Hour || f.Topic != "world" {
		t.Errorf("Feed() = %+v", f)
	}
	if f := a.Feed(15 * time.Minute); f.Interval != 15*time.Minute || !f.FetchArticle {
		t.Errorf("Feed() without interval = %+v, want the default", f)
	}
}

// TestFeedItemCounts counts stories by Fetched and copies by Seen.
func TestFeedItemCounts(t *testing.T) {
	s := openStore(t, sink.StoreOptions{})
	since := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)
	mk := func(id, feed string, fetched time.Time) story.Story {
		return story.Story{ID: id, Topic: "world", FeedID: feed, URL: "https://x.example/" + id, Title: id, Text: "t", Fetched: fetched}
	}
	var seq uint64
	for _, st := range []story.Story{
		mk("s1", "wire", since.Add(time.Hour)),
		mk("s2", "wire", since.Add(2*time.Hour)),
		mk("s3", "wire", since.Add(-time.Hour)), // before the window
		mk("s4", "ledger", since),
	} {
		seq++
		if err := s.PutEvent(storyEvent(seq, st)); err != nil {
			t.Fatal(err)
		}
	}
	for i, d := range []story.Duplicate{
		{StoryID: "s1", Topic: "world", FeedID: "ledger", URL: "https://l.example/1", Seen: since.Add(time.Hour)},
		{StoryID: "s1", Topic: "world", FeedID: "mirror", URL: "https://m.example/1", Seen: since.Add(-time.Hour)},
	} {
		if err := s.PutEvent(dupeEvent(seq+uint64(i)+1, d)); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.FeedItemCounts(since)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]int{"wire": 2, "ledger": 2}, got); diff != "" {
		t.Errorf("FeedItemCounts (-want +got):\n%s", diff)
	}
}
