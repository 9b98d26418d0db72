package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	iofs "io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/feedsift/feedsift/dedupe"
	"github.com/feedsift/feedsift/internal/eval/dedupeeval"
	"github.com/feedsift/feedsift/internal/eval/extracteval"
)

// sharedEnv names the directory of the shared corpora, as the tests read it.
const sharedEnv = "FEEDSIFT_SHARED"

// defaultCorpus is $FEEDSIFT_SHARED/corpus/<sub>, else ../shared/corpus/<sub>.
func defaultCorpus(sub string) string {
	root := os.Getenv(sharedEnv)
	if root == "" {
		root = filepath.Join("..", "shared")
	}
	return filepath.Join(root, "corpus", sub)
}

// runEval is "feedsift eval extract|dedupe": score feedsift's extractor or
// deduplicator on the shared corpora.
func runEval(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "extract":
			return runEvalExtract(ctx, args[1:], stdout, stderr)
		case "dedupe":
			return runEvalDedupe(ctx, args[1:], stdout, stderr)
		}
	}
	fs := newFlagSet("eval", "eval extract [FLAGS]\neval dedupe [FLAGS]", stderr)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	fs.Usage()
	if fs.NArg() == 0 {
		return fmt.Errorf("%w: eval: want a subcommand: extract or dedupe", ErrUsage)
	}
	return fmt.Errorf("%w: eval: unknown subcommand %q (want extract or dedupe)", ErrUsage, fs.Arg(0))
}

func runEvalExtract(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	began := time.Now()
	setNames := extracteval.SetNames()
	fs := newFlagSet("eval extract", "eval extract [--corpus DIR] [--set "+strings.Join(setNames, "|")+"[,...]] [--compare auto|off|PROGRAM] [--procs N] [--check]", stderr)
	dir := fs.String("corpus", defaultCorpus("extraction"), "the extraction corpus: holds "+strings.Join(setNames, "/, ")+"/")
	only := fs.String("set", "", "score only these sets, comma-separated ("+strings.Join(setNames, ", ")+"); default all that are found")
	compare := fs.String("compare", "auto", "comparison rows (go-trafilatura, with fallbacks, readeck): auto finds "+compareProgram+
		" or runs the bench/ module from a source checkout; off; or the path of the program")
	procs := fs.Int("procs", 1, "GOMAXPROCS while scoring, for feedsift and the comparison alike")
	check := fs.Bool("check", false, "exit with an error when a target of issue 11 is missed")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: eval extract: unexpected argument %q", ErrUsage, fs.Arg(0))
	}
	if *procs < 1 {
		return fmt.Errorf("%w: --procs %d: want at least 1", ErrUsage, *procs)
	}
	wanted := make(map[string]bool)
	for name := range strings.SplitSeq(*only, ",") {
		if name = strings.TrimSpace(name); name == "" {
			continue
		}
		if !slices.Contains(setNames, name) {
			return fmt.Errorf("%w: --set %q: want one of %s", ErrUsage, name, strings.Join(setNames, ", "))
		}
		wanted[name] = true
	}

	// Each set is loaded, scored and dropped before the next, so that only
	// one set's pages are in memory at a time.
	var names []string
	own := make(map[string]extracteval.Result)
	for _, name := range setNames {
		if len(wanted) > 0 && !wanted[name] {
			continue
		}
		d := filepath.Join(*dir, name)
		if _, err := os.Stat(d); errors.Is(err, iofs.ErrNotExist) && len(wanted) == 0 {
			fmt.Fprintf(stderr, "feedsift eval extract: %s: not found, skipped\n", d)
			continue
		}
		pages, err := extracteval.Load(name, d)
		if err != nil {
			return fmt.Errorf("eval extract: %w", err)
		}
		runtime.GC()
		prev := runtime.GOMAXPROCS(*procs)
		own[name] = extracteval.Score(pages, extracteval.Feedsift)
		runtime.GOMAXPROCS(prev)
		fmt.Fprintf(stderr, "feedsift eval extract: %s\n", own[name])
		names = append(names, name)
	}
	if len(names) == 0 {
		return fmt.Errorf("eval extract: no set found under %s", *dir)
	}

	var others map[string][]compareRow
	cmd, hint := compareCommand(ctx, *compare)
	switch {
	case cmd != nil:
		fmt.Fprintf(stderr, "feedsift eval extract: scoring the comparison extractors with %s\n", strings.Join(cmd.Args, " "))
		var err error
		if others, err = runCompare(cmd, *dir, names, *procs, stderr); err != nil {
			return fmt.Errorf("eval extract: %w", err)
		}
	case hint != "":
		fmt.Fprintf(stderr, "feedsift eval extract: %s\n", hint)
	}

	rep := extractReport{procs: *procs, sets: names, own: own, others: others, wall: time.Since(began)}
	if err := rep.print(stdout); err != nil {
		return err
	}
	var missed []string
	fmt.Fprintln(stdout, "targets (issue 11; every F1 and share on each half):")
	for _, c := range rep.targets() {
		verdict := "met"
		switch {
		case c.na:
			verdict = "not measured"
		case !c.ok:
			verdict = "MISSED"
			missed = append(missed, c.what)
		}
		fmt.Fprintf(stdout, "  %-78s %s\n", c.what, verdict)
	}
	if *check && len(missed) > 0 {
		return fmt.Errorf("eval extract: %d target(s) missed: %s", len(missed), strings.Join(missed, "; "))
	}
	return nil
}

