package extracteval

import (
	"fmt"
	"runtime"
	"strings"
	"time"
	"unicode"

	"github.com/feedsift/feedsift/extract"
	"github.com/feedsift/feedsift/internal/charset"
)

// Result holds the figures of one Score run.
type Result struct {
	// Set is the set of the pages scored; Pages how many, Errors how many
	// the extractor failed on (scored as empty output), Empty how many
	// gave empty output (only white space, or an error), and EmptyMissed
	// how many of those have a reference with text (a hand-marked main
	// text, expected text or a "with" snippet): an empty output is right
	// for a page whose hand-marked main text is empty.
	Set         string `json:"set"`
	Pages       int    `json:"pages"`
	Errors      int    `json:"errors"`
	Empty       int    `json:"empty"`
	EmptyMissed int    `json:"empty_missed"`
	// P, R and F1: for traf-eval, segment precision, recall and F1 over
	// all segments summed; for the other sets, token precision, recall and
	// F1 averaged per page.
	P  float64 `json:"p"`
	R  float64 `json:"r"`
	F1 float64 `json:"f1"`
	// WithFound is the share of the WithTotal with snippets found in the
	// output and WithoutKept the share of the WithoutTotal without
	// snippets wrongly kept (for traf-eval the segment match, so WithFound
	// equals R there; for the others a raw substring match).
	WithFound    float64 `json:"with_found"`
	WithoutKept  float64 `json:"without_kept"`
	WithTotal    int     `json:"with_total"`
	WithoutTotal int     `json:"without_total"`
	// Seconds is the time spent in the extractor on Bytes of stored HTML;
	// PagesPerSec and MBPerSec (1e6 bytes) follow from them.
	Seconds     float64 `json:"seconds"`
	Bytes       int64   `json:"bytes"`
	PagesPerSec float64 `json:"pages_per_sec"`
	MBPerSec    float64 `json:"mb_per_sec"`
	// CPUSeconds is the CPU time the process used during the calls of
	// the extractor (its garbage collection included), and PagesPerCPUSec
	// the pages per CPU second: unlike the wall-clock figures they hold
	// when other processes compete for the cores. Both are 0 where the
	// CPU time cannot be read.
	CPUSeconds     float64 `json:"cpu_seconds"`
	PagesPerCPUSec float64 `json:"pages_per_cpu_sec"`
	// Parts are the same figures over parts of the pages, by PartKey: each
	// half ("tune", "check"), each page type ("forum") and each page type
	// in each half ("forum/tune"). A part's own Parts is nil.
	Parts map[string]Result `json:"parts,omitempty"`
}

// PartKey is the key of Result.Parts for the pages of type typ in half
// half; either may be "" for all types or both halves.
func PartKey(typ, half string) string {
	switch {
	case typ == "":
		return half
	case half == "":
		return typ
	}
	return typ + "/" + half
}

// String formats r on one line.
func (r Result) String() string {
	return fmt.Sprintf("%s: %d pages, %d errors, %d empty: P %.3f R %.3f F1 %.3f; with found %.3f, without kept %.3f; %.1f pages/s, %.2f MB/s, %.1f pages/CPU-s",
		r.Set, r.Pages, r.Errors, r.Empty, r.P, r.R, r.F1, r.WithFound, r.WithoutKept, r.PagesPerSec, r.MBPerSec, r.PagesPerCPUSec)
}

// Score runs ex on every page, on the calling goroutine, and scores the
// output with the metric of the pages' set. The pages should come from one
// set, as one Load call returns them; the set of pages[0] picks the metric
// for all (traf-eval's segment metric for SetTraf, the WCXB token metric
// against Page.Truth otherwise). Only the calls of ex are timed. The
// result's Parts break the figures down by Page.Half and Page.Type.
func Score(pages []Page, ex Extractor) Result {
	if len(pages) == 0 {
		return Result{}
	}
	sc := newScorer(pages[0].Set)
	for _, pg := range pages {
		sc.score(pg, ex)
	}
	return sc.result()
}

