package extract_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/feedsift/feedsift/extract"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.txt from the current output")

// render writes an article in the golden file format: the metadata, a
// separator line, then Text().
func render(a *extract.Article) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Title: %s\nAuthor: %s\n", a.Title, a.Author)
	if !a.Published.IsZero() {
		fmt.Fprintf(&b, "Published: %s\n", a.Published.Format(time.RFC3339))
	} else {
		b.WriteString("Published: -\n")
	}
	fmt.Fprintf(&b, "Lang: %s\n---\n%s\n", a.Lang, a.Text())
	return b.String()
}

// TestGolden runs every page under testdata against its golden output:
// the pages of testdata/*.html, and the regression pages of issue 11's
// categories under testdata/regress/<kind>/ (block: the block chosen;
// lines: what is kept around and inside the story), each written for the
// project. A page's first line may hold the feed item as an HTML
// comment, <!-- title: T | summary: S -->. -update rewrites the golden
// files.
func TestGolden(t *testing.T) {
	var pages []string
	for _, pattern := range []string{"*.html", filepath.Join("regress", "*", "*.html")} {
		found, err := filepath.Glob(filepath.Join("testdata", pattern))
		if err != nil || len(found) == 0 {
			t.Fatalf("no testdata pages %s: %v", pattern, err)
		}
		pages = append(pages, found...)
	}
	for _, page := range pages {
		rel, _ := filepath.Rel("testdata", page)
		name := strings.TrimSuffix(filepath.Base(page), ".html")
		t.Run(strings.TrimSuffix(filepath.ToSlash(rel), ".html"), func(t *testing.T) {
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
				t.Fatalf("%v (run go test -run TestGolden -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("output differs from %s (-want +got):\n%s", golden, diff)
			}
		})
	}
}
