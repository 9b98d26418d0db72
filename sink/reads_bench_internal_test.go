package sink

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/feedsift/feedsift/internal/story"
)

// BenchmarkReads reads the newest 20 stories and the newest 20 report
// entries from stores of growing size, each with a copy for a quarter of
// its stories, and beside them the report read by walking every
// duplicate (reportScan, how Report read before the report index): the
// baseline, measured in the same run. Each read reports its p99 latency
// (p99-ms) and what it allocates (B/op); a read that costs what it
// returns stays flat as the store grows.
//
// FEEDSIFT_BENCH_STORE_SIZES lists the store sizes in stories (default
// "10000,100000"); "10000,100000,1000000" is issue 14's range (the
// 1M-story store takes a few minutes to build and about 1 GB of disk).
func BenchmarkReads(b *testing.B) {
	sizes := []int{10_000, 100_000}
	if v := os.Getenv("FEEDSIFT_BENCH_STORE_SIZES"); v != "" {
		sizes = nil
		for _, f := range strings.Split(v, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n <= 0 {
				b.Fatalf("FEEDSIFT_BENCH_STORE_SIZES=%q: %q is not a store size", v, f)
			}
			sizes = append(sizes, n)
		}
	}
	for _, n := range sizes {
		s := benchStore(b, n)
		reads := []struct {
			name string
			read func() (int, error)
		}{
			{"stories", func() (int, error) { st, err := s.Stories(StoryFilter{Limit: 20}); return len(st), err }},
			{"stories-topic", func() (int, error) {
				st, err := s.Stories(StoryFilter{Topic: "topic3", Limit: 20})
				return len(st), err
			}},
			{"report", func() (int, error) { r, err := s.Report(StoryFilter{Limit: 20}); return len(r), err }},
			{"report-topic", func() (int, error) {
				r, err := s.Report(StoryFilter{Topic: "topic4", Limit: 20})
				return len(r), err
			}},
			{"report-scan-baseline", func() (int, error) {
				var r []ReportEntry
				err := s.db.View(func(tx *bolt.Tx) error {
					var err error
					r, err = reportScan(tx, StoryFilter{Limit: 20})
					return err
				})
				return len(r), err
			}},
		}
		for _, rd := range reads {
			b.Run(fmt.Sprintf("stories=%d/%s", n, rd.name), func(b *testing.B) {
				b.ReportAllocs()
				var took []time.Duration
				for b.Loop() {
					start := time.Now()
					got, err := rd.read()
					took = append(took, time.Since(start))
					if err != nil || got != 20 {
						b.Fatalf("read %d entries, error %v; want 20", got, err)
					}
				}
				slices.Sort(took)
				p99 := took[min(len(took)-1, len(took)*99/100)]
				b.ReportMetric(float64(p99.Microseconds())/1000, "p99-ms")
			})
		}
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// benchStore builds a store of n stories over eight topics (topic0 to
// topic7), one copy for every fourth story (so topic0 and topic4 have
// copies), written 10,000 stories to a transaction through the
// same functions PutEvent uses.
func benchStore(b *testing.B, n int) *Store {
	b.Helper()
	s, err := OpenStore(filepath.Join(b.TempDir(), "reads.db"), StoreOptions{})
	if err != nil {
		b.Fatal(err)
	}
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	text := strings.Repeat("A paragraph of a story, as long as a real one's opening. ", 10)
	const perTx = 10_000
	for start := 0; start < n; start += perTx {
		err := s.db.Update(func(tx *bolt.Tx) error {
			for i := start; i < min(n, start+perTx); i++ {
				st := story.Story{Version: story.Version, ID: fmt.Sprintf("story-%07d", i), Topic: fmt.Sprintf("topic%d", i%8),
					URL: fmt.Sprintf("https://site%d.example/%d", i%500, i), Title: fmt.Sprintf("Story %d", i), Text: text,
					Published: base.Add(time.Duration(i) * time.Minute), Fetched: base.Add(time.Duration(i)*time.Minute + time.Second)}
				if err := putStoryValue(tx, st); err != nil {
					return err
				}
				if i%4 == 0 {
					d := story.Duplicate{Version: story.Version, StoryID: st.ID, Topic: st.Topic, FeedID: "wire",
						URL: fmt.Sprintf("https://wire.example/%d", i), Title: st.Title, Seen: st.Fetched.Add(time.Hour),
						Method: "content", Similarity: 0.93, Reason: "containment 0.93 of the story's text"}
					if err := putDupe(tx, d); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	return s
}
