package sink

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkSavePageConcurrent saves 24 KB article pages from 32 goroutines
// at once, as polls do, through SavePage (DB.Batch: concurrent saves share
// a commit) and, as the baseline in the same run, through one DB.Update
// per page (a commit and an fsync each).
func BenchmarkSavePageConcurrent(b *testing.B) {
	body := []byte(strings.Repeat("<p>A paragraph of an article page, with its markup around it.</p>\n", 360))
	for _, mode := range []string{"batch", "update-per-page-baseline"} {
		b.Run(mode, func(b *testing.B) {
			s, err := OpenStore(filepath.Join(b.TempDir(), "pages.db"), StoreOptions{})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			var n atomic.Int64
			b.SetBytes(int64(len(body)))
			b.SetParallelism(16) // 16 x GOMAXPROCS goroutines
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					i := n.Add(1)
					p := Page{URL: fmt.Sprintf("https://site%d.example/story-%d", i%50, i), FeedID: "f",
						Fetched: time.Unix(1_700_000_000+i, 0).UTC(), ContentType: "text/html", Body: body}
					var err error
					if mode == "batch" {
						err = s.SavePage(b.Context(), p)
					} else {
						var data []byte
						if data, err = s.encodePage(p); err == nil {
							err = s.db.Update(s.savePageTx(p, data))
						}
					}
					if err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}

// BenchmarkEncodePage compares the archive's page encoding (a reused gzip
// writer at the fastest level) with a new writer at the default level per
// page, the way it was encoded before (the baseline), on a 24 KB page.
func BenchmarkEncodePage(b *testing.B) {
	body := []byte(strings.Repeat("<p>The river rose overnight and the town's lower streets flooded before dawn.</p>\n", 300))
	p := Page{URL: "https://site.example/story", FeedID: "f", Fetched: time.Unix(1_700_000_000, 0).UTC(), ContentType: "text/html", Body: body}
	b.Run("pooled-fastest", func(b *testing.B) {
		s := &Store{}
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := s.encodePage(p); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("new-default-baseline", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			var gz bytes.Buffer
			zw := gzip.NewWriter(&gz)
			if _, err := zw.Write(p.Body); err != nil {
				b.Fatal(err)
			}
			if err := zw.Close(); err != nil {
				b.Fatal(err)
			}
			if _, err := json.Marshal(pageRecord{Page: p, Gzip: gz.Bytes()}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
