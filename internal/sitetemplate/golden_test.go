package sitetemplate_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/feedsift/feedsift/extract"
	"github.com/feedsift/feedsift/internal/sitetemplate"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.txt from the current output")

// TestGoldenSite reads, in order, the pages of one site (testdata/page*.html,
// articles written for the project). Each carries two lines of the site's
// own inside the article body, where extraction alone cannot tell them from
// the story: a newsletter box and a funding note. Each page is extracted,
// stripped with the template learned from the pages before it, then
// observed; the template goes through MarshalBinary and UnmarshalBinary
// between pages, as it does through the store. The golden files show the
// site's lines kept on the first three pages and gone from the fourth on.
func TestGoldenSite(t *testing.T) {
	pages, err := filepath.Glob(filepath.Join("testdata", "page*.html"))
	if err != nil || len(pages) < 5 {
		t.Fatalf("want at least 5 testdata pages, got %d (%v)", len(pages), err)
	}
	const siteLine = "Get the Gazette morning briefing in your inbox every weekday at seven."
	var saved []byte
	for i, page := range pages {
		name := strings.TrimSuffix(filepath.Base(page), ".html")
		in, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		url := "https://gazette.example/local/" + name
		a, err := extract.Extract(in, extract.Options{URL: url})
		if err != nil {
			t.Fatalf("%s: Extract: %v", name, err)
		}
		if !strings.Contains(a.Text(), siteLine) {
			t.Fatalf("%s: extraction alone already drops the site line, so this case tests nothing:\n%s", name, a.Text())
		}
		c := sitetemplate.New(sitetemplate.Options{})
		if saved != nil {
			if err := c.UnmarshalBinary(saved); err != nil {
				t.Fatalf("%s: load template: %v", name, err)
			}
		}
		kept, dropped := c.Strip(url, a.Paragraphs)
		c.Observe(url, a.Paragraphs)
		if saved, err = c.MarshalBinary(); err != nil {
			t.Fatalf("%s: save template: %v", name, err)
		}

		got := fmt.Sprintf("Page: %s\nDropped: %d\n---\n%s\n", name, dropped, strings.Join(kept, "\n\n"))
		if want := i >= sitetemplate.DefaultMinPages; strings.Contains(got, siteLine) == want {
			t.Errorf("%s (page %d of the site): site line dropped = %v, want %v", name, i+1, !want, want)
		}
		golden := filepath.Join("testdata", name+".golden.txt")
		if *update {
			if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run go test -run TestGoldenSite -update to create it)", err)
		}
		if diff := cmp.Diff(string(want), got); diff != "" {
			t.Errorf("%s differs from %s (-want +got):\n%s", name, golden, diff)
		}
	}
}
