package sink

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	bolt "go.etcd.io/bbolt"

	"github.com/feedsift/feedsift/internal/story"
)

// reportFilters are the filters the report index is checked with.
var reportFilters = []StoryFilter{
	{},
	{Limit: 3},
	{Topic: "world"},
	{Topic: "world", Limit: 2},
	{Topic: "science.space"},
	{Since: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)},
	{Topic: "science", Since: time.Date(2026, 3, 1, 6, 0, 0, 0, time.UTC), Limit: 4},
}

// TestReportIndexAgreesWithScan plays a random stream of stories,
// duplicates (some before their story), story updates that move a story
// in time, splits and merges, and after every event compares Report, which
// reads the index, with reportScan, which reads every duplicate; three
// streams of 250 events from three seeds.
func TestReportIndexAgreesWithScan(t *testing.T) {
	for seed := range uint64(3) {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) { playReportStream(t, seed, 250) })
	}
}

func playReportStream(t *testing.T, seed uint64, events int) {
	s, err := OpenStore(filepath.Join(t.TempDir(), "store.db"), StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rng := rand.New(rand.NewPCG(7+seed, 11))
	topics := []string{"world", "world.europe", "science", "science.space"}
	base := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	at := func() time.Time { return base.Add(time.Duration(rng.IntN(24*60)) * time.Minute) }
	storyID := func() string { return fmt.Sprintf("s%02d", rng.IntN(30)) }
	topicOf := map[string]string{}
	topic := func(id string) string {
		if topicOf[id] == "" {
			topicOf[id] = topics[rng.IntN(len(topics))]
		}
		return topicOf[id]
	}
	var seq uint64
	for step := range events {
		seq++
		var ev Event
		switch r := rng.IntN(10); {
		case r < 4:
			id := storyID()
			ev = Event{Story: &story.Story{ID: id, Topic: topic(id), URL: "https://x.example/" + id, Title: id, Text: "t", Fetched: at()}}
		case r < 8:
			id := storyID()
			n := rng.IntN(5)
			ev = Event{Duplicate: &story.Duplicate{StoryID: id, Topic: topic(id), FeedID: "f", URL: fmt.Sprintf("https://copy.example/%s/%d", id, n),
				Title: "copy", Seen: at(), Method: "content", Similarity: 0.9}}
		case r < 9:
			id, member := storyID(), ""
			err := s.db.View(func(tx *bolt.Tx) error {
				if e, err := reportEntry(tx, id); e != nil && err == nil {
					member = e.Members[rng.IntN(len(e.Members))].MemberKey()
				}
				return nil
			})
			if err != nil || member == "" {
				continue
			}
			ev = Event{Override: &story.Override{ID: fmt.Sprintf("o%d", step), Op: story.OpSplit, Story: id, Member: member,
				NewStory: fmt.Sprintf("split%d", step), Topic: topic(id), At: at()}}
			topicOf[ev.Override.NewStory] = topic(id)
		default:
			a, b := storyID(), storyID()
			if a == b {
				continue
			}
			ev = Event{Override: &story.Override{ID: fmt.Sprintf("o%d", step), Op: story.OpMerge, Story: a, Other: b, Topic: topic(a), At: at()}}
		}
		ev.Seq = seq
		if err := s.PutEvent(ev); err != nil {
			t.Fatalf("step %d: %v", step, err)
		}
		for _, f := range reportFilters {
			got, err := s.Report(f)
			if err != nil {
				t.Fatal(err)
			}
			var want []ReportEntry
			if err := s.db.View(func(tx *bolt.Tx) error { want, err = reportScan(tx, f); return err }); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("step %d, filter %+v: Report (index) differs from a scan (-scan +index):\n%s", step, f, diff)
			}
			if f.Limit != 0 || !f.Since.IsZero() {
				continue
			}
			stories, copies, err := s.ReportCounts(f.Topic)
			if err != nil {
				t.Fatal(err)
			}
			wantCopies := 0
			for _, e := range want {
				wantCopies += len(e.Members)
			}
			if stories != len(want) || copies != wantCopies {
				t.Fatalf("step %d, topic %q: ReportCounts = %d stories, %d copies; a scan finds %d, %d", step, f.Topic, stories, copies, len(want), wantCopies)
			}
		}
	}
	n, _ := s.Report(StoryFilter{})
	if len(n) < 5 {
		t.Fatalf("only %d report entries at the end: the stream did not exercise the index", len(n))
	}
}

// TestReportIndexBuiltForOldStore opens a store whose report index is
// missing, as one written by an earlier version: read-only, Report scans;
// opened for writing, the index is built and Report reads it, with the
// same entries.
func TestReportIndexBuiltForOldStore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "store.db")
	s, err := OpenStore(path, StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	when := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for i := range 6 {
		id := fmt.Sprintf("s%d", i)
		if err := s.PutEvent(Event{Story: &story.Story{ID: id, Topic: "world", URL: "https://x.example/" + id, Title: id, Text: "t",
			Fetched: when.Add(time.Duration(i) * time.Hour)}}); err != nil {
			t.Fatal(err)
		}
		if i%2 == 0 {
			if err := s.PutEvent(Event{Duplicate: &story.Duplicate{StoryID: id, Topic: "world", FeedID: "f", URL: "https://copy.example/" + id,
				Seen: when, Method: "url", Similarity: 1}}); err != nil {
				t.Fatal(err)
			}
		}
	}
	want, err := s.Report(StoryFilter{})
	if err != nil || len(want) != 3 {
		t.Fatalf("Report = %d entries, %v; want 3", len(want), err)
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		for _, b := range reportBuckets {
			if err := tx.DeleteBucket([]byte(b)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()

	ro, err := OpenStore(path, StoreOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	got, err := ro.Report(StoryFilter{})
	ro.Close()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("read-only store without the index: Report differs (-want +got):\n%s", diff)
	}

	rw, err := OpenStore(path, StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer rw.Close()
	if err := rw.db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket([]byte(bucketReportByTime)); b == nil || b.Stats().KeyN != 3 {
			return fmt.Errorf("report index after a writable open: %v", b)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if stories, copies, err := rw.ReportCounts(""); err != nil || stories != 3 || copies != 3 {
		t.Errorf("ReportCounts after the rebuild = %d stories, %d copies, %v; want 3, 3", stories, copies, err)
	}
	got, err = rw.Report(StoryFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rebuilt index: Report differs (-want +got):\n%s", diff)
	}
}
