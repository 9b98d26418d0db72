package extracteval_test

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/feedsift/feedsift/extract"
	"github.com/feedsift/feedsift/internal/charset"
	"github.com/feedsift/feedsift/internal/eval/extracteval"
	"github.com/feedsift/feedsift/internal/testshared"
)

// TestDumpPages writes, for reading failures by category, one line per page
// of a set (FEEDSIFT_EVAL_SET, default wcxb-dev-other) to
// $FEEDSIFT_EVAL_DUMP/pages.tsv: id, type, half, F1, P, R, the page type
// and block the extractor chose and the output's length, worst F1 first;
// and each page's output and truth to <id>.out.txt and <id>.truth.txt. It
// runs only when FEEDSIFT_EVAL_DUMP names a directory. The corpus pages
// themselves are never written.
func TestDumpPages(t *testing.T) {
	out := os.Getenv("FEEDSIFT_EVAL_DUMP")
	if out == "" {
		t.Skip("dump runs only with FEEDSIFT_EVAL_DUMP=<dir>")
	}
	set := os.Getenv("FEEDSIFT_EVAL_SET")
	if set == "" {
		set = extracteval.SetWCXBOther
	}
	pages, err := extracteval.Load(set, filepath.Join(testshared.Dir(t), "corpus", "extraction", set))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	var rows []dumpRow
	for _, p := range pages {
		text, typ, block := dumpExtract(p)
		res := extracteval.Score([]extracteval.Page{p}, func([]byte, string) (string, error) { return text, nil })
		rows = append(rows, dumpRow{p.ID, p.Type, p.Half, res.F1, res.P, res.R, typ, block, len(text)})
		if err := os.WriteFile(filepath.Join(out, p.ID+".out.txt"), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(out, p.ID+".truth.txt"), []byte(p.Truth), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].f < rows[j].f })
	var b strings.Builder
	for _, r := range rows {
		fmt.Fprintf(&b, "%s\t%s\t%s\t%.3f\t%.3f\t%.3f\t%s\t%s\t%d\n", r.id, r.typ, r.half, r.f, r.p, r.r, r.gotType, r.block, r.n)
	}
	if err := os.WriteFile(filepath.Join(out, "pages.tsv"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

type dumpRow struct {
	id, typ, half  string
	f, p, r        float64
	gotType, block string
	n              int
}

// dumpExtract runs the extractor as extracteval.Feedsift does and also
// returns the page type and block it chose ("error: ..." on failure).
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
