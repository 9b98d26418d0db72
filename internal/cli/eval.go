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
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/feedsift/feedsift/dedupe"
	"github.com/feedsift/feedsift/dedupe/dedupeeval"
	"github.com/feedsift/feedsift/extract/extracteval"
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
	fs := newFlagSet("eval extract", "eval extract [--corpus DIR] [--set wcxb-dev|traf-eval] [--compare auto|off|PROGRAM] [--procs N] [--check]", stderr)
	dir := fs.String("corpus", defaultCorpus("extraction"), "the extraction corpus: holds wcxb-dev/ and traf-eval/")
	only := fs.String("set", "", "score only this set (wcxb-dev or traf-eval); default both")
	compare := fs.String("compare", "auto", "comparison rows (go-trafilatura, with fallbacks, readeck): auto finds "+compareProgram+
		" or runs the bench/ module from a source checkout; off; or the path of the program")
	procs := fs.Int("procs", 1, "GOMAXPROCS while scoring, for feedsift and the comparison alike")
	check := fs.Bool("check", false, "exit with an error when a target of issue 3 is missed")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: eval extract: unexpected argument %q", ErrUsage, fs.Arg(0))
	}
	if *procs < 1 {
		return fmt.Errorf("%w: --procs %d: want at least 1", ErrUsage, *procs)
	}
	sets := []struct {
		name string
		load func(string) ([]extracteval.Page, error)
	}{
		{extracteval.SetWCXB, extracteval.LoadWCXB},
		{extracteval.SetTraf, extracteval.LoadTraf},
	}
	if *only != "" && *only != extracteval.SetWCXB && *only != extracteval.SetTraf {
		return fmt.Errorf("%w: --set %q: want %s or %s", ErrUsage, *only, extracteval.SetWCXB, extracteval.SetTraf)
	}
	var (
		names  []string
		loaded [][]extracteval.Page
	)
	for _, s := range sets {
		if *only != "" && *only != s.name {
			continue
		}
		d := filepath.Join(*dir, s.name)
		if _, err := os.Stat(d); errors.Is(err, iofs.ErrNotExist) && *only == "" {
			fmt.Fprintf(stderr, "feedsift eval extract: %s: not found, skipped\n", d)
			continue
		}
		pages, err := s.load(d)
		if err != nil {
			return fmt.Errorf("eval extract: %w", err)
		}
		names = append(names, s.name)
		loaded = append(loaded, pages)
	}
	if len(names) == 0 {
		return fmt.Errorf("eval extract: no set found under %s", *dir)
	}

	own := make(map[string]extracteval.Result)
	prev := runtime.GOMAXPROCS(*procs)
	for i, pages := range loaded {
		runtime.GC()
		own[names[i]] = extracteval.Score(pages, extracteval.Feedsift)
	}
	runtime.GOMAXPROCS(prev)

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

	fmt.Fprintf(stdout, "GOMAXPROCS=%d, %s %s/%s\n", *procs, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "set\textractor\tpages\terrors\tP\tR\tF1\twith found\twithout kept\tpages/s\tMB/s\t")
	row := func(name string, r extracteval.Result) {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%.1f\t%.2f\t\n",
			r.Set, name, r.Pages, r.Errors, r.P, r.R, r.F1, r.WithFound, r.WithoutKept, r.PagesPerSec, r.MBPerSec)
	}
	for _, set := range names {
		row("feedsift", own[set])
		for _, c := range others[set] {
			row(c.Extractor, c.Result)
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	var missed []string
	fmt.Fprintln(stdout, "targets (issue 3):")
	for _, c := range checkTargets(own, others) {
		verdict := "met"
		if !c.ok {
			verdict = "MISSED"
			missed = append(missed, c.what)
		}
		fmt.Fprintf(stdout, "  %-60s %s\n", c.what, verdict)
	}
	if *check && len(missed) > 0 {
		return fmt.Errorf("eval extract: %d target(s) missed: %s", len(missed), strings.Join(missed, "; "))
	}
	return nil
}

func runEvalDedupe(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("eval dedupe", "eval dedupe [--corpus DIR] [--out FILE]", stderr)
	dir := fs.String("corpus", defaultCorpus(filepath.Join("dedupe", "dev")), "the labelled stream: docs.jsonl, gold.jsonl, hardneg_pairs.tsv")
	out := fs.String("out", "", "write the predictions to this file: id<TAB>cluster, one document a line in stream order")
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
	fmt.Fprintln(stdout, dedupeeval.Score(set, assign).String())
	rate := 0.0
	if elapsed > 0 {
		rate = float64(len(set.Docs)) / elapsed.Seconds()
	}
	fmt.Fprintf(stdout, "speed: %d docs in %.2f s, %.0f docs/s\n", len(set.Docs), elapsed.Seconds(), rate)
	fmt.Fprintf(stdout, "memory: peak heap in use %.1f MB (%.1f MB before the run), allocated %.1f MB\n",
		mb(maxHeap), mb(before.HeapInuse), mb(after.TotalAlloc-before.TotalAlloc))
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
