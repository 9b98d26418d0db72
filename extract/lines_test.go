package extract_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/feedsift/feedsift/extract"
)

// TestRegressLines checks the pages of testdata/regress/lines against their
// golden output. Each page was written for the project to show one kind of
// failure seen on unseen pages (issue 11): what is kept around and inside
// the story (comment threads, boxes after the story, code, repeated list
// items, captions, CJK spacing). Run with -update to rewrite the goldens.
func TestRegressLines(t *testing.T) {
	pages, err := filepath.Glob(filepath.Join("testdata", "regress", "lines", "*.html"))
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
			a, err := extract.Extract(in, extract.Options{URL: "https://example.com/" + name})
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
				t.Fatalf("%v (run go test -run TestRegressLines -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("output differs from %s (-want +got):\n%s", golden, diff)
			}
		})
	}
}
