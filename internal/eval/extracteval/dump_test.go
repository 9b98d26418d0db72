package extracteval_test

import (
	"cmp"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/feedsift/feedsift/extract"
	"github.com/feedsift/feedsift/internal/charset"
	"github.com/feedsift/feedsift/internal/eval/extracteval"
	"github.com/feedsift/feedsift/internal/testshared"
)

// TestDumpPages writes, for every page of the sets named in
// FEEDSIFT_DUMP_SETS (comma-separated; all four when empty), the output and
// reference under the directory FEEDSIFT_DUMP (<set>/<id>.out.txt and
// <id>.truth.txt) and one line per page to <set>/scores.tsv, worst F1
// first: id, half, type, P, R, F1, the page type and block the extractor
// chose, "with" snippets found, "without" snippets kept, and the kept ones.
// It is how failures are read by category; it runs only with FEEDSIFT_DUMP
// set. The corpus pages themselves are never written.
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

// dumpRow is one line of scores.tsv.
type dumpRow struct {
	id, half, typ   string
	p, r, f         float64
	pageType, block string
	found, with     int
	kept, without   int
	keptList        []string
}

func dumpSet(dir string, pages []extracteval.Page) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	rows := make([]dumpRow, 0, len(pages))
	for _, pg := range pages {
		text, pageType, block := dumpExtract(pg)
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
		row := dumpRow{id: id, half: pg.Half, typ: pg.Type, pageType: pageType, block: block, with: len(pg.With), without: len(pg.Without)}
		for _, s := range pg.With {
			if match(text, s) {
				row.found++
			}
		}
		for _, s := range pg.Without {
			if match(text, s) {
				row.kept++
				row.keptList = append(row.keptList, collapse(s))
			}
		}
		row.p, row.r, row.f = extracteval.TokenPRF(text, pg.Truth)
		rows = append(rows, row)
	}
	slices.SortStableFunc(rows, func(a, b dumpRow) int { return cmp.Compare(a.f, b.f) })
	var tsv strings.Builder
	for _, r := range rows {
		fmt.Fprintf(&tsv, "%s\t%s\t%s\t%.3f\t%.3f\t%.3f\t%s\t%s\t%d/%d\t%d/%d\t%s\n", r.id, r.half, r.typ, r.p, r.r, r.f,
			r.pageType, r.block, r.found, r.with, r.kept, r.without, strings.Join(r.keptList, " || "))
	}
	return os.WriteFile(filepath.Join(dir, "scores.tsv"), []byte(tsv.String()), 0o644)
}

// dumpExtract runs the extractor as extracteval.Feedsift does and also
// returns the page type and block it chose ("error" and the error on
// failure, with empty text).
func dumpExtract(p extracteval.Page) (text, pageType, block string) {
	body, _, err := charset.ToUTF8(p.HTML, "")
	if err != nil {
		return "", "error", err.Error()
	}
	a, err := extract.Extract(body, extract.Options{URL: p.URL})
	if err != nil {
		return "", "error", err.Error()
	}
	return a.Text(), a.PageType, a.Block
}

func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }
