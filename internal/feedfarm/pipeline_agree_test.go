package feedfarm_test

import (
	"slices"
	"testing"
	"time"

	"github.com/feedsift/feedsift/dedupe"
	"github.com/feedsift/feedsift/extract"
	"github.com/feedsift/feedsift/internal/feedfarm"
)

// TestGeneratedFarm_AgreesWithExtractAndDedupe checks that the expected
// stories of a generated farm are what the project's own extractor and
// dedupe index (default options) make of it: every page extracts to the
// paragraphs the entry shows, and feeding the extracted texts to an index
// in the order of Expected merges exactly the copies, each into its own
// story. If this fails after a change to extract or dedupe, the fault tests
// built on the farm would fail for that reason, not for NATS.
func TestGeneratedFarm_AgreesWithExtractAndDedupe(t *testing.T) {
	sc := generate(t, feedfarm.GenOptions{Seed: 11, Feeds: 40, Copies: 50})
	f, srv := serve(t, sc)
	f.SetRound(1 << 30)
	entries := map[string]feedfarm.Entry{}
	for _, s := range sc.Sites {
		for _, e := range s.Entries {
			entries[s.Name+" "+e.GUID] = e
		}
	}
	ix, err := dedupe.NewIndex(dedupe.Options{})
	if err != nil {
		t.Fatal(err)
	}
	copies := 0
	for _, x := range sc.Expected() {
		_, body := get(t, srv.URL+x.URL)
		a, err := extract.Extract(body, extract.Options{})
		if err != nil {
			t.Fatalf("extract %s: %v", x.URL, err)
		}
		e := entries[x.Site+" "+x.GUID]
		shown := e.Article.Paragraphs
		if e.Keep > 0 {
			shown = shown[:e.Keep]
		}
		for _, p := range shown {
			if !slices.Contains(a.Paragraphs, p) {
				t.Fatalf("extract %s: paragraph %q missing from %q", x.URL, p, a.Paragraphs)
			}
		}
		m := ix.Match(a.Text())
		switch x.Kind {
		case feedfarm.KindOriginal:
			if m.Duplicate {
				t.Fatalf("original %s merged into %s: %s", x.URL, m.StoryID, m.Reason)
			}
			ix.Add(dedupe.Entry{StoryID: x.Story, Text: a.Text(), Time: time.Now()})
		default:
			copies++
			if !m.Duplicate || m.StoryID != x.Story {
				t.Fatalf("copy %s of %s: duplicate=%v of %q: %s", x.URL, x.Story, m.Duplicate, m.StoryID, m.Reason)
			}
		}
	}
	if copies == 0 {
		t.Fatal("no copies to check")
	}
	t.Logf("%d items, %d copies merged", len(sc.Expected()), copies)
}