// setAllTypes names the rows of the WCXB articles and the other page
// types scored together ("all types" in issue 11).
const setAllTypes = "all types"

// pageTypeOrder is the order page types are reported in; types not listed
// follow in alphabetical order.
var pageTypeOrder = []string{extracteval.TypeArticle, "forum", "service", "listing", "product", "collection", "documentation"}

// extractReport is one "eval extract" run: feedsift's results and the
// comparison rows by set, and the run's wall time.
type extractReport struct {
	procs  int
	sets   []string // in report order
	own    map[string]extracteval.Result
	others map[string][]compareRow
	wall   time.Duration
}

// pageTypes lists the page types of r's parts in report order, those of
// more than one type only (a set of one type reports none).
func pageTypes(r extracteval.Result) []string {
	var types []string
	for k := range r.Parts {
		if k != extracteval.HalfTune && k != extracteval.HalfCheck && !strings.Contains(k, "/") {
			types = append(types, k)
		}
	}
	rank := func(t string) int {
		if i := slices.Index(pageTypeOrder, t); i >= 0 {
			return i
		}
		return len(pageTypeOrder)
	}
	slices.SortFunc(types, func(a, b string) int {
		if c := rank(a) - rank(b); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	if len(types) < 2 {
		return nil
	}
	return types
}

// allTypes is the WCXB articles and other pages combined, by half ("" for
// both); ok is false unless both sets were scored.
func allTypes(byset map[string]extracteval.Result, half string) (r extracteval.Result, ok bool) {
	a, okA := byset[extracteval.SetWCXB]
	o, okO := byset[extracteval.SetWCXBOther]
	if !okA || !okO {
		return extracteval.Result{}, false
	}
	if half != "" {
		a, o = a.Parts[half], o.Parts[half]
	}
	return extracteval.Combine(setAllTypes, a, o), true
}

// part returns the figures of r for page type typ ("" for all) in half
// half ("" for both).
func part(r extracteval.Result, typ, half string) extracteval.Result {
	if typ == "" && half == "" {
		return r
	}
	return r.Parts[extracteval.PartKey(typ, half)]
}

// reportRow is one (set, page type) row of the report.
type reportRow struct {
	set, typ string // typ "" for all the set's pages
}

// rows lists the report's rows: each set, each page type of a set of
// several, and all types after wcxb-dev-other.
func (rep extractReport) rows() []reportRow {
	var out []reportRow
	for _, set := range rep.sets {
		out = append(out, reportRow{set: set})
		for _, t := range pageTypes(rep.own[set]) {
			out = append(out, reportRow{set: set, typ: t})
		}
		if set == extracteval.SetWCXBOther {
			if _, ok := allTypes(rep.own, ""); ok {
				out = append(out, reportRow{set: setAllTypes})
			}
		}
	}
	return out
}

// result is the figures of row in half for the extractor whose results
// by set are byset.
func (row reportRow) result(byset map[string]extracteval.Result, half string) (extracteval.Result, bool) {
	if row.set == setAllTypes {
		return allTypes(byset, half)
	}
	r, ok := byset[row.set]
	if !ok {
		return r, false
	}
	return part(r, row.typ, half), true
}

// pairedSpeed returns feedsift's speed over the run's sets as the
// comparison program measured it, in turns with the comparison extractors,
// and true; or, when the comparison did not run or gave no feedsift row,
// the speed of the run's own scoring and false.
func (rep extractReport) pairedSpeed() (extracteval.Result, bool) {
	byset := make(map[string]extracteval.Result)
	for _, set := range rep.sets {
		for _, c := range rep.others[set] {
			if c.Extractor == pairedName {
				byset[set] = c.Result
			}
		}
	}
	if len(byset) != len(rep.sets) {
		return rep.speed(rep.own), false
	}
	return rep.speed(byset), true
}

// othersBySet returns the comparison extractors' names, in the order the
// program printed them, and each one's results by set.
func (rep extractReport) othersBySet() ([]string, map[string]map[string]extracteval.Result) {
	var names []string
	by := make(map[string]map[string]extracteval.Result)
	for _, set := range rep.sets {
		for _, c := range rep.others[set] {
			if c.Extractor == pairedName {
				continue
			}
			if by[c.Extractor] == nil {
				names = append(names, c.Extractor)
				by[c.Extractor] = make(map[string]extracteval.Result)
			}
			by[c.Extractor][set] = c.Result
		}
	}
	return names, by
}

func partName(typ string) string {
	if typ == "" {
		return "all"
	}
	return typ
}

func pct(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return 100 * float64(n) / float64(of)
}

// print writes the report's tables and summary lines.
func (rep extractReport) print(w io.Writer) error {
	fmt.Fprintf(w, "GOMAXPROCS=%d, %s %s/%s; halves by FNV-1a 32 of the domain: even tune, odd check\n", rep.procs, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	fmt.Fprintln(w, "\nfeedsift")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "set\tpart\thalf\tpages\terrors\tempty\tP\tR\tF1\twith found\twithout kept\tpages/s\tMB/s\tpages/CPU-s\t")
	for _, row := range rep.rows() {
		for _, half := range []string{"", extracteval.HalfTune, extracteval.HalfCheck} {
			r, _ := row.result(rep.own, half)
			h := half
			if h == "" {
				h = "both"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%.1f\t%.2f\t%.1f\t\n",
				row.set, partName(row.typ), h, r.Pages, r.Errors, r.Empty, r.P, r.R, r.F1, r.WithFound, r.WithoutKept, r.PagesPerSec, r.MBPerSec, r.PagesPerCPUSec)
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}

	names, by := rep.othersBySet()
	if len(names) > 0 {
		fmt.Fprintln(w, "\nfeedsift and the comparison extractors, same pages, same run")
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "set\tpart\textractor\tpages\terrors\tempty\tP\tR\tF1\tF1 tune\tF1 check\twith found\twithout kept\tpages/s\tMB/s\tpages/CPU-s\t")
		for _, row := range rep.rows() {
			for i, name := range append([]string{"feedsift"}, names...) {
				byset := rep.own
				if i > 0 {
					byset = by[name]
				}
				r, ok := row.result(byset, "")
				if !ok {
					continue
				}
				tune, _ := row.result(byset, extracteval.HalfTune)
				chk, _ := row.result(byset, extracteval.HalfCheck)
				fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%.1f\t%.2f\t%.1f\t\n",
					row.set, partName(row.typ), name, r.Pages, r.Errors, r.Empty, r.P, r.R, r.F1, tune.F1, chk.F1, r.WithFound, r.WithoutKept, r.PagesPerSec, r.MBPerSec, r.PagesPerCPUSec)
			}
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}

	fmt.Fprintln(w)
	var sb strings.Builder
	empty, missed, pages := 0, 0, 0
	for _, set := range rep.sets {
		r := rep.own[set]
		empty, missed, pages = empty+r.Empty, missed+r.EmptyMissed, pages+r.Pages
		fmt.Fprintf(&sb, "%s %d of %d (%.2f%%), ", set, r.Empty, r.Pages, pct(r.Empty, r.Pages))
	}
	fmt.Fprintf(w, "feedsift empty output: %sall sets %d of %d (%.2f%%); of those, %d where the reference has text (%.2f%%), %d where it is empty too\n",
		sb.String(), empty, pages, pct(empty, pages), missed, pct(missed, pages), empty-missed)
	own, paired := rep.pairedSpeed()
	if paired {
		alone := rep.speed(rep.own)
		fmt.Fprintf(w, "feedsift's speed below is from the comparison program, where the extractors take turns over short runs of pages; scored alone before it: %.1f pages/s, %.1f pages/CPU-s\n",
			alone.PagesPerSec, alone.PagesPerCPUSec)
	}
	for _, cpu := range []bool{false, true} {
		unit, rate := "pages/s (wall clock)", func(r extracteval.Result) float64 { return r.PagesPerSec }
		if cpu {
			unit, rate = "pages/CPU-s", func(r extracteval.Result) float64 { return r.PagesPerCPUSec }
		}
		fmt.Fprintf(w, "speed over the %d pages of the run, %s: feedsift %.1f", own.Pages, unit, rate(own))
		for _, name := range names {
			r := rep.speed(by[name])
			fmt.Fprintf(w, "; %s %.1f", name, rate(r))
			if rate(r) > 0 {
				fmt.Fprintf(w, " (feedsift %.2fx)", rate(own)/rate(r))
			}
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "wall time of the run (loading, feedsift, comparison): %s\n", rep.wall.Round(time.Second))
	return nil
}

// speed sums the pages and extractor time over the report's sets.
func (rep extractReport) speed(byset map[string]extracteval.Result) extracteval.Result {
	var rs []extracteval.Result
	for _, set := range rep.sets {
		if r, ok := byset[set]; ok {
			rs = append(rs, r)
		}
	}
	return extracteval.Combine("all sets", rs...)
}

func runEvalDedupe(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("eval dedupe", "eval dedupe [--corpus DIR] [--out FILE] [--rewrap [--rewrap-seed N] [--misses N]]", stderr)
	dir := fs.String("corpus", defaultCorpus(filepath.Join("dedupe", "dev")), "the labelled stream: docs.jsonl, gold.jsonl, hardneg_pairs.tsv")
	out := fs.String("out", "", "write the predictions to this file: id<TAB>cluster, one document a line in stream order")
	rewrap := fs.Bool("rewrap", false, "also score the re-wrapped stream: the corpus's originals under generated headers and footers (an estimate of recall on unseen streams)")
	seed := fs.Uint64("rewrap-seed", dedupeeval.DefaultRewrapSeed, "the re-wrapped stream's seed")
	misses := fs.Int("misses", 2, "with --rewrap, example missed pairs shown per category (tune half only)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: eval dedupe: unexpected argument %q", ErrUsage, fs.Arg(0))
	}
	set, err := dedupeeval.Load(*dir)
	if err != nil {
		return fmt.Errorf("eval dedupe: %w", err)
	}
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	peak := sampleHeap(before.HeapInuse)
	start := time.Now()
	assign, err := dedupeeval.Run(set.Docs, dedupe.Options{})
	elapsed := time.Since(start)
	maxHeap := peak()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if err != nil {
		return fmt.Errorf("eval dedupe: %w", err)
	}
	if *out != "" {
		if err := writeAssign(*out, set.Docs, assign); err != nil {
			return fmt.Errorf("eval dedupe: %w", err)
		}
	}
	for _, r := range dedupeeval.Report(set, assign) {
		fmt.Fprintln(stdout, r.String())
	}
	rate := 0.0
	if elapsed > 0 {
		rate = float64(len(set.Docs)) / elapsed.Seconds()
	}
	fmt.Fprintf(stdout, "speed: %d docs in %.2f s, %.0f docs/s\n", len(set.Docs), elapsed.Seconds(), rate)
	fmt.Fprintf(stdout, "memory: peak heap in use %.1f MB (%.1f MB before the run), allocated %.1f MB\n",
		mb(maxHeap), mb(before.HeapInuse), mb(after.TotalAlloc-before.TotalAlloc))
	if *rewrap {
		return evalRewrap(set, *seed, *misses, stdout)
	}
	return nil
}

// evalRewrap scores the re-wrapped stream built from set's originals and
// prints its figures and its missed pairs by category.
func evalRewrap(set *dedupeeval.Set, seed uint64, examples int, stdout io.Writer) error {
	rw := dedupeeval.Rewrap(set, dedupeeval.RewrapOptions{Seed: seed})
	assign, trace, err := dedupeeval.RunTrace(rw.Docs, dedupe.Options{})
	if err != nil {
		return fmt.Errorf("eval dedupe: rewrap: %w", err)
	}
	fmt.Fprintf(stdout, "\nre-wrapped stream (seed %d; generated from the corpus's originals, an estimate, not an unseen stream):\n", seed)
	for _, r := range dedupeeval.Report(rw, assign) {
		fmt.Fprintln(stdout, r.String())
	}
	fmt.Fprintln(stdout, dedupeeval.WithOriginString(rw, assign))
	fmt.Fprintln(stdout, dedupeeval.ByHeader(rw, assign, dedupeeval.RewrapLongHead))
	fmt.Fprintln(stdout, dedupeeval.ByHeader(rw, assign, dedupeeval.RewrapBrief))
	fmt.Fprintln(stdout, dedupeeval.MissReport(dedupeeval.Misses(rw, assign, trace), examples))
	return nil
}

func mb(n uint64) float64 { return float64(n) / (1 << 20) }

// sampleHeap samples runtime.MemStats.HeapInuse every few milliseconds
// until the returned function is called, which returns the largest value
// seen (at least floor).
func sampleHeap(floor uint64) func() uint64 {
	var (
		mu   sync.Mutex
		peak = floor
		done = make(chan struct{})
		wg   sync.WaitGroup
	)
	sample := func() {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		mu.Lock()
		peak = max(peak, m.HeapInuse)
		mu.Unlock()
	}
	wg.Go(func() {
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				sample()
			}
		}
	})
	return func() uint64 {
		close(done)
		wg.Wait()
		sample()
		mu.Lock()
		defer mu.Unlock()
		return peak
	}
}

func writeAssign(path string, docs []dedupeeval.Doc, assign map[string]string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	for _, d := range docs {
		fmt.Fprintf(w, "%s\t%s\n", d.ID, assign[d.ID])
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
