package extracteval

import (
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/feedsift/feedsift/extract"
	"github.com/feedsift/feedsift/internal/charset"
)

// Result holds the figures of one Score run.
type Result struct {
	// Set is the set of the pages scored; Pages how many, Errors how many
	// the extractor failed on (scored as empty output).
	Set    string `json:"set"`
	Pages  int    `json:"pages"`
	Errors int    `json:"errors"`
	// P, R and F1: for WCXB, token precision, recall and F1 averaged per
	// page; for traf-eval, segment precision, recall and F1 over all
	// segments summed.
	P  float64 `json:"p"`
	R  float64 `json:"r"`
	F1 float64 `json:"f1"`
	// WithFound is the share of with snippets found in the output and
	// WithoutKept the share of without snippets wrongly kept (for WCXB a
	// raw substring match; for traf-eval the segment match, so WithFound
	// equals R there).
	WithFound   float64 `json:"with_found"`
	WithoutKept float64 `json:"without_kept"`
	// Seconds is the time spent in the extractor; PagesPerSec and MBPerSec
	// (1e6 bytes of stored HTML) follow from it.
	Seconds     float64 `json:"seconds"`
	PagesPerSec float64 `json:"pages_per_sec"`
	MBPerSec    float64 `json:"mb_per_sec"`
}

// String formats r on one line.
func (r Result) String() string {
	return fmt.Sprintf("%s: %d pages, %d errors: P %.3f R %.3f F1 %.3f; with found %.3f, without kept %.3f; %.1f pages/s, %.2f MB/s",
		r.Set, r.Pages, r.Errors, r.P, r.R, r.F1, r.WithFound, r.WithoutKept, r.PagesPerSec, r.MBPerSec)
}

// Score runs ex on every page, on the calling goroutine, and scores the
// output with the metric of the pages' set. The pages should come from one
// set, as one Load call returns them; the set of pages[0] picks the metric
// for all (traf-eval's segment metric for SetTraf, WCXB's token metric
// otherwise). Only the calls of ex are timed.
func Score(pages []Page, ex Extractor) Result {
	if len(pages) == 0 {
		return Result{}
	}
	res := Result{Set: pages[0].Set, Pages: len(pages)}
	traf := res.Set == SetTraf
	var elapsed time.Duration
	var bytesIn int
	var sumP, sumR, sumF float64
	var withAll, withFound, withoutAll, withoutKept int
	for _, pg := range pages {
		bytesIn += len(pg.HTML)
		start := time.Now()
		text, err := ex(pg.HTML, pg.URL)
		elapsed += time.Since(start)
		if err != nil {
			res.Errors++
			text = ""
		}
		match := strings.Contains
		if traf {
			text = collapse(text)
			match = func(text, s string) bool { return strings.Contains(text, collapse(s)) }
		} else {
			p, r, f := tokenPRF(text, pg.Truth)
			sumP, sumR, sumF = sumP+p, sumR+r, sumF+f
		}
		for _, s := range pg.With {
			withAll++
			if match(text, s) {
				withFound++
			}
		}
		for _, s := range pg.Without {
			withoutAll++
			if match(text, s) {
				withoutKept++
			}
		}
	}
	res.WithFound = ratio(withFound, withAll)
	res.WithoutKept = ratio(withoutKept, withoutAll)
	if traf {
		// tp = with found, fn = with missed, fp = without kept.
		tp, fp := float64(withFound), float64(withoutKept)
		if tp+fp > 0 {
			res.P = tp / (tp + fp)
		}
		res.R = res.WithFound
		res.F1 = f1(res.P, res.R)
	} else {
		n := float64(len(pages))
		res.P, res.R, res.F1 = sumP/n, sumR/n, sumF/n
	}
	res.Seconds = elapsed.Seconds()
	if res.Seconds > 0 {
		res.PagesPerSec = float64(len(pages)) / res.Seconds
		res.MBPerSec = float64(bytesIn) / 1e6 / res.Seconds
	}
	return res
}

// Feedsift is feedsift's own extractor as an Extractor: the page is
// converted to UTF-8 (charset.ToUTF8, from the bytes and any <meta>
// declaration) and passed to extract.Extract; the text is the paragraphs
// joined by blank lines. A panic in the extractor is returned as an error
// wrapping ErrPanic, so that one bad page does not end an evaluation.
func Feedsift(html []byte, pageURL string) (text string, err error) {
	defer func() {
		if v := recover(); v != nil {
			text, err = "", fmt.Errorf("%w: %v", ErrPanic, v)
		}
	}()
	body, _, err := charset.ToUTF8(html, "")
	if err != nil {
		return "", fmt.Errorf("extracteval: %w", err)
	}
	a, err := extract.Extract(body, extract.Options{URL: pageURL})
	if err != nil {
		return "", err
	}
	return a.Text(), nil
}

// Tokens lower-cases s and returns its runs of word characters: letters,
// marks, numbers (Unicode categories L, M, N) and the underscore, the
// Unicode reading of \w. It follows Python's re.findall(r"\w+",
// s.lower()) except that Python leaves combining marks out of \w (so
// Python splits words of Indic scripts at their vowel signs) and that Go's
// lower-casing has no final-sigma or dotted-İ special cases.
func Tokens(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !isWord(r) })
}

func isWord(r rune) bool {
	if r < 0x80 {
		return r == '_' || '0' <= r && r <= '9' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z'
	}
	return unicode.In(r, unicode.L, unicode.M, unicode.N)
}

// tokenPRF is the bag-of-words precision, recall and F1 of got against
// want. Both empty scores 1; one of them empty scores 0.
func tokenPRF(got, want string) (p, r, f float64) {
	g := make(map[string]int)
	for _, t := range Tokens(got) {
		g[t]++
	}
	wt := Tokens(want)
	w := make(map[string]int, len(wt))
	for _, t := range wt {
		w[t]++
	}
	ng, nw := 0, len(wt)
	common := 0
	for k, c := range g {
		ng += c
		common += min(c, w[k])
	}
	switch {
	case ng == 0 && nw == 0:
		return 1, 1, 1
	case ng == 0 || nw == 0:
		return 0, 0, 0
	}
	p, r = float64(common)/float64(ng), float64(common)/float64(nw)
	return p, r, f1(p, r)
}

func f1(p, r float64) float64 {
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }
