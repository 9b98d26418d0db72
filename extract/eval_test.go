package extract_test

import (
	"github.com/feedsift/feedsift/internal/testshared"

	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"

	"golang.org/x/net/html/charset"

	"github.com/feedsift/feedsift/extract"
)

var corpusFlag = flag.Bool("corpus", false, "score extraction on the shared WCXB-dev corpus")

// bagOfWords splits text into lower-case runs of letters, digits, marks
// and underscores, counted.
func bagOfWords(s string) map[string]int {
	m := make(map[string]int)
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r) && r != '_'
	}) {
		m[w]++
	}
	return m
}

// tokenPRF is bag-of-words precision, recall and F1 of got against want.
func tokenPRF(got, want string) (p, r, f float64) {
	g, w := bagOfWords(got), bagOfWords(want)
	var ng, nw, common int
	for k, c := range g {
		ng += c
		common += min(c, w[k])
	}
	for _, c := range w {
		nw += c
	}
	switch {
	case ng == 0 && nw == 0:
		return 1, 1, 1
	case ng == 0 || nw == 0:
		return 0, 0, 0
	}
	p, r = float64(common)/float64(ng), float64(common)/float64(nw)
	if p+r > 0 {
		f = 2 * p * r / (p + r)
	}
	return p, r, f
}

type wcxbTruth struct {
	URL         string `json:"url"`
	GroundTruth struct {
		MainContent string   `json:"main_content"`
		Title       string   `json:"title"`
		With        []string `json:"with"`
		Without     []string `json:"without"`
	} `json:"ground_truth"`
}

func readGz(t testing.TB, path string) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return b
}

