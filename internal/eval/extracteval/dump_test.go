package extracteval_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/feedsift/feedsift/internal/eval/extracteval"
	"github.com/feedsift/feedsift/internal/testshared"
)

// TestDumpPages writes, for every page of the sets named in
// FEEDSIFT_DUMP_SETS (comma-separated; all four when empty), the output and
// reference under the directory FEEDSIFT_DUMP (<set>/<id>.out.txt and
// <id>.truth.txt) and one line per page to <set>/scores.tsv: id, half,
// type, P, R, F1, snippets found and kept, and the kept "without"
// snippets. It is how failures are read by category; it runs only with
// FEEDSIFT_DUMP set.
func TestDumpPages(t *testing.T) {
	out := os.Getenv("FEEDSIFT_DUMP")
	if out == "" {
		t.Skip("the page dump runs only with FEEDSIFT_DUMP=<dir>")
	}
	dir := filepath.Join(testshared.Dir(t), "corpus", "extraction")
	sets := extracteval.SetNames()
	if s := os.Getenv("FEEDSIFT_DUMP_SETS"); s != "" {
		sets = strings.Split(s, ",")
	}
	for _, set := range sets {
		pages, err := extracteval.Load(set, filepath.Join(dir, set))
		if err != nil {
			t.Fatal(err)
		}
		if err := dumpSet(filepath.Join(out, set), pages); err != nil {
			t.Fatal(err)
		}
	}
}

func dumpSet(dir string, pages []extracteval.Page) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var tsv strings.Builder
	for _, pg := range pages {
		text, err := extracteval.Feedsift(pg.HTML, pg.URL)
		if err != nil {
			text = ""
		}
		id := strings.ReplaceAll(pg.ID, "/", "_")
		if err := os.WriteFile(filepath.Join(dir, id+".out.txt"), []byte(text), 0o644); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, id+".truth.txt"), []byte(pg.Truth), 0o644); err != nil {
			return err
		}
		// As Score matches: segments after collapsing white space on
		// traf-eval, raw substrings elsewhere.
		match := strings.Contains
		if pg.Set == extracteval.SetTraf {
			match = func(text, s string) bool { return strings.Contains(collapse(text), collapse(s)) }
		}
		var found, kept int
		var keptList []string
		for _, s := range pg.With {
			if match(text, s) {
				found++
			}
		}
		for _, s := range pg.Without {
			if match(text, s) {
				kept++
				keptList = append(keptList, collapse(s))
			}
		}
		p, r, f := extracteval.TokenPRF(text, pg.Truth)
		fmt.Fprintf(&tsv, "%s\t%s\t%s\t%.3f\t%.3f\t%.3f\t%d/%d\t%d/%d\t%s\n", id, pg.Half, pg.Type, p, r, f,
			found, len(pg.With), kept, len(pg.Without), strings.Join(keptList, " || "))
	}
	return os.WriteFile(filepath.Join(dir, "scores.tsv"), []byte(tsv.String()), 0o644)
}

func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }
