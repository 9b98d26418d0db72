package sink

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"sync"
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

// BenchmarkEncodePage compares the archive's page encoding (an S2 block
// after the metadata) with the encoding before it, in the same run: JSON
// with the body gzipped at the fastest level, by a writer taken from a
// pool (as when the pool still holds one) and by a new writer (as after a
// garbage collection emptied the pool, which a busy daemon does every
// few milliseconds). The page is 24 KB of markup and prose drawn from a
// 600-word vocabulary, which compresses about as real pages do; "ratio"
// is the record's size over the body's.
func BenchmarkEncodePage(b *testing.B) {
	body := benchPageBody(24 << 10)
	p := Page{URL: "https://site.example/story", FeedID: "f", Fetched: time.Unix(1_700_000_000, 0).UTC(), ContentType: "text/html", Body: body}
	var pool sync.Pool
	gzipRecord := func(zw *gzip.Writer) []byte {
		var gz bytes.Buffer
		zw.Reset(&gz)
		if _, err := zw.Write(p.Body); err != nil {
			b.Fatal(err)
		}
		if err := zw.Close(); err != nil {
			b.Fatal(err)
		}
		rec, err := json.Marshal(legacyPageRecord{Page: p, Gzip: gz.Bytes()})
		if err != nil {
			b.Fatal(err)
		}
		return rec
	}
	for _, tc := range []struct {
		name   string
		encode func() []byte
	}{
		{"s2", func() []byte {
			rec, err := (&Store{}).encodePage(p)
			if err != nil {
				b.Fatal(err)
			}
			return rec
		}},
		{"gzip-fastest-pooled-baseline", func() []byte {
			zw, _ := pool.Get().(*gzip.Writer)
			if zw == nil {
				zw, _ = gzip.NewWriterLevel(nil, gzip.BestSpeed)
			}
			defer pool.Put(zw)
			return gzipRecord(zw)
		}},
		{"gzip-fastest-new-writer-baseline", func() []byte {
			zw, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
			return gzipRecord(zw)
		}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			var n int
			for b.Loop() {
				n = len(tc.encode())
			}
			b.ReportMetric(float64(n)/float64(len(body)), "ratio")
		})
	}
}

// benchPageBody returns about size bytes of article markup: paragraphs of
// words drawn from a fixed vocabulary with a fixed seed.
func benchPageBody(size int) []byte {
	rng := rand.New(rand.NewPCG(1, 2))
	vocab := make([]string, 600)
	for i := range vocab {
		w := make([]byte, 2+rng.IntN(9))
		for j := range w {
			w[j] = byte('a' + rng.IntN(26))
		}
		vocab[i] = string(w)
	}
	var b bytes.Buffer
	b.WriteString(`<html><head><title>A story</title></head><body><article class="story-body">`)
	for b.Len() < size {
		b.WriteString("\n<p class=\"para\">")
		for range 40 + rng.IntN(40) {
			b.WriteString(vocab[rng.IntN(len(vocab))])
			b.WriteByte(' ')
		}
		b.WriteString("</p>")
	}
	b.WriteString("</article></body></html>")
	return b.Bytes()
}
