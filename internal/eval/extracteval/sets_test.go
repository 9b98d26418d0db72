package extracteval_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/feedsift/feedsift/internal/eval/extracteval"
)

func TestHalf(t *testing.T) {
	tests := []struct {
		url, host, half string
	}{
		// FNV-1a 32 of "example.com" is 1125968678, even.
		{"https://example.com/a", "example.com", extracteval.HalfTune},
		{"https://WWW.Example.COM/b?c=d", "example.com", extracteval.HalfTune},
		{"http://example.com:8080/", "example.com", extracteval.HalfTune},
		// "shop.example" hashes to 1654023521, odd.
		{"https://www.shop.example/cleat", "shop.example", extracteval.HalfCheck},
		// Only one leading "www." goes; "www" inside the name stays.
		{"https://www.www.shop.example/", "www.shop.example", extracteval.HalfOf("www.shop.example")},
		{"https://shop.www.example/", "shop.www.example", extracteval.HalfOf("shop.www.example")},
		// No host: the empty key, whose hash (the FNV offset basis) is odd.
		{"", "", extracteval.HalfCheck},
		{"/relative/path", "", extracteval.HalfCheck},
		{"://bad", "", extracteval.HalfCheck},
	}
	for _, tt := range tests {
		if got := extracteval.Host(tt.url); got != tt.host {
			t.Errorf("Host(%q) = %q, want %q", tt.url, got, tt.host)
		}
		if got := extracteval.Half(tt.url); got != tt.half {
			t.Errorf("Half(%q) = %q, want %q", tt.url, got, tt.half)
		}
	}
	for key, want := range map[string]string{
		"tram-line": extracteval.HalfTune,  // 2484466310
		"ferries":   extracteval.HalfCheck, // 2105346971
	} {
		if got := extracteval.HalfOf(key); got != want {
			t.Errorf("HalfOf(%q) = %q, want %q", key, got, want)
		}
	}
}

