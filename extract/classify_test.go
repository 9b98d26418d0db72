package extract_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/feedsift/feedsift/extract"
)

// TestPageType runs the project-written pages of testdata/pagetype, one
// per page type, and checks the type and the confidence band.
func TestPageType(t *testing.T) {
	tests := []struct {
		page     string
		opts     extract.Options
		want     string
		min, max float64 // confidence bounds, inclusive
	}{
		{page: "article", want: extract.PageArticle, min: 0.8, max: 1,
			opts: extract.Options{Title: "Harbour ferry returns after winter repairs", Summary: "The ferry is back after three months of repairs to its hull and engines."}},
		{page: "article", want: extract.PageArticle, min: 0.8, max: 1}, // no feed item: the meta description agrees
		{page: "listing", want: extract.PageListing, min: 0, max: extract.LowConfidence - 0.01},
		{page: "gallery", want: extract.PageGallery, min: 0, max: extract.LowConfidence - 0.01},
		{page: "video", want: extract.PageVideo, min: 0, max: extract.LowConfidence - 0.01},
		{page: "forum", want: extract.PageLiveForum, min: 0.3, max: 0.9},
	}
	for _, tc := range tests {
		t.Run(tc.page, func(t *testing.T) {
			in, err := os.ReadFile(filepath.Join("testdata", "pagetype", tc.page+".html"))
			if err != nil {
				t.Fatal(err)
			}
			a, err := extract.Extract(in, tc.opts)
			if err != nil {
				if errors.Is(err, extract.ErrNoContent) {
					t.Fatalf("Extract: %v", err)
				}
				t.Fatal(err)
			}
			if a.PageType != tc.want {
				t.Errorf("PageType = %q, want %q (block %s, confidence %.2f)", a.PageType, tc.want, a.Block, a.Confidence)
			}
			if a.Confidence < tc.min || a.Confidence > tc.max {
				t.Errorf("Confidence = %.2f, want in [%.2f, %.2f] (type %s, block %s)", a.Confidence, tc.min, tc.max, a.PageType, a.Block)
			}
		})
	}
}

// TestConfidenceOrder checks that the confidence falls as the evidence
// does: the same story chosen from <article>, from a bare scored <div>,
// and with most of the page's text left outside the block.
func TestConfidenceOrder(t *testing.T) {
	para := "<p>The harbour ferry is back on the water after three months of repairs to its hull and engines, and the first crossing of the season left the north pier at seven with forty passengers on board.</p>"
	story := para + para[:3] + "Engineers replaced two propeller shafts, repainted the lower hull and fitted a new steering system that the crew had asked for since a stormy crossing in October.</p>" +
		"<p>Commuters who had taken the long road around the bay all winter welcomed the return, saying the crossing saves them more than an hour a day.</p>" +
		"<p>The timetable is unchanged from last year: a crossing every forty minutes on weekdays and every hour at weekends, with late boats in summer.</p>"
	inArticle := "<html><body><article>" + story + "</article></body></html>"
	inDiv := "<html><body><div>" + story + "</div></body></html>"
	extract1, err := extract.Extract([]byte(inArticle), extract.Options{})
	if err != nil {
		t.Fatal(err)
	}
	extract2, err := extract.Extract([]byte(inDiv), extract.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if extract1.Confidence <= extract2.Confidence {
		t.Errorf("confidence from <article> %.2f (block %s) not above that from a scored <div> %.2f (block %s)",
			extract1.Confidence, extract1.Block, extract2.Confidence, extract2.Block)
	}
	for _, a := range []*extract.Article{extract1, extract2} {
		if a.Confidence < 0 || a.Confidence > 1 {
			t.Errorf("confidence %v out of [0,1]", a.Confidence)
		}
	}
}
