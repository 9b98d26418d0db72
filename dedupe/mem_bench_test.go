package dedupe_test

import (
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/feedsift/feedsift/dedupe"
)

// synthText appends to buf an article-like text of about 365 words (the
// dev stream's mean is close) from a 5000-word vocabulary: a headline and
// six paragraphs of 60 words. Distinct seeds share almost no 5-word runs.
func synthText(buf []byte, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 11))
	buf = append(buf, "Headline number "...)
	buf = strconv.AppendUint(buf, seed, 10)
	buf = append(buf, " about things\n\n"...)
	for p := range 6 {
		if p > 0 {
			buf = append(buf, "\n\n"...)
		}
		for w := range 60 {
			if w > 0 {
				buf = append(buf, ' ')
			}
			buf = append(buf, 'w')
			buf = strconv.AppendUint(buf, r.Uint64N(5000), 10)
		}
		buf = append(buf, '.')
	}
	return buf
}

// BenchmarkIndexMemory fills an index with distinct synthetic stories
// (1,000,000 unless FEEDSIFT_BENCH_STORIES says otherwise) and reports the
// live heap it holds: MB in all and bytes per story. The budget in issue 4
// is 300 MB at 1M stories.
func BenchmarkIndexMemory(b *testing.B) {
	n := 1_000_000
	if s := os.Getenv("FEEDSIFT_BENCH_STORIES"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v <= 0 {
			b.Fatalf("FEEDSIFT_BENCH_STORIES=%q: want a positive integer", s)
		}
		n = v
	}
	var ms0, ms1 runtime.MemStats
	var ix *dedupe.Index
	for b.Loop() {
		ix = nil //nolint:ineffassign // the last round's index must be garbage before the baseline is read
		runtime.GC()
		runtime.ReadMemStats(&ms0)
		var err error
		ix, err = dedupe.NewIndex(dedupe.Options{Window: 1000 * time.Hour})
		if err != nil {
			b.Fatal(err)
		}
		var buf []byte
		for i := range n {
			buf = synthText(buf[:0], uint64(i))
			ix.Add(dedupe.Entry{StoryID: strconv.Itoa(i), Text: string(buf), Time: t0})
		}
		ix.Add(dedupe.Entry{StoryID: "last", Text: "x", Time: t0}) // drop the cached text
		runtime.GC()
		runtime.ReadMemStats(&ms1)
	}
	live := float64(ms1.HeapAlloc) - float64(ms0.HeapAlloc)
	b.ReportMetric(live/1e6, "MB")
	b.ReportMetric(live/float64(n), "B/story")
	b.ReportMetric(float64(ix.Len()), "stories")
}