// ScoreEach scores every extractor of exs on pages, each as Score would,
// but interleaved: the pages go in runs of chunk (at least one), and every
// extractor works through a run before the next run starts, a different
// extractor going first in each run. A load on the machine that comes and
// goes while they work then falls on all of them alike, which scoring one
// extractor after the other cannot promise: their speeds compare fairly on
// a busy machine. Garbage is collected before each extractor's run, and
// not timed, so no extractor pays for another's garbage. The quality
// figures are Score's; results are in the order of exs.
func ScoreEach(pages []Page, exs []Extractor, chunk int) []Result {
	out := make([]Result, len(exs))
	if len(pages) == 0 || len(exs) == 0 {
		return out
	}
	chunk = max(chunk, 1)
	scorers := make([]*scorer, len(exs))
	for i := range exs {
		scorers[i] = newScorer(pages[0].Set)
	}
	for run, start := 0, 0; start < len(pages); run, start = run+1, start+chunk {
		part := pages[start:min(start+chunk, len(pages))]
		for k := range exs {
			i := (run + k) % len(exs)
			runtime.GC()
			for _, pg := range part {
				scorers[i].score(pg, exs[i])
			}
		}
	}
	for i, sc := range scorers {
		out[i] = sc.result()
	}
	return out
}

// scorer adds up one extractor's page scores over a set, in all and by
// part (PartKey).
type scorer struct {
	set   string
	traf  bool
	all   *tally
	parts map[string]*tally
}

func newScorer(set string) *scorer {
	return &scorer{set: set, traf: set == SetTraf, all: &tally{}, parts: make(map[string]*tally)}
}

// score runs ex on pg, timing only the call, and adds its score.
func (sc *scorer) score(pg Page, ex Extractor) {
	cpu, start := cpuTime(), time.Now()
	text, err := ex(pg.HTML, pg.URL)
	elapsed, cpu := time.Since(start), cpuTime()-cpu
	if err != nil {
		text = ""
	}
	ps := scorePage(pg, text, sc.traf)
	ps.err, ps.seconds, ps.cpu, ps.bytes = err != nil, elapsed.Seconds(), cpu.Seconds(), int64(len(pg.HTML))
	sc.all.add(ps)
	keys := []string{PartKey("", pg.Half), PartKey(pg.Type, "")}
	if pg.Type != "" && pg.Half != "" {
		keys = append(keys, PartKey(pg.Type, pg.Half))
	}
	for _, key := range keys {
		if key == "" {
			continue
		}
		if sc.parts[key] == nil {
			sc.parts[key] = &tally{}
		}
		sc.parts[key].add(ps)
	}
}

func (sc *scorer) result() Result {
	res := sc.all.result(sc.set, sc.traf)
	if len(sc.parts) > 0 {
		res.Parts = make(map[string]Result, len(sc.parts))
		for k, t := range sc.parts {
			res.Parts[k] = t.result(sc.set, sc.traf)
		}
	}
	return res
}

// pageScore is one page's figures.
type pageScore struct {
	p, r, f              float64
	with, withFound      int
	without, withoutKept int
	err, empty           bool
	emptyMissed          bool // empty, and the reference has text
	seconds, cpu         float64
	bytes                int64
}

func scorePage(pg Page, text string, traf bool) pageScore {
	ps := pageScore{empty: strings.TrimSpace(text) == "", with: len(pg.With), without: len(pg.Without)}
	ps.emptyMissed = ps.empty && (len(Tokens(pg.Truth)) > 0 || len(pg.With) > 0)
	match := strings.Contains
	if traf {
		text = collapse(text)
		match = func(text, s string) bool { return strings.Contains(text, collapse(s)) }
	} else {
		ps.p, ps.r, ps.f = tokenPRF(text, pg.Truth)
	}
	for _, s := range pg.With {
		if match(text, s) {
			ps.withFound++
		}
	}
	for _, s := range pg.Without {
		if match(text, s) {
			ps.withoutKept++
		}
	}
	return ps
}

// tally sums page scores.
type tally struct {
	pages, errors, empty, emptyMissed     int
	sumP, sumR, sumF                      float64
	with, withFound, without, withoutKept int
	seconds, cpu                          float64
	bytes                                 int64
}

