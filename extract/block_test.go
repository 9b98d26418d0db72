package extract_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/feedsift/feedsift/extract"
)

// TestBlockRegress runs the pages written for the block choice (issue 11:
// wrong block, data tables, a story nested in an ad slot, hidden text,
// pages that are not articles) against their golden output, as TestGolden
// does; -update rewrites the golden files. A page's first line may hold
// the feed item as an HTML comment: <!-- title: T | summary: S -->.
func TestBlockRegress(t *testing.T) {
	pages, err := filepath.Glob(filepath.Join("testdata", "regress", "block", "*.html"))
	if err != nil || len(pages) == 0 {
		t.Fatalf("no regression pages: %v", err)
	}
	for _, page := range pages {
		name := strings.TrimSuffix(filepath.Base(page), ".html")
		t.Run(name, func(t *testing.T) {
			in, err := os.ReadFile(page)
			if err != nil {
				t.Fatal(err)
			}
			opts := extract.Options{URL: "https://example.com/" + name}
			if first, _, ok := strings.Cut(string(in), "\n"); ok && strings.HasPrefix(first, "<!-- title: ") {
				item := strings.TrimSuffix(strings.TrimPrefix(first, "<!-- title: "), " -->")
				opts.Title, opts.Summary, _ = strings.Cut(item, " | summary: ")
			}
			a, err := extract.Extract(in, opts)
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			got := render(a)
			golden := strings.TrimSuffix(page, ".html") + ".golden.txt"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -run TestBlockRegress -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("output differs from %s (-want +got):\n%s", golden, diff)
			}
		})
	}
}