func TestHTMLText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"blocks split words", "<p>one</p><p>two</p>", "one\n\ntwo"},
		{"inline keeps words whole", "<p>Wed<b>nes</b>day and <a href=x>a link</a>.</p>", "Wednesday and a link."},
		{"br and list", "<ul><li>first</li><li>second<br>line</li></ul>", "first\n\nsecond\n\nline"},
		{"entities", "<p>fish &amp; chips &eacute;t&eacute;</p>", "fish & chips été"},
		{"script style comment dropped", "<div>a<script>var b</script><style>p{}</style><!-- c --><noscript>d</noscript>e</div>", "ae"},
		{"white space collapsed", "<div>\n  lots   of\n\n\n   space \n</div>", "lots of\n\nspace"},
		{"table cells", "<table><tr><td>1</td><td>2</td></tr></table>", "1\n\n2"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := extracteval.HTMLText([]byte(tt.in)); got != tt.want {
				t.Errorf("HTMLText(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// page is what the loader tests compare: a Page without its HTML.
type page struct {
	ID, URL, Half, Type string
	With, Without       []string
	Truth               string
	HTMLPrefix          string
}

func summarise(ps []extracteval.Page, set string, t *testing.T) []page {
	t.Helper()
	var out []page
	for _, p := range ps {
		if p.Set != set {
			t.Errorf("page %s: Set %q, want %q", p.ID, p.Set, set)
		}
		out = append(out, page{p.ID, p.URL, p.Half, p.Type, p.With, p.Without, p.Truth, string(p.HTML[:min(15, len(p.HTML))])})
	}
	return out
}

func TestLoadWCXBOther(t *testing.T) {
	pages, err := extracteval.Load(extracteval.SetWCXBOther, filepath.Join("testdata", "corpus", extracteval.SetWCXBOther))
	if err != nil {
		t.Fatal(err)
	}
	got := summarise(pages, extracteval.SetWCXBOther, t)
	want := []page{
		{ID: "0101", URL: "https://forum.example/t/tide-apps", Half: "tune", Type: "forum",
			With: []string{"works offline", "three seasons"}, Without: []string{"Contact the moderators"},
			Truth:      "Which tide table app do you use?\nI keep a paper almanac aboard but would like an app that works offline when the signal drops past the headland.\nI have used the same free app for three seasons; it caches a month of predictions for every station you star.",
			HTMLPrefix: "<!DOCTYPE html>"},
		{ID: "0102", URL: "https://www.Shop.example/cleat-15", Half: "check", Type: "product",
			With: []string{"cast brass cleat"}, Without: []string{"Delivery and returns"},
			Truth:      "Brass deck cleat, 15 cm\n24.90\nA cast brass cleat for lines up to 12 mm, with two fixing holes and a polished finish that weathers to a warm brown.",
			HTMLPrefix: "<!DOCTYPE html>"},
		{ID: "0103", URL: "http://gazette.example:8080/letters/timetable", Half: "check", Type: "forum",
			With: []string{"Sunday gap"}, Without: []string{},
			Truth:      "Readers on the new timetable\nThe early ferry now leaves ten minutes sooner, which suits commuters but not the school run.\nWeekend sailings were the real gain; the Sunday gap at noon is finally gone.",
			HTMLPrefix: "<!DOCTYPE html>"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("LoadWCXBOther (-want +got):\n%s", diff)
	}
}

func TestLoadReadability(t *testing.T) {
	pages, err := extracteval.Load(extracteval.SetReadability, filepath.Join("testdata", "corpus", extracteval.SetReadability))
	if err != nil {
		t.Fatal(err)
	}
	got := summarise(pages, extracteval.SetReadability, t)
	want := []page{
		{ID: "ferries", Half: "check", // source.html.gz, gunzipped
			Truth:      "Night ferries between the two islands return this summer after a three-year pause, the council announced on Friday.\n\nTickets go on sale in May; cyclists travel free on the first crossing of each night.",
			HTMLPrefix: "<!DOCTYPE html>"},
		{ID: "tram-line", Half: "tune",
			Truth:      "The east tram line reopened on Monday after eight months of track renewal, with new stops at the hospital and the old wool market.\n\nTrams run every six minutes at peak times, the operator said, and the replacement buses are withdrawn from Wednesday.",
			HTMLPrefix: "<!DOCTYPE html>"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("LoadReadability (-want +got):\n%s", diff)
	}
	// feedsift finds the story on both pages, scored against the text of
	// expected.html.
	if res := extracteval.Score(pages, extracteval.Feedsift); res.F1 < 0.9 || res.Empty != 0 || len(res.Parts) != 2 {
		t.Errorf("feedsift on the readability fixtures: %v, parts %v; want F1 >= 0.9, none empty, two halves", res, res.Parts)
	}
}

func TestLoadNewSetErrors(t *testing.T) {
	src := filepath.Join("testdata", "corpus", extracteval.SetWCXBOther)
	copyDir := func(t *testing.T) string {
		t.Helper()
		d := t.TempDir()
		for _, sub := range []string{"html", "ground-truth"} {
			es, err := os.ReadDir(filepath.Join(src, sub))
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range es {
				b, err := os.ReadFile(filepath.Join(src, sub, e.Name()))
				if err != nil {
					t.Fatal(err)
				}
				writeFile(t, filepath.Join(d, sub, e.Name()), b)
			}
		}
		return d
	}
	tests := []struct {
		name, tsv, want string
	}{
		{"no tsv", "", "page-types.tsv"},
		{"no header", "0101\tforum\n", "want a header line"},
		{"page not listed", "id\tpage_type\n0101\tforum\n0102\tproduct\n", "page 0103 has no page type"},
		{"short line", "id\tdomain\tpage_type\n0101\tforum.example\n", "page-types.tsv:2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := copyDir(t)
			if tt.tsv != "" {
				writeFile(t, filepath.Join(d, "page-types.tsv"), []byte(tt.tsv))
			}
			if _, err := extracteval.LoadWCXBOther(d); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("LoadWCXBOther = %v, want an error containing %q", err, tt.want)
			}
		})
	}
	t.Run("columns in any order, CRLF", func(t *testing.T) {
		d := copyDir(t)
		writeFile(t, filepath.Join(d, "page-types.tsv"), []byte("domain\tpage_type\tid\r\nx\tlisting\t0101\r\ny\tservice\t0102\r\nz\tforum\t0103\r\n"))
		pages, err := extracteval.LoadWCXBOther(d)
		if err != nil {
			t.Fatal(err)
		}
		if pages[0].Type != "listing" || pages[1].Type != "service" {
			t.Errorf("types %q %q, want listing service", pages[0].Type, pages[1].Type)
		}
	})

	if _, err := extracteval.LoadReadability(t.TempDir()); err == nil {
		t.Error("LoadReadability(empty dir) succeeded")
	}
	d := t.TempDir()
	if err := os.MkdirAll(filepath.Join(d, "pages"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := extracteval.LoadReadability(d); !errors.Is(err, extracteval.ErrNoPages) {
		t.Errorf("LoadReadability(no pages) = %v, want ErrNoPages", err)
	}
	writeFile(t, filepath.Join(d, "pages", "only-source", "source.html"), []byte("<p>x</p>"))
	if _, err := extracteval.LoadReadability(d); err == nil || !strings.Contains(err.Error(), "expected.html") {
		t.Errorf("LoadReadability without expected.html = %v, want an error naming it", err)
	}
	if _, err := extracteval.Load("nope", d); !errors.Is(err, extracteval.ErrUnknownSet) {
		t.Errorf("Load(nope) = %v, want ErrUnknownSet", err)
	}
}

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestScoreParts(t *testing.T) {
	pages := []extracteval.Page{
		{Set: extracteval.SetWCXBOther, ID: "1", URL: "u1", Half: "tune", Type: "forum", HTML: []byte("12345"), Truth: "a b", With: []string{"a"}},
		{Set: extracteval.SetWCXBOther, ID: "2", URL: "u2", Half: "check", Type: "forum", HTML: []byte("12345"), Truth: "c d", Without: []string{"zz"}},
		{Set: extracteval.SetWCXBOther, ID: "3", URL: "u3", Half: "check", Type: "product", HTML: []byte("12345"), Truth: "e f"},
	}
	// Page 1 exact (F1 1), page 2 empty output (F1 0), page 3 half right:
	// P 1/2 R 1/2 F1 1/2.
	got := extracteval.Score(pages, fixed(map[string]string{"u1": "a b", "u2": " \n", "u3": "e x"}))
	if got.Pages != 3 || got.Empty != 1 || got.Errors != 0 || !near(got.F1, 0.5) {
		t.Errorf("all: %v; want 3 pages, 1 empty, F1 0.5", got)
	}
	want := map[string]struct {
		pages, empty int
		f1           float64
	}{
		"tune": {1, 0, 1}, "check": {2, 1, 0.25},
		"forum": {2, 1, 0.5}, "product": {1, 0, 0.5},
		"forum/tune": {1, 0, 1}, "forum/check": {1, 1, 0}, "product/check": {1, 0, 0.5},
	}
	if len(got.Parts) != len(want) {
		t.Errorf("parts %v, want the keys of %v", got.Parts, want)
	}
	for k, w := range want {
		p, ok := got.Parts[k]
		if !ok || p.Pages != w.pages || p.Empty != w.empty || !near(p.F1, w.f1) || p.Parts != nil {
			t.Errorf("part %q: %v (found %v), want %d pages, %d empty, F1 %v", k, p, ok, w.pages, w.empty, w.f1)
		}
	}

	// Combine of the halves gives back the whole.
	c := extracteval.Combine("all", got.Parts["tune"], got.Parts["check"], extracteval.Result{})
	if c.Set != "all" || c.Pages != 3 || c.Empty != 1 || !near(c.F1, got.F1) || !near(c.P, got.P) || !near(c.R, got.R) ||
		!near(c.WithFound, got.WithFound) || c.WithTotal != 1 || c.WithoutTotal != 1 || c.Bytes != 15 || c.Parts != nil {
		t.Errorf("Combine(tune, check) = %+v, want the figures of %+v", c, got)
	}
	if !near(c.CPUSeconds, got.Parts["tune"].CPUSeconds+got.Parts["check"].CPUSeconds) || !near(c.Seconds, got.Seconds) || c.CPUSeconds < 0 {
		t.Errorf("Combine: Seconds %v CPUSeconds %v, want the sums of the halves (%v)", c.Seconds, c.CPUSeconds, got.Seconds)
	}
	if z := extracteval.Combine("none"); z.Pages != 0 || z.Set != "none" {
		t.Errorf("Combine() = %+v", z)
	}
}

func TestCombineTraf(t *testing.T) {
	pages := []extracteval.Page{
		{Set: extracteval.SetTraf, ID: "a", URL: "https://example.com/a", Half: "tune", With: []string{"x", "y"}, Without: []string{"m"}},
		{Set: extracteval.SetTraf, ID: "b", URL: "https://shop.example/b", Half: "check", With: []string{"z"}, Without: []string{"n", "o"}},
	}
	// a: tp 1 (x), fn 1, fp 1 (m); b: tp 1, fp 0.
	got := extracteval.Score(pages, fixed(map[string]string{"https://example.com/a": "x m", "https://shop.example/b": "z"}))
	if !near(got.P, 2.0/3) || !near(got.R, 2.0/3) {
		t.Errorf("traf: P %v R %v, want 2/3 2/3", got.P, got.R)
	}
	if tune := got.Parts["tune"]; !near(tune.P, 0.5) || !near(tune.R, 0.5) || len(got.Parts) != 2 {
		t.Errorf("traf parts %v, want tune P 0.5 R 0.5 and two parts", got.Parts)
	}
	c := extracteval.Combine(extracteval.SetTraf, got.Parts["tune"], got.Parts["check"])
	if !near(c.P, got.P) || !near(c.R, got.R) || !near(c.F1, got.F1) {
		t.Errorf("Combine(traf halves) = %v, want %v", c, got)
	}
}
