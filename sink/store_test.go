package sink_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/feedsift/feedsift/internal/story"
	"github.com/feedsift/feedsift/sink"
)

// openStore opens a store in a fresh directory and closes it at cleanup.
func openStore(t testing.TB, opts sink.StoreOptions) *sink.Store {
	t.Helper()
	s, err := sink.OpenStore(filepath.Join(t.TempDir(), "data", "feedsift.db"), opts)
	if err != nil {
		t.Fatalf("OpenStore: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

func storyEvent(seq uint64, s story.Story) sink.Event {
	return sink.Event{Seq: seq, Subject: "news." + s.Topic, Story: &s}
}

func dupeEvent(seq uint64, d story.Duplicate) sink.Event {
	return sink.Event{Seq: seq, Subject: "feedsift.dupes." + d.Topic, Duplicate: &d}
}

func ids(stories []story.Story) []string {
	out := []string{}
	for _, s := range stories {
		out = append(out, s.ID)
	}
	return out
}

func TestStore_PutEventIdempotent(t *testing.T) {
	s := openStore(t, sink.StoreOptions{})
	st := newStory(1, "world")
	for range 2 {
		if err := s.PutEvent(storyEvent(3, st)); err != nil {
			t.Fatalf("PutEvent: %v", err)
		}
	}
	d := newDuplicate(st.ID, "world", "feed-b", 1)
	for range 2 {
		if err := s.PutEvent(dupeEvent(4, d)); err != nil {
			t.Fatalf("PutEvent(duplicate): %v", err)
		}
	}
	got, err := s.Stories(sink.StoryFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]story.Story{st}, got); diff != "" {
		t.Errorf("stories after applying twice (-want +got):\n%s", diff)
	}
	rep, err := s.Report(sink.StoryFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep) != 1 || len(rep[0].Members) != 1 {
		t.Errorf("report = %+v, want one story with one member", rep)
	}
	if seq, _ := s.LastSeq(); seq != 4 {
		t.Errorf("LastSeq = %d, want 4", seq)
	}
	// An older sequence does not move LastSeq back.
	if err := s.PutEvent(storyEvent(2, st)); err != nil {
		t.Fatal(err)
	}
	if seq, _ := s.LastSeq(); seq != 4 {
		t.Errorf("LastSeq after older event = %d, want 4", seq)
	}
}

func TestStore_PutEventReplacesStory(t *testing.T) {
	s := openStore(t, sink.StoreOptions{})
	st := newStory(1, "world")
	if err := s.PutEvent(storyEvent(1, st)); err != nil {
		t.Fatal(err)
	}
	st.Topic = "world.europe"
	st.Published = st.Published.Add(-48 * time.Hour)
	if err := s.PutEvent(storyEvent(2, st)); err != nil {
		t.Fatal(err)
	}
	all, err := s.Stories(sink.StoryFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]story.Story{st}, all); diff != "" {
		t.Errorf("after replacement (-want +got):\n%s", diff)
	}
	got, found, err := s.Story(t.Context(), st.ID)
	if err != nil || !found || got.Topic != "world.europe" {
		t.Errorf("Story(%q) = %+v, %v, %v", st.ID, got, found, err)
	}
	if _, found, err := s.Story(t.Context(), "missing"); found || err != nil {
		t.Errorf(`Story("missing") found=%v err=%v, want false, nil`, found, err)
	}
}

func TestStore_PutEventInvalid(t *testing.T) {
	s := openStore(t, sink.StoreOptions{})
	st := newStory(1, "world")
	bad := st
	bad.Topic = "a b"
	noID := st
	noID.ID = ""
	tests := []struct {
		name string
		ev   sink.Event
	}{
		{"empty event", sink.Event{Seq: 1}},
		{"both kinds", sink.Event{Seq: 1, Story: &st, Duplicate: &story.Duplicate{StoryID: "x"}}},
		{"bad topic", storyEvent(1, bad)},
		{"no id", storyEvent(1, noID)},
		{"duplicate without story id", dupeEvent(1, story.Duplicate{Topic: "world"})},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := s.PutEvent(tc.ev); !errors.Is(err, sink.ErrInvalidEvent) && !errors.Is(err, story.ErrInvalidTopic) {
				t.Errorf("PutEvent = %v, want ErrInvalidEvent or ErrInvalidTopic", err)
			}
		})
	}
	if seq, _ := s.LastSeq(); seq != 0 {
		t.Errorf("LastSeq = %d after rejected events, want 0", seq)
	}
}

