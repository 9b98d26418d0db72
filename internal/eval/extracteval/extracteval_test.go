package extracteval_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"flag"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/feedsift/feedsift/internal/eval/extracteval"
	"github.com/feedsift/feedsift/internal/testshared"
)

var corpusFlag = flag.Bool("corpus", false, "score feedsift's extractor on the shared extraction corpora")

func TestTokens(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"ascii", "Hello, World! It's 2026_v2.", []string{"hello", "world", "it", "s", "2026_v2"}},
		{"empty", " \n\t.,;", nil},
		{"german", "Straße ÜBER Bäume", []string{"straße", "über", "bäume"}},
		{"greek", "Καλημέρα Κόσμε", []string{"καλημέρα", "κόσμε"}},
		{"cyrillic", "Привет, МИР", []string{"привет", "мир"}},
		{"cjk", "東京 タワー", []string{"東京", "タワー"}},
		{"devanagari marks", "हिन्दी भाषा", []string{"हिन्दी", "भाषा"}},
		{"combining accent", "cafe\u0301 ok", []string{"cafe\u0301", "ok"}},
		{"punctuation and symbols", "a—b «c» d€e", []string{"a", "b", "c", "d", "e"}},
		{"numbers", "½ ² ٣٤", []string{"½", "²", "٣٤"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, extracteval.Tokens(tt.in), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Tokens(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

// fixed returns an extractor that answers from a map of URL to text; an
// unknown URL is an error.
func fixed(m map[string]string) extracteval.Extractor {
	return func(_ []byte, u string) (string, error) {
		s, ok := m[u]
		if !ok {
			return "", errors.New("no text")
		}
		return s, nil
	}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestScoreWCXB(t *testing.T) {
	pages := []extracteval.Page{
		{Set: extracteval.SetWCXB, ID: "a", URL: "u:a", HTML: []byte("0123456789"),
			Truth: "the cat sat on the mat", With: []string{"cat sat", "the mat"}, Without: []string{"Menu"}},
		{Set: extracteval.SetWCXB, ID: "b", URL: "u:b", HTML: []byte("0123456789"),
			Truth: "one two", With: []string{"two"}, Without: []string{"Share"}},
	}
	ex := fixed(map[string]string{
		// a: 6 truth tokens; output 4 tokens of which 3 common (the, cat, sat)
		"u:a": "Menu\n\nThe cat sat",
	})
	got := extracteval.Score(pages, ex)
	// Page a: P 3/4, R 3/6, F1 0.6; page b errors: 0.
	if got.Set != extracteval.SetWCXB || got.Pages != 2 || got.Errors != 1 {
		t.Errorf("Set %q Pages %d Errors %d, want wcxb-dev 2 1", got.Set, got.Pages, got.Errors)
	}
	if !near(got.P, 0.375) || !near(got.R, 0.25) || !near(got.F1, 0.3) {
		t.Errorf("P %v R %v F1 %v, want 0.375 0.25 0.3", got.P, got.R, got.F1)
	}
	// with: "cat sat" found; "the mat", "two" not: 1/3. without: Menu kept: 1/2.
	if !near(got.WithFound, 1.0/3) || !near(got.WithoutKept, 0.5) {
		t.Errorf("WithFound %v WithoutKept %v, want 1/3 and 1/2", got.WithFound, got.WithoutKept)
	}
	if got.Seconds < 0 || !strings.Contains(got.String(), "F1 0.300") {
		t.Errorf("String() = %q", got.String())
	}
}

func TestScoreWCXBBothEmpty(t *testing.T) {
	pages := []extracteval.Page{{Set: extracteval.SetWCXB, URL: "u", Truth: " . "}}
	got := extracteval.Score(pages, fixed(map[string]string{"u": ""}))
	if got.F1 != 1 || got.Errors != 0 || got.Empty != 1 || got.EmptyMissed != 0 {
		t.Errorf("empty output for empty truth: F1 %v errors %d empty %d missed %d, want 1, 0, 1, 0",
			got.F1, got.Errors, got.Empty, got.EmptyMissed)
	}
	pages = append(pages, extracteval.Page{Set: extracteval.SetWCXB, URL: "v", Truth: "the story"})
	got = extracteval.Score(pages, fixed(map[string]string{"u": "", "v": ""}))
	if got.Empty != 2 || got.EmptyMissed != 1 {
		t.Errorf("empty output for an empty and a non-empty truth: empty %d missed %d, want 2 and 1", got.Empty, got.EmptyMissed)
	}
	if z := extracteval.Score(nil, nil); z.Pages != 0 {
		t.Errorf("Score(nil) = %+v", z)
	}
}

// TestScoreEachInterleaves checks that ScoreEach gives each extractor
// Score's figures while running them in turns over runs of pages, a
// different one first in each run.
func TestScoreEachInterleaves(t *testing.T) {
	pages := []extracteval.Page{
		{Set: extracteval.SetWCXB, URL: "a", Half: extracteval.HalfTune, Truth: "the cat sat"},
		{Set: extracteval.SetWCXB, URL: "b", Half: extracteval.HalfCheck, Truth: "one two three"},
		{Set: extracteval.SetWCXB, URL: "c", Half: extracteval.HalfTune, Truth: "red green"},
	}
	var calls []string
	logged := func(name string, ex extracteval.Extractor) extracteval.Extractor {
		return func(html []byte, u string) (string, error) {
			calls = append(calls, name+":"+u)
			return ex(html, u)
		}
	}
	good := fixed(map[string]string{"a": "the cat sat", "b": "one two", "c": "red green"})
	poor := fixed(map[string]string{"a": "a dog", "c": "red"})
	got := extracteval.ScoreEach(pages, []extracteval.Extractor{logged("good", good), logged("poor", poor)}, 2)
	wantCalls := "good:a good:b poor:a poor:b poor:c good:c"
	if strings.Join(calls, " ") != wantCalls {
		t.Errorf("calls %q, want %q", strings.Join(calls, " "), wantCalls)
	}
	for i, ex := range []extracteval.Extractor{good, poor} {
		want := extracteval.Score(pages, ex)
		g := got[i]
		if g.Pages != want.Pages || g.Errors != want.Errors || !near(g.F1, want.F1) || !near(g.P, want.P) || !near(g.R, want.R) {
			t.Errorf("extractor %d: ScoreEach %s; Score %s", i, g, want)
		}
		for _, h := range []string{extracteval.HalfTune, extracteval.HalfCheck} {
			if g.Parts[h].Pages != want.Parts[h].Pages || !near(g.Parts[h].F1, want.Parts[h].F1) {
				t.Errorf("extractor %d half %s: ScoreEach %s; Score %s", i, h, g.Parts[h], want.Parts[h])
			}
		}
	}
	if got[0].F1 <= got[1].F1 {
		t.Errorf("F1 of the better extractor %.3f not above the poorer's %.3f", got[0].F1, got[1].F1)
	}
	if r := extracteval.ScoreEach(nil, []extracteval.Extractor{good}, 2); len(r) != 1 || r[0].Pages != 0 {
		t.Errorf("ScoreEach(no pages) = %+v, want one empty result", r)
	}
}

func TestScoreTraf(t *testing.T) {
	pages := []extracteval.Page{
		{Set: extracteval.SetTraf, ID: "x.html", URL: "u:x",
			With: []string{"first  line\nof text", "missing bit"}, Without: []string{"Impressum", "Kontakt"}},
		{Set: extracteval.SetTraf, ID: "y.html", URL: "u:y",
			With: []string{"Grüße"}, Without: []string{"Cookie"}},
	}
	ex := fixed(map[string]string{
		"u:x": "The first line\n\nof text here.\nImpressum",
		"u:y": "Viele Grüße aus Köln",
	})
	got := extracteval.Score(pages, ex)
	// tp 2 (first line of text, Grüße), fn 1, fp 1 (Impressum), tn 2.
	if !near(got.P, 2.0/3) || !near(got.R, 2.0/3) || !near(got.F1, 2.0/3) {
		t.Errorf("P %v R %v F1 %v, want 2/3 each", got.P, got.R, got.F1)
	}
	if !near(got.WithoutKept, 1.0/3) || got.Errors != 0 || got.Pages != 2 {
		t.Errorf("WithoutKept %v Errors %d Pages %d, want 1/3 0 2", got.WithoutKept, got.Errors, got.Pages)
	}
}

func writeGz(t *testing.T, path string, body []byte) {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write(body)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func writeJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// A page written for this test: a story between a menu and a footer.
const ferryPage = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Ferry crews accept pay deal</title></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Ferry crews accept pay deal</h1>
<p>Harbour ferry crews voted on Tuesday to accept a two-year pay offer, ending a strike that had stopped every crossing for nine days.</p>
<p>The union said the deal raises wages by four percent this year and three percent next year, and adds a night-shift allowance.</p>
<p>Services resume on Thursday morning, the operator said, with extra sailings at the weekend to clear the backlog of freight.</p>
</article><footer>Contact us | Privacy policy</footer></body></html>`

func TestLoadAndScoreFeedsift(t *testing.T) {
	root := t.TempDir()
	wdir, tdir := filepath.Join(root, "wcxb-dev"), filepath.Join(root, "traf-eval")
	writeGz(t, filepath.Join(wdir, "html", "0002.html.gz"), []byte(ferryPage))
	writeGz(t, filepath.Join(wdir, "html", "0001.html.gz"), []byte("<html><body></body></html>"))
	truth := map[string]any{"url": "https://wire.example/ferry", "ground_truth": map[string]any{
		"main_content": "Harbour ferry crews voted on Tuesday to accept a two-year pay offer.",
		"with":         []string{"night-shift allowance"}, "without": []string{"Privacy policy"},
	}}
	writeJSON(t, filepath.Join(wdir, "ground-truth", "0002.json"), truth)
	writeJSON(t, filepath.Join(wdir, "ground-truth", "0001.json"), map[string]any{"url": "https://e.example/", "ground_truth": map[string]any{"main_content": "x"}})

	pages, err := extracteval.LoadWCXB(wdir)
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != 2 || pages[0].ID != "0001" || pages[1].ID != "0002" || pages[1].URL != "https://wire.example/ferry" ||
		string(pages[1].HTML) != ferryPage || pages[1].Truth == "" || pages[1].Set != extracteval.SetWCXB {
		t.Fatalf("LoadWCXB = %d pages, first %+v", len(pages), pages[0])
	}
	res := extracteval.Score(pages, extracteval.Feedsift)
	if res.Errors != 1 || res.WithFound != 1 || res.WithoutKept != 0 {
		t.Errorf("feedsift on WCXB pages: %v; want 1 error, with found 1, without kept 0", res)
	}
	// Page 0002: all truth tokens found, precision below 1 (more text): R 1.
	if !near(res.R, 0.5) || res.P <= 0 || res.P >= 0.5 {
		t.Errorf("feedsift: P %v R %v, want R 0.5 (one page empty) and 0 < P < 0.5", res.P, res.R)
	}

	writeGz(t, filepath.Join(tdir, "html", "ferry.html.gz"), []byte(ferryPage))
	if err := os.WriteFile(filepath.Join(tdir, "html", "plain.html"), []byte(strings.ReplaceAll(ferryPage, "freight", "Güter")), 0o644); err != nil {
		t.Fatal(err)
	}
	writeJSON(t, filepath.Join(tdir, "evaldata.json"), map[string]any{
		"https://wire.example/ferry":  map[string]any{"file": "ferry.html", "with": []string{"nine days"}, "without": []string{"Contact us"}},
		"https://other.example/fähre": map[string]any{"file": "plain.html", "with": []string{"backlog of Güter"}, "without": []string{"Home"}},
	})
	tp, err := extracteval.LoadTraf(tdir)
	if err != nil {
		t.Fatal(err)
	}
	if len(tp) != 2 || tp[0].ID != "ferry.html" || tp[1].URL != "https://other.example/fähre" || tp[0].Truth != "" {
		t.Fatalf("LoadTraf = %+v", tp)
	}
	tr := extracteval.Score(tp, extracteval.Feedsift)
	if tr.Set != extracteval.SetTraf || tr.P != 1 || tr.R != 1 || tr.F1 != 1 || tr.Errors != 0 {
		t.Errorf("feedsift on traf pages: %v; want P R F1 1", tr)
	}
}

func TestLoadErrors(t *testing.T) {
	empty := t.TempDir()
	if _, err := extracteval.LoadWCXB(empty); !errors.Is(err, extracteval.ErrNoPages) {
		t.Errorf("LoadWCXB(empty dir) = %v, want ErrNoPages", err)
	}
	if _, err := extracteval.LoadTraf(empty); err == nil || !strings.Contains(err.Error(), "evaldata.json") {
		t.Errorf("LoadTraf(empty dir) = %v, want an error naming evaldata.json", err)
	}
	d := t.TempDir()
	writeJSON(t, filepath.Join(d, "ground-truth", "0009.json"), map[string]any{"url": "u"})
	if _, err := extracteval.LoadWCXB(d); err == nil || !strings.Contains(err.Error(), "0009.html") {
		t.Errorf("LoadWCXB without the page = %v, want an error naming 0009.html", err)
	}
	if err := os.WriteFile(filepath.Join(d, "ground-truth", "0009.json"), []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := extracteval.LoadWCXB(d); err == nil || !strings.Contains(err.Error(), "0009.json") {
		t.Errorf("LoadWCXB on bad JSON = %v, want an error naming 0009.json", err)
	}
	writeJSON(t, filepath.Join(d, "evaldata.json"), map[string]any{"u": map[string]any{"file": "../up.html"}})
	if _, err := extracteval.LoadTraf(d); err == nil || !strings.Contains(err.Error(), "bad file name") {
		t.Errorf("LoadTraf with a path in file = %v, want bad file name", err)
	}
	if err := os.MkdirAll(filepath.Join(d, "html"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(d, "html", "bad.html.gz"), []byte("not gzip"), 0o644); err != nil {
		t.Fatal(err)
	}
	writeJSON(t, filepath.Join(d, "evaldata.json"), map[string]any{"u": map[string]any{"file": "bad.html"}})
	if _, err := extracteval.LoadTraf(d); err == nil || !strings.Contains(err.Error(), "bad.html.gz") {
		t.Errorf("LoadTraf with a broken gzip = %v, want an error naming bad.html.gz", err)
	}
}

// TestEvalCorpus scores feedsift's extractor on the four shared sets. It runs
// only with -corpus or FEEDSIFT_EVAL=1 (about thirty seconds).
func TestEvalCorpus(t *testing.T) {
	if !*corpusFlag && os.Getenv("FEEDSIFT_EVAL") != "1" {
		t.Skip("corpus evaluation runs only with -corpus or FEEDSIFT_EVAL=1")
	}
	dir := filepath.Join(testshared.Dir(t), "corpus", "extraction")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("no extraction corpus: %v", err)
	}
	for _, c := range []struct {
		load  func(string) ([]extracteval.Page, error)
		set   string
		pages int
		// Regression floors just under the figures of session 24's run
		// (README): F1 0.966, 0.802, 0.942, 0.975; without kept 0.017
		// and 0.052 (the other two sets are held to F1 alone).
		minF1, maxWithoutKept float64
	}{
		{extracteval.LoadWCXB, extracteval.SetWCXB, 793, 0.96, 0.020},
		{extracteval.LoadWCXBOther, extracteval.SetWCXBOther, 647, 0.795, 0.06},
		{extracteval.LoadTraf, extracteval.SetTraf, 990, 0.935, 1},
		{extracteval.LoadReadability, extracteval.SetReadability, 130, 0.965, 1},
	} {
		t.Run(c.set, func(t *testing.T) {
			pages, err := c.load(filepath.Join(dir, c.set))
			if err != nil {
				t.Fatal(err)
			}
			res := extracteval.Score(pages, extracteval.Feedsift)
			t.Log(res)
			for _, k := range slices.Sorted(maps.Keys(res.Parts)) {
				t.Logf("  %s %s", k, res.Parts[k])
			}
			if os.Getenv("FEEDSIFT_EVAL_VERBOSE") == "1" {
				for _, p := range pages {
					if _, err := extracteval.Feedsift(p.HTML, p.URL); err != nil {
						t.Logf("%s %s: %v", p.ID, p.URL, err)
					}
				}
			}
			if res.Pages != c.pages || res.F1 < c.minF1 || res.WithoutKept > c.maxWithoutKept {
				t.Errorf("%v: want %d pages, F1 >= %.3f, without kept <= %.2f", res, c.pages, c.minF1, c.maxWithoutKept)
			}
		})
	}
}
