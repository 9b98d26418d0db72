package dedupeeval_test

import (
	"testing"

	"github.com/feedsift/feedsift/dedupe"
	"github.com/feedsift/feedsift/internal/eval/dedupeeval"
)

// BenchmarkRun replays the dev stream as `feedsift eval dedupe` does
// (Run with the founding texts for the second stage) and, for
// comparison, with the index alone; docs/s is the eval's speed figure.
// Run it with -cpu 1 for the one-core target.
func BenchmarkRun(b *testing.B) {
	s := loadDev(b)
	none := dedupe.TextFunc(func(string) (string, bool) { return "", false })
	for _, bc := range []struct {
		name string
		opts dedupe.Options
	}{
		{"second-stage", dedupe.Options{}},
		{"index-alone", dedupe.Options{Texts: none}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := dedupeeval.Run(s.Docs, bc.opts); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*len(s.Docs))/b.Elapsed().Seconds(), "docs/s")
		})
	}
}
