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

func TestGolden(t *testing.T) {
	pages, err := filepath.Glob(filepath.Join("testdata", "*.html"))
	if err != nil || len(pages) == 0 {
		t.Fatalf("no testdata pages: %v", err)
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
				t.Fatalf("%v (run go test -run TestGolden -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("output differs from %s (-want +got):\n%s", golden, diff)
			}
		})
	}
}
