package sink

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/feedsift/feedsift/internal/story"
)

// BenchmarkDupeWrite writes copy records of stories with a 3 KB text and
// up to eight copies each, inside one transaction (no fsync, so only the
// work of the write shows): through putDupe, which keeps the report index
// and its counts, and, as the baseline in the same run, the bare put of
// the record. The difference is what the report index costs a copy.
func BenchmarkDupeWrite(b *testing.B) {
	for _, mode := range []string{"with-report-index", "bare-put-baseline"} {
		b.Run(mode, func(b *testing.B) {
			s, err := OpenStore(filepath.Join(b.TempDir(), "dupes.db"), StoreOptions{})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			text := strings.Repeat("A sentence of the story as long as a real one. ", 64)
			base := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
			err = s.db.Update(func(tx *bolt.Tx) error {
				for i := range 1000 {
					st := story.Story{ID: fmt.Sprintf("s%04d", i), Topic: "world", URL: "https://x.example/", Title: "t", Text: text, Fetched: base}
					if err := putStoryValue(tx, st); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			tx, err := s.db.Begin(true)
			if err != nil {
				b.Fatal(err)
			}
			defer func() { _ = tx.Rollback() }()
			i := 0
			for b.Loop() {
				d := story.Duplicate{StoryID: fmt.Sprintf("s%04d", i%1000), Topic: "world", FeedID: "wire",
					URL: fmt.Sprintf("https://wire.example/%d", i%8000), Seen: base.Add(time.Duration(i) * time.Second), Method: "content", Similarity: 0.9}
				i++
				if mode == "with-report-index" {
					err = putDupe(tx, d)
				} else {
					var data []byte
					if data, err = json.Marshal(d); err == nil {
						err = tx.Bucket([]byte(bucketDupes)).Put(dupeKey(d.StoryID, d.MemberKey()), data)
					}
				}
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
