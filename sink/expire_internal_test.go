package sink

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	bolt "go.etcd.io/bbolt"

	"github.com/feedsift/feedsift/internal/story"
)

// TestExpire fills a store with 2,500 stories an hour apart over three
// topics (the 2,100 old ones take three expire batches), a copy for every
// third, and two copy-only entries (copies of stories the store
// never held), one old and one new; then expires everything older than a
// cut. The old stories, their copies and the old copy-only entry are gone,
// the rest is whole, and the report, its counts and Stories agree.
func TestExpire(t *testing.T) {
	s, err := OpenStore(filepath.Join(t.TempDir(), "store.db"), StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	const n = 2500
	cut := base.Add(2100 * time.Hour) // stories 0..2099 are older
	err = s.db.Update(func(tx *bolt.Tx) error {
		for i := range n {
			st := story.Story{ID: fmt.Sprintf("s%04d", i), Topic: []string{"world", "world.europe", "science"}[i%3],
				URL: fmt.Sprintf("https://x.example/%d", i), Title: "t", Text: "t", Fetched: base.Add(time.Duration(i) * time.Hour)}
			if err := putStoryValue(tx, st); err != nil {
				return err
			}
			if i%3 == 0 {
				if err := putDupe(tx, story.Duplicate{StoryID: st.ID, Topic: st.Topic, FeedID: "wire", URL: "https://wire.example/" + st.ID,
					Seen: st.Fetched.Add(time.Minute), Method: "url", Similarity: 1}); err != nil {
					return err
				}
			}
		}
		for _, d := range []story.Duplicate{
			{StoryID: "gone-old", Topic: "world", FeedID: "wire", URL: "https://wire.example/old", Seen: base, Method: "url", Similarity: 1},
			{StoryID: "gone-new", Topic: "world", FeedID: "wire", URL: "https://wire.example/new", Seen: base.Add(n * time.Hour), Method: "url", Similarity: 1},
		} {
			if err := putDupe(tx, d); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	stories, copies, err := s.Expire(t.Context(), cut)
	if err != nil {
		t.Fatal(err)
	}
	if want := 2100 + 1; stories != want || copies != 700+1 {
		t.Errorf("Expire removed %d stories and %d copies, want %d and %d", stories, copies, want, 701)
	}
	for _, c := range []struct {
		id   string
		kept bool
	}{{"s0000", false}, {"s2099", false}, {"s2100", true}, {"s2499", true}} {
		if _, ok, err := s.Story(t.Context(), c.id); err != nil || ok != c.kept {
			t.Errorf("story %s kept = %v (err %v), want %v", c.id, ok, err, c.kept)
		}
	}
	all, err := s.Stories(StoryFilter{})
	if err != nil || len(all) != n-2100 {
		t.Errorf("Stories = %d, %v; want %d", len(all), err, n-2100)
	}
	got, err := s.Report(StoryFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var want []ReportEntry
	if err := s.db.View(func(tx *bolt.Tx) error { want, err = reportScan(tx, StoryFilter{}); return err }); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Report after Expire differs from a scan (-scan +index):\n%s", diff)
	}
	if len(got) != 134+1 { // s2100..s2499 with i%3 == 0, and gone-new
		t.Errorf("report has %d entries after Expire, want 135", len(got))
	}
	if rs, rc, err := s.ReportCounts(""); err != nil || rs != len(got) || rc != len(got) {
		t.Errorf("ReportCounts = %d, %d, %v; want %d, %d", rs, rc, err, len(got), len(got))
	}
	if again, _, err := s.Expire(t.Context(), cut); err != nil || again != 0 {
		t.Errorf("second Expire removed %d, %v; want 0", again, err)
	}
}
