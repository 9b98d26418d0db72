package sink

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/feedsift/feedsift/internal/story"
)

// TestCompressedRecords: stories and copies are stored compressed and
// smaller than their JSON, and read back whole; records an earlier
// version stored as plain JSON are still read, by a story read and by the
// dedupe report.
func TestCompressedRecords(t *testing.T) {
	s, err := OpenStore(filepath.Join(t.TempDir(), "feedsift.db"), StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	at := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	text := strings.Repeat("The harbour board approved the new pier on Tuesday after a long debate. ", 30)
	st := story.Story{ID: "s1", Topic: "local", FeedID: "a", URL: "https://a.example/pier", Title: "Pier approved",
		Published: at, Fetched: at, Text: text, Source: "article"}
	d := story.Duplicate{StoryID: "s1", Topic: "local", FeedID: "b", URL: "https://b.example/pier", Title: "Pier",
		Seen: at.Add(time.Minute), Method: "near", Similarity: 0.9, Reason: "text", Text: text}
	if err := s.PutEvent(Event{Story: &st, Seq: 1}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutEvent(Event{Duplicate: &d, Seq: 2}); err != nil {
		t.Fatal(err)
	}
	raw := func(bucket string, key []byte) []byte {
		var v []byte
		if err := s.db.View(func(tx *bolt.Tx) error {
			v = bytes.Clone(tx.Bucket([]byte(bucket)).Get(key))
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return v
	}
	plain, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	if v := raw(bucketStories, []byte("s1")); !bytes.HasPrefix(v, zstdMagic) || len(v) >= len(plain)/2 {
		t.Errorf("story record of %d bytes (JSON %d), want compressed to under half", len(v), len(plain))
	}
	if v := raw(bucketDupes, dupeKey("s1", d.MemberKey())); !bytes.HasPrefix(v, zstdMagic) {
		t.Errorf("copy record %q, want compressed", v[:min(len(v), 16)])
	}
	check := func(when string) {
		t.Helper()
		got, ok, err := s.Story(t.Context(), "s1")
		if err != nil || !ok || got.Text != text || got.Title != st.Title {
			t.Errorf("%s: Story = %+v, %v, %v; want the story", when, got.Title, ok, err)
		}
		rep, err := s.Report(StoryFilter{})
		if err != nil || len(rep) != 1 || len(rep[0].Members) != 1 || rep[0].Members[0].Text != text || rep[0].Story.Text != text {
			t.Errorf("%s: Report = %+v, %v; want the story with its copy", when, rep, err)
		}
	}
	check("compressed")

	// Put the records back as plain JSON, as an earlier version wrote them.
	dplain, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.db.Update(func(tx *bolt.Tx) error {
		if err := tx.Bucket([]byte(bucketStories)).Put([]byte("s1"), plain); err != nil {
			return err
		}
		return tx.Bucket([]byte(bucketDupes)).Put(dupeKey("s1", d.MemberKey()), dplain)
	}); err != nil {
		t.Fatal(err)
	}
	check("plain JSON")
}