func TestStore_Stories(t *testing.T) {
	s := openStore(t, sink.StoreOptions{})
	topics := []string{"world", "world.europe", "worldwide", "tech", "world.asia.japan", "tech.go"}
	for i, topic := range topics {
		if err := s.PutEvent(storyEvent(uint64(i+1), newStory(i+1, topic))); err != nil {
			t.Fatal(err)
		}
	}
	// A story without a publish time is ordered by its fetch time.
	unpublished := newStory(7, "world")
	unpublished.Published = time.Time{}
	unpublished.Fetched = baseTime.Add(90 * time.Minute) // between s001 and s002
	if err := s.PutEvent(storyEvent(7, unpublished)); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		filter sink.StoryFilter
		want   []string
	}{
		{"all newest first", sink.StoryFilter{}, []string{"s006", "s005", "s004", "s003", "s002", "s007", "s001"}},
		{"topic prefix", sink.StoryFilter{Topic: "world"}, []string{"s005", "s002", "s007", "s001"}},
		{"sub topic", sink.StoryFilter{Topic: "world.asia"}, []string{"s005"}},
		{"exact leaf", sink.StoryFilter{Topic: "worldwide"}, []string{"s003"}},
		{"no match", sink.StoryFilter{Topic: "sport"}, []string{}},
		{"since", sink.StoryFilter{Since: baseTime.Add(4 * time.Hour)}, []string{"s006", "s005", "s004"}},
		{"since uses fetch time", sink.StoryFilter{Topic: "world", Since: baseTime.Add(90 * time.Minute)}, []string{"s005", "s002", "s007"}},
		{"limit", sink.StoryFilter{Limit: 2}, []string{"s006", "s005"}},
		{"topic since limit", sink.StoryFilter{Topic: "world", Since: baseTime, Limit: 3}, []string{"s005", "s002", "s007"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.Stories(tc.filter)
			if err != nil {
				t.Fatalf("Stories(%+v): %v", tc.filter, err)
			}
			if diff := cmp.Diff(tc.want, ids(got)); diff != "" {
				t.Errorf("Stories(%+v) IDs (-want +got):\n%s", tc.filter, diff)
			}
		})
	}
	for _, f := range []sink.StoryFilter{{Topic: "world.>"}, {Limit: -1}} {
		if _, err := s.Stories(f); err == nil {
			t.Errorf("Stories(%+v) accepted an invalid filter", f)
		}
	}
}