func (t *tally) add(ps pageScore) {
	t.pages++
	if ps.err {
		t.errors++
	}
	if ps.empty {
		t.empty++
	}
	if ps.emptyMissed {
		t.emptyMissed++
	}
	t.sumP, t.sumR, t.sumF = t.sumP+ps.p, t.sumR+ps.r, t.sumF+ps.f
	t.with, t.withFound = t.with+ps.with, t.withFound+ps.withFound
	t.without, t.withoutKept = t.without+ps.without, t.withoutKept+ps.withoutKept
	t.seconds += ps.seconds
	t.cpu += ps.cpu
	t.bytes += ps.bytes
}

func (t *tally) result(set string, traf bool) Result {
	res := Result{
		Set: set, Pages: t.pages, Errors: t.errors, Empty: t.empty, EmptyMissed: t.emptyMissed,
		WithFound: ratio(t.withFound, t.with), WithoutKept: ratio(t.withoutKept, t.without),
		WithTotal: t.with, WithoutTotal: t.without,
		Seconds: t.seconds, CPUSeconds: t.cpu, Bytes: t.bytes,
	}
	if traf {
		// tp = with found, fn = with missed, fp = without kept.
		tp, fp := float64(t.withFound), float64(t.withoutKept)
		if tp+fp > 0 {
			res.P = tp / (tp + fp)
		}
		res.R = res.WithFound
		res.F1 = f1(res.P, res.R)
	} else if t.pages > 0 {
		n := float64(t.pages)
		res.P, res.R, res.F1 = t.sumP/n, t.sumR/n, t.sumF/n
	}
	res.setSpeed()
	return res
}

func (r *Result) setSpeed() {
	r.PagesPerSec, r.MBPerSec, r.PagesPerCPUSec = 0, 0, 0
	if r.Seconds > 0 {
		r.PagesPerSec = float64(r.Pages) / r.Seconds
		r.MBPerSec = float64(r.Bytes) / 1e6 / r.Seconds
	}
	if r.CPUSeconds > 0 {
		r.PagesPerCPUSec = float64(r.Pages) / r.CPUSeconds
	}
}

// Combine merges results of the per-page metric (every set but
// traf-eval) into one, named set, as if their pages had been scored
// together: P, R and F1 are the means weighted by pages, the snippet
// shares are weighted by snippets, counts and times are summed. The
// result has no Parts. For traf-eval's segment metric, P, R and F1 are
// recomputed from the summed segment counts when every result is of
// SetTraf. Results with no pages are ignored.
func Combine(set string, rs ...Result) Result {
	out := Result{Set: set}
	traf := len(rs) > 0
	var sumP, sumR, sumF, withFound, withoutKept float64
	for _, r := range rs {
		if r.Pages == 0 {
			continue
		}
		traf = traf && r.Set == SetTraf
		n := float64(r.Pages)
		out.Pages += r.Pages
		out.Errors += r.Errors
		out.Empty += r.Empty
		out.EmptyMissed += r.EmptyMissed
		sumP, sumR, sumF = sumP+r.P*n, sumR+r.R*n, sumF+r.F1*n
		withFound += r.WithFound * float64(r.WithTotal)
		withoutKept += r.WithoutKept * float64(r.WithoutTotal)
		out.WithTotal += r.WithTotal
		out.WithoutTotal += r.WithoutTotal
		out.Seconds += r.Seconds
		out.CPUSeconds += r.CPUSeconds
		out.Bytes += r.Bytes
	}
	if out.Pages == 0 {
		return out
	}
	if out.WithTotal > 0 {
		out.WithFound = withFound / float64(out.WithTotal)
	}
	if out.WithoutTotal > 0 {
		out.WithoutKept = withoutKept / float64(out.WithoutTotal)
	}
	if traf {
		tp, fp := withFound, withoutKept
		if tp+fp > 0 {
			out.P = tp / (tp + fp)
		}
		out.R = out.WithFound
		out.F1 = f1(out.P, out.R)
	} else {
		n := float64(out.Pages)
		out.P, out.R, out.F1 = sumP/n, sumR/n, sumF/n
	}
	out.setSpeed()
	return out
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
