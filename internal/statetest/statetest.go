// Package statetest is the conformance suite of feedsift's feed-state
// stores: one set of tests that every implementation of the contract
// runs, so the single-instance store (sink.Store, bbolt) and the
// cluster's store (kvstate.Store, a JetStream key-value bucket) cannot
// drift apart. Each implementation's own tests call Run.
//
// The contract, as the pipeline relies on it:
//   - FeedState of a feed never written is the zero state, found false,
//     and no error.
//   - PutFeedState then FeedState returns the state written, every field
//     equal (times to the nanosecond, in UTC), from the same store and
//     from a second store opened on the same storage.
//   - A later PutFeedState replaces the earlier state whole: fields left
//     zero in the new state are zero when read back.
//   - Feeds are independent: writing one never changes another, whatever
//     characters their IDs hold (dots, slashes, '=', spaces, non-ASCII).
//   - A state without a feed ID is refused with an error and writes
//     nothing.
package statetest

import (
	"context"
	"testing"
	"time"

	"github.com/feedsift/feedsift/internal/story"
)

// Store is the contract under test: the pipeline's StateStore.
type Store interface {
	FeedState(ctx context.Context, feedID string) (story.FeedState, bool, error)
	PutFeedState(ctx context.Context, st story.FeedState) error
}

// Open returns two stores on one fresh storage, as two instances (or a
// restarted daemon) would see it: what one writes, the other reads. The
// implementation's cleanup runs through t.Cleanup.
type Open func(t *testing.T) (Store, Store)

// Run runs the conformance suite against the stores open returns, each
// case on fresh storage.
func Run(t *testing.T, open Open) {
	for _, tc := range []struct {
		name string
		run  func(t *testing.T, a, b Store)
	}{
		{"missing feed", missing},
		{"round trip", roundTrip},
		{"replace whole", replaceWhole},
		{"feeds independent", independent},
		{"empty feed id refused", emptyID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, b := open(t)
			tc.run(t, a, b)
		})
	}
}

// Sample is a state with every field set, times with nanoseconds.
func Sample(feedID string) story.FeedState {
	at := time.Date(2026, 5, 1, 12, 30, 0, 123456789, time.UTC)
	return story.FeedState{
		FeedID: feedID, ETag: `W/"abc"`, LastModified: "Fri, 01 May 2026 12:00:00 GMT",
		LastFetch: at, LastSuccess: at.Add(-time.Hour), NextCheck: at.Add(15 * time.Minute),
		Failures: 2, LastError: "fetcher: 503", Format: "atom",
	}
}

func missing(t *testing.T, a, _ Store) {
	st, found, err := a.FeedState(t.Context(), "never-written")
	if err != nil || found || st != (story.FeedState{}) {
		t.Errorf("FeedState of a feed never written = %+v, %v, %v; want zero, false, nil", st, found, err)
	}
}

func roundTrip(t *testing.T, a, b Store) {
	want := Sample("bbc-world")
	if err := a.PutFeedState(t.Context(), want); err != nil {
		t.Fatalf("PutFeedState: %v", err)
	}
	for name, s := range map[string]Store{"same store": a, "second store": b} {
		got, found, err := s.FeedState(t.Context(), want.FeedID)
		if err != nil || !found {
			t.Fatalf("%s: FeedState = found %v, %v; want the state written", name, found, err)
		}
		if !equal(got, want) {
			t.Errorf("%s: FeedState = %+v, want %+v", name, got, want)
		}
	}
}

func replaceWhole(t *testing.T, a, b Store) {
	if err := a.PutFeedState(t.Context(), Sample("f")); err != nil {
		t.Fatalf("PutFeedState: %v", err)
	}
	next := story.FeedState{FeedID: "f", NextCheck: time.Date(2026, 5, 2, 0, 0, 0, 0, time.UTC)}
	if err := b.PutFeedState(t.Context(), next); err != nil {
		t.Fatalf("second PutFeedState: %v", err)
	}
	got, found, err := a.FeedState(t.Context(), "f")
	if err != nil || !found || !equal(got, next) {
		t.Errorf("after a replacing write: FeedState = %+v, %v, %v; want %+v", got, found, err, next)
	}
}

func independent(t *testing.T, a, b Store) {
	ids := []string{"example.com/rss", "example.com/rss/", "a=2Fb", "a/b", "news feed", "nyheter-ø", "新闻", "x.y.z"}
	for i, id := range ids {
		st := Sample(id)
		st.Failures = i
		if err := a.PutFeedState(t.Context(), st); err != nil {
			t.Fatalf("PutFeedState(%q): %v", id, err)
		}
	}
	for i, id := range ids {
		got, found, err := b.FeedState(t.Context(), id)
		want := Sample(id)
		want.Failures = i
		if err != nil || !found || !equal(got, want) {
			t.Errorf("FeedState(%q) = %+v, %v, %v; want %+v", id, got, found, err, want)
		}
	}
}

func emptyID(t *testing.T, a, _ Store) {
	st := Sample("")
	if err := a.PutFeedState(t.Context(), st); err == nil {
		t.Errorf("PutFeedState without a feed id = nil error, want one")
	}
	if got, found, err := a.FeedState(t.Context(), ""); found {
		t.Errorf("FeedState(\"\") after a refused write = %+v, %v, %v; want nothing found", got, found, err)
	}
}

// equal compares states with times by instant (a store may return them
// in another location or without a monotonic reading).
func equal(a, b story.FeedState) bool {
	if !a.LastFetch.Equal(b.LastFetch) || !a.LastSuccess.Equal(b.LastSuccess) || !a.NextCheck.Equal(b.NextCheck) {
		return false
	}
	a.LastFetch, a.LastSuccess, a.NextCheck = b.LastFetch, b.LastSuccess, b.NextCheck
	return a == b
}
