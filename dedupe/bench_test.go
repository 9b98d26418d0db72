package dedupe_test

import (
	"github.com/feedsift/feedsift/internal/testshared"

	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"

	"github.com/feedsift/feedsift/dedupe"
)

// benchTexts returns the dev stream's texts, or generated ones (with
// copies) when the corpus is absent.
func benchTexts(b *testing.B) []string {
	b.Helper()
	f, err := os.Open(filepath.Join(testshared.Dir(b), "corpus", "dedupe", "dev", "docs.jsonl"))
	if err != nil {
		b.Logf("dev corpus absent (%v); using generated text", err)
		var out []string
		for i := range 3000 {
			out = append(out, genText(uint64(i/3), 6)+fmt.Sprint("\n\nfooter ", i%3))
		}
		return out
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var d struct{ Text string }
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			b.Fatal(err)
		}
		out = append(out, d.Text)
	}
	if err := sc.Err(); err != nil {
		b.Fatal(err)
	}
	return out
}

func textBytes(ts []string) int64 {
	var n int64
	for _, t := range ts {
		n += int64(len(t))
	}
	return n
}

// runIndex is the production loop: Match, then Add as member or new story.
func runIndex(b *testing.B, texts []string) *dedupe.Index {
	ix, err := dedupe.NewIndex(dedupe.Options{})
	if err != nil {
		b.Fatal(err)
	}
	for i, t := range texts {
		m := ix.Match(t)
		id := fmt.Sprint(i)
		if m.Duplicate {
			id = m.StoryID
		}
		ix.Add(dedupe.Entry{StoryID: id, Text: t, Time: t0})
	}
	return ix
}

// bruteForce is the baseline: full 5-word shingle sets, exact containment
// against every story so far.
func bruteForce(texts []string) int {
	var stories [][]uint64
	dups := 0
	for _, t := range texts {
		toks := dedupe.Tokens(t)
		var sh []uint64
		for i := 0; i+5 <= len(toks); i++ {
			var h uint64 = 14695981039346656037
			for _, w := range toks[i : i+5] {
				for j := 0; j < len(w); j++ {
					h = (h ^ uint64(w[j])) * 1099511628211
				}
				h = (h ^ ' ') * 1099511628211
			}
			sh = append(sh, h)
		}
		slices.Sort(sh)
		sh = slices.Compact(sh)
		dup := false
		for _, s := range stories {
			inter, i, j := 0, 0, 0
			for i < len(sh) && j < len(s) {
				switch {
				case sh[i] < s[j]:
					i++
				case sh[i] > s[j]:
					j++
				default:
					inter++
					i++
					j++
				}
			}
			if d := min(len(sh), len(s)); d > 0 && float64(inter)/float64(d) >= 0.5 {
				dup = true
				break
			}
		}
		if dup {
			dups++
		} else {
			stories = append(stories, sh)
		}
	}
	return dups
}

func BenchmarkMatchAdd(b *testing.B) {
	all := benchTexts(b)
	small := all[:min(500, len(all))]
	for _, bc := range []struct {
		name  string
		texts []string
		run   func([]string)
	}{
		{fmt.Sprintf("index/n=%d", len(small)), small, func(ts []string) { runIndex(b, ts) }},
		{fmt.Sprintf("bruteforce/n=%d", len(small)), small, func(ts []string) { bruteForce(ts) }},
		{fmt.Sprintf("index/n=%d", len(all)), all, func(ts []string) { runIndex(b, ts) }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(textBytes(bc.texts))
			iters := 0
			for b.Loop() {
				bc.run(bc.texts)
				iters++
			}
			b.ReportMetric(float64(iters*len(bc.texts))/b.Elapsed().Seconds(), "docs/s")
		})
	}
	b.Run("heap", func(b *testing.B) {
		var ms0, ms1 runtime.MemStats
		var ix *dedupe.Index
		words := 0
		for _, t := range all {
			words += len(dedupe.Tokens(t))
		}
		for b.Loop() {
			runtime.GC()
			runtime.ReadMemStats(&ms0)
			ix = runIndex(b, all)
			runtime.GC()
			runtime.ReadMemStats(&ms1)
		}
		b.ReportMetric(float64(ms1.HeapAlloc-ms0.HeapAlloc)/float64(words), "heapB/word")
		b.ReportMetric(float64(ix.Len()), "stories")
	})
}

func BenchmarkCanonicalURL(b *testing.B) {
	urls := []string{
		"https://www.Example.com:443/news/2025/03/01/story-title/?utm_source=rss&utm_medium=feed&id=42&b=2#comments",
		"http://example.org/a/./b/../c/%7euser?fbclid=XYZ&page=3",
		"https://news.example.net/world",
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, u := range urls {
			if _, err := dedupe.CanonicalURL(u); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.N*len(urls))/b.Elapsed().Seconds(), "urls/s")
}