func TestStore_Report(t *testing.T) {
	s := openStore(t, sink.StoreOptions{})
	put := func(ev sink.Event) {
		t.Helper()
		if err := s.PutEvent(ev); err != nil {
			t.Fatal(err)
		}
	}
	s1, s2, s3 := newStory(1, "world"), newStory(2, "tech"), newStory(3, "world.europe")
	put(storyEvent(1, s1))
	put(storyEvent(2, s2))
	put(storyEvent(3, s3))
	m1b := newDuplicate("s001", "world", "feed-b", 5)
	m1c := newDuplicate("s001", "world", "feed-c", 2)
	m3 := newDuplicate("s003", "world.europe", "feed-b", 1)
	orphan := newDuplicate("gone", "world", "feed-d", 30)
	put(dupeEvent(4, m1b))
	put(dupeEvent(5, m1c))
	put(dupeEvent(6, m3))
	put(dupeEvent(7, orphan))

	got, err := s.Report(sink.StoryFilter{})
	if err != nil {
		t.Fatal(err)
	}
	want := []sink.ReportEntry{
		{Story: s3, Members: []story.Duplicate{m3}},
		{Story: s1, Members: []story.Duplicate{m1c, m1b}}, // oldest Seen first
		{Story: story.Story{ID: "gone", Topic: "world"}, Members: []story.Duplicate{orphan}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Report (-want +got):\n%s", diff)
	}

	got, err = s.Report(sink.StoryFilter{Topic: "world.europe"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Story.ID != "s003" {
		t.Errorf("Report(world.europe) = %+v, want only s003", got)
	}
	got, err = s.Report(sink.StoryFilter{Since: baseTime.Add(2 * time.Hour), Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Story.ID != "s003" {
		t.Errorf("Report(since) = %+v, want only s003", got)
	}
}

func TestStore_FeedState(t *testing.T) {
	s := openStore(t, sink.StoreOptions{})
	if _, found, err := s.FeedState(t.Context(), "nope"); found || err != nil {
		t.Errorf("FeedState(missing) found=%v err=%v", found, err)
	}
	a := story.FeedState{
		FeedID: "a", ETag: `W/"abc"`, LastModified: "Sat, 14 Mar 2026 09:00:00 GMT",
		LastFetch: baseTime, LastSuccess: baseTime.Add(-time.Hour), NextCheck: baseTime.Add(time.Hour),
		Failures: 2, LastError: "fetcher: status 503",
	}
	b := story.FeedState{FeedID: "b", LastFetch: baseTime}
	for _, st := range []story.FeedState{b, a} {
		if err := s.PutFeedState(t.Context(), st); err != nil {
			t.Fatal(err)
		}
	}
	got, found, err := s.FeedState(t.Context(), "a")
	if err != nil || !found {
		t.Fatalf("FeedState(a) found=%v err=%v", found, err)
	}
	if diff := cmp.Diff(a, got); diff != "" {
		t.Errorf("FeedState roundtrip (-want +got):\n%s", diff)
	}
	a.Failures, a.LastError = 0, ""
	if err := s.PutFeedState(t.Context(), a); err != nil {
		t.Fatal(err)
	}
	all, err := s.FeedStates()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]story.FeedState{a, b}, all); diff != "" {
		t.Errorf("FeedStates (-want +got):\n%s", diff)
	}
	if err := s.PutFeedState(t.Context(), story.FeedState{}); !errors.Is(err, sink.ErrInvalidOption) {
		t.Errorf("PutFeedState(no id) = %v, want ErrInvalidOption", err)
	}
}

func TestOpenStore_Locked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "feedsift.db")
	first, err := sink.OpenStore(path, sink.StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	second, err := sink.OpenStore(path, sink.StoreOptions{Timeout: 100 * time.Millisecond})
	if err == nil {
		second.Close()
		t.Fatal("second OpenStore on a held file succeeded")
	}
	if !errors.Is(err, sink.ErrLocked) {
		t.Errorf("second OpenStore = %v, want ErrLocked", err)
	}
}

func TestOpenStore_Permissions(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new", "data")
	path := filepath.Join(dir, "feedsift.db")
	s, err := sink.OpenStore(path, sink.StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, tc := range []struct {
		path string
		want os.FileMode
	}{{path, 0o600}, {dir, 0o700}} {
		fi, err := os.Stat(tc.path)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != tc.want {
			t.Errorf("mode of %s = %o, want %o", tc.path, got, tc.want)
		}
	}
}

func TestOpenStore_ReopenKeepsData(t *testing.T) {
	ro := writeThenReopen(t, func(s *sink.Store) error { return s.PutEvent(storyEvent(9, newStory(1, "world"))) })
	if seq, _ := ro.LastSeq(); seq != 9 {
		t.Errorf("LastSeq after reopen = %d, want 9", seq)
	}
	if _, found, err := ro.Story(t.Context(), "s001"); !found || err != nil {
		t.Errorf("Story after reopen: found=%v err=%v", found, err)
	}
	if err := ro.PutFeedState(t.Context(), story.FeedState{FeedID: "a"}); err == nil {
		t.Error("PutFeedState on a read-only store succeeded")
	}
}

func TestOpenStore_InvalidOptions(t *testing.T) {
	for _, tc := range []struct {
		name string
		path string
		opts sink.StoreOptions
	}{
		{"empty path", "", sink.StoreOptions{}},
		{"negative timeout", filepath.Join(t.TempDir(), "x.db"), sink.StoreOptions{Timeout: -1}},
	} {
		if _, err := sink.OpenStore(tc.path, tc.opts); !errors.Is(err, sink.ErrInvalidOption) {
			t.Errorf("%s: OpenStore = %v, want ErrInvalidOption", tc.name, err)
		}
	}
}

func TestStore_WaitSeq(t *testing.T) {
	s := openStore(t, sink.StoreOptions{})
	done := make(chan error, 1)
	go func() { done <- s.WaitSeq(t.Context(), 2) }()
	if err := s.PutEvent(storyEvent(1, newStory(1, "a"))); err != nil {
		t.Fatal(err)
	}
	if err := s.PutEvent(storyEvent(2, newStory(2, "a"))); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Errorf("WaitSeq(2) = %v", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := s.WaitSeq(ctx, 3); err == nil {
		t.Error("WaitSeq(3) with a cancelled context returned nil")
	}
}

// writeThenReopen writes to a new store with write, closes it, and returns
// it opened again read-only (closed at the end of the test).
func writeThenReopen(t *testing.T, write func(*sink.Store) error) *sink.Store {
	t.Helper()
	path := filepath.Join(t.TempDir(), "feedsift.db")
	s, err := sink.OpenStore(path, sink.StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := write(s); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	ro, err := sink.OpenStore(path, sink.StoreOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := ro.Close(); err != nil {
			t.Errorf("close read-only store: %v", err)
		}
	})
	return ro
}

// TestStore_StoriesMerge checks the newest-first merge of the per-topic
// time index against a sort of every story, on stories spread over
// topics and sub-topics with shared publish times (ties go by ID).
func TestStore_StoriesMerge(t *testing.T) {
	s := openStore(t, sink.StoreOptions{})
	topics := []string{"world", "world.europe", "world.europe.fr", "worldwide", "tech", "tech.go", "a", "z.y"}
	r := rand.New(rand.NewPCG(1, 2))
	var all []story.Story
	for i := range 300 {
		st := newStory(i+1, topics[r.IntN(len(topics))])
		st.Published = baseTime.Add(time.Duration(r.IntN(40)) * time.Hour)
		all = append(all, st)
		if err := s.PutEvent(storyEvent(uint64(i+1), st)); err != nil {
			t.Fatal(err)
		}
	}
	slices.SortFunc(all, func(a, b story.Story) int {
		if c := b.Published.Compare(a.Published); c != 0 {
			return c
		}
		return strings.Compare(b.ID, a.ID)
	})
	for _, f := range []sink.StoryFilter{
		{}, {Limit: 1}, {Limit: 25}, {Topic: "world"}, {Topic: "world", Limit: 10}, {Topic: "world.europe"},
		{Topic: "worldwide", Limit: 5}, {Topic: "tech", Since: baseTime.Add(20 * time.Hour)},
		{Since: baseTime.Add(35 * time.Hour), Limit: 7}, {Topic: "nothing"},
	} {
		want := []string{}
		for _, st := range all {
			if (f.Topic == "" || st.Topic == f.Topic || strings.HasPrefix(st.Topic, f.Topic+".")) &&
				!st.Published.Before(f.Since) && (f.Limit == 0 || len(want) < f.Limit) {
				want = append(want, st.ID)
			}
		}
		got, err := s.Stories(f)
		if err != nil {
			t.Fatalf("Stories(%+v): %v", f, err)
		}
		if diff := cmp.Diff(want, ids(got)); diff != "" {
			t.Errorf("Stories(%+v) IDs (-want +got):\n%s", f, diff)
		}
	}
}

// TestPutEvents checks the consumer's batched write: every valid event of
// the batch is applied in order, an invalid one is reported by index and
// skipped, and the store's sequence is the batch's last.
func TestPutEvents(t *testing.T) {
	s := openStore(t, sink.StoreOptions{})
	s1, s2 := newStory(1, "world"), newStory(2, "world")
	s1b := s1
	s1b.Title = "a later version of s1"
	bad := newStory(3, "bad topic")
	d := newDuplicate(s1.ID, "world", "feed-b", 1)
	invalid, err := s.PutEvents([]sink.Event{
		{Seq: 1, Story: &s1}, {Seq: 2, Story: &s2}, {Seq: 3, Story: &bad}, {Seq: 4, Duplicate: &d}, {Seq: 5, Story: &s1b}, {Seq: 6},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(invalid) != 2 || !errors.Is(invalid[2], sink.ErrInvalidEvent) || !errors.Is(invalid[5], sink.ErrInvalidEvent) {
		t.Errorf("invalid = %v, want events 2 and 5, wrapping ErrInvalidEvent", invalid)
	}
	if seq, err := s.LastSeq(); err != nil || seq != 6 {
		t.Errorf("LastSeq = %d, %v; want 6", seq, err)
	}
	got, ok, err := s.Story(t.Context(), s1.ID)
	if err != nil || !ok || got.Title != s1b.Title {
		t.Errorf("story %s = %q (%v, %v), want the batch's later version", s1.ID, got.Title, ok, err)
	}
	if ms, err := s.Members(t.Context(), s1.ID); err != nil || len(ms) != 1 {
		t.Errorf("members of %s: %d (%v), want 1", s1.ID, len(ms), err)
	}
	if _, ok, _ := s.Story(t.Context(), bad.ID); ok {
		t.Error("the invalid story was stored")
	}
}