// TestCorpusWCXB scores Extract on WCXB-dev article pages with the
// corpus's metric. It runs only with -corpus or FEEDSIFT_EVAL=1.
func TestCorpusWCXB(t *testing.T) {
	if !*corpusFlag && os.Getenv("FEEDSIFT_EVAL") != "1" {
		t.Skip("corpus evaluation runs only with -corpus or FEEDSIFT_EVAL=1")
	}
	dir := filepath.Join(testshared.Dir(t), "corpus", "extraction", "wcxb-dev")
	pages, _ := filepath.Glob(filepath.Join(dir, "html", "*.html.gz"))
	if len(pages) == 0 {
		t.Skipf("no WCXB pages under %s", dir)
	}
	var sumP, sumR, sumF float64
	var n, errs, withAll, withFound, withoutAll, withoutKept int
	var elapsed time.Duration
	var bytesIn int
	for _, page := range pages {
		id := strings.TrimSuffix(filepath.Base(page), ".html.gz")
		raw, err := os.ReadFile(filepath.Join(dir, "ground-truth", id+".json"))
		if err != nil {
			continue
		}
		var gt wcxbTruth
		if err := json.Unmarshal(raw, &gt); err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		body := readGz(t, page)
		bytesIn += len(body)
		start := time.Now()
		a, err := extract.Extract(body, extract.Options{URL: gt.URL})
		elapsed += time.Since(start)
		text := ""
		if err != nil {
			errs++
		} else {
			text = a.Text()
		}
		p, r, f := tokenPRF(text, gt.GroundTruth.MainContent)
		if os.Getenv("FEEDSIFT_EVAL_VERBOSE") == "1" {
			t.Logf("%s F1=%.3f P=%.3f R=%.3f err=%v", id, f, p, r, err)
		}
		sumP, sumR, sumF = sumP+p, sumR+r, sumF+f
		n++
		flat := strings.Join(strings.Fields(text), " ")
		for _, s := range gt.GroundTruth.With {
			withAll++
			if strings.Contains(flat, strings.Join(strings.Fields(s), " ")) {
				withFound++
			}
		}
		for _, s := range gt.GroundTruth.Without {
			withoutAll++
			if strings.Contains(flat, strings.Join(strings.Fields(s), " ")) {
				withoutKept++
				if os.Getenv("FEEDSIFT_EVAL_VERBOSE") == "1" {
					t.Logf("%s kept without: %q", id, s)
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("no page scored")
	}
	t.Logf("WCXB-dev: %d pages, errors %d: P=%.3f R=%.3f F1=%.3f; with found %.3f, without kept %.3f; %.0f pages/s, %.1f MB/s",
		n, errs, sumP/float64(n), sumR/float64(n), sumF/float64(n),
		float64(withFound)/float64(max(withAll, 1)), float64(withoutKept)/float64(max(withoutAll, 1)),
		float64(n)/elapsed.Seconds(), float64(bytesIn)/1e6/elapsed.Seconds())
}

// TestCorpusTraf scores Extract on trafilatura's evaluation set with its
// segment metric: a `with` segment found in the output is a true
// positive, missing a false negative; a `without` segment found is a false
// positive, absent a true negative (substring match after collapsing
// white space). Pages are decoded to UTF-8 from their declared or sniffed
// charset first. It runs only with -corpus or FEEDSIFT_EVAL=1.
func TestCorpusTraf(t *testing.T) {
	if !*corpusFlag && os.Getenv("FEEDSIFT_EVAL") != "1" {
		t.Skip("corpus evaluation runs only with -corpus or FEEDSIFT_EVAL=1")
	}
	dir := filepath.Join(testshared.Dir(t), "corpus", "extraction", "traf-eval")
	raw, err := os.ReadFile(filepath.Join(dir, "evaldata.json"))
	if err != nil {
		t.Skipf("no traf-eval set under %s: %v", dir, err)
	}
	var cases map[string]struct {
		File    string   `json:"file"`
		With    []string `json:"with"`
		Without []string `json:"without"`
	}
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatalf("evaldata.json: %v", err)
	}
	var tp, fn, fp, tn, n, missing int
	for url, c := range cases {
		path := filepath.Join(dir, "html", c.File)
		if _, err := os.Stat(path); err != nil {
			path += ".gz"
		}
		if _, err := os.Stat(path); err != nil {
			missing++
			continue
		}
		body, err := toUTF8(readGz(t, path))
		if err != nil {
			t.Fatalf("%s: %v", c.File, err)
		}
		n++
		text := ""
		a, xerr := extract.Extract(body, extract.Options{URL: url})
		if xerr == nil {
			text = a.Text()
		}
		flat := strings.Join(strings.Fields(text), " ")
		verbose := os.Getenv("FEEDSIFT_EVAL_VERBOSE") == "1"
		if verbose && xerr != nil {
			t.Logf("ERR %s: %v", c.File, xerr)
		}
		for _, s := range c.With {
			if strings.Contains(flat, strings.Join(strings.Fields(s), " ")) {
				tp++
			} else {
				fn++
				if verbose {
					t.Logf("FN %s: %.100q", c.File, s)
				}
			}
		}
		for _, s := range c.Without {
			if strings.Contains(flat, strings.Join(strings.Fields(s), " ")) {
				fp++
				if verbose {
					t.Logf("FP %s: %.100q", c.File, s)
				}
			} else {
				tn++
			}
		}
	}
	if n == 0 {
		t.Skipf("no traf-eval page found under %s", dir)
	}
	p := float64(tp) / float64(max(tp+fp, 1))
	r := float64(tp) / float64(max(tp+fn, 1))
	f := 0.0
	if p+r > 0 {
		f = 2 * p * r / (p + r)
	}
	t.Logf("traf-eval: %d pages (%d missing): P=%.3f R=%.3f F1=%.3f (tp %d, fn %d, fp %d, tn %d)",
		n, missing, p, r, f, tp, fn, fp, tn)
}

// toUTF8 decodes a page from the charset its BOM, meta tag or content
// suggests.
func toUTF8(page []byte) ([]byte, error) {
	r, err := charset.NewReader(bytes.NewReader(page), "text/html")
	if err != nil {
		return nil, err
	}
	return io.ReadAll(r)
}
