// Command extractcompare scores feedsift's main-text extractor against
// go-trafilatura (defaults, and with its fallbacks) and readeck's
// go-readability v2 on the shared extraction corpora, one core, in one run,
// and prints a table per set.
//
// Run it from the bench module:
//
//	cd bench && go run ./cmd/extractcompare [--corpus DIR] [--sets wcxb,other,traf,readability] [--only NAMES] [--limit N] [--chunk N] [--json]
//
// With --json it prints one JSON object per extractor and set instead of
// the tables, {"extractor": NAME, "result": extracteval.Result}; that is
// what "feedsift eval extract" reads when it runs this program for its
// comparison rows.
//
// The corpus defaults to $FEEDSIFT_SHARED/corpus/extraction, else
// shared/corpus/extraction in the nearest directory above the working
// directory that has one (../../shared/corpus/extraction from bench/).
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/feedsift/feedsift/bench/compare"
	"github.com/feedsift/feedsift/internal/eval/extracteval"
)

type set struct {
	flag, dir string
	load      func(string) ([]extracteval.Page, error)
}

var sets = []set{
	{flag: "wcxb", dir: extracteval.SetWCXB, load: extracteval.LoadWCXB},
	{flag: "other", dir: extracteval.SetWCXBOther, load: extracteval.LoadWCXBOther},
	{flag: "traf", dir: extracteval.SetTraf, load: extracteval.LoadTraf},
	{flag: "readability", dir: extracteval.SetReadability, load: extracteval.LoadReadability},
}

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "extractcompare:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("extractcompare", flag.ContinueOnError)
	fs.SetOutput(stderr)
	corpus := fs.String("corpus", "", "extraction corpus directory holding wcxb-dev/, wcxb-dev-other/, traf-eval/ and readability/ (default $FEEDSIFT_SHARED/corpus/extraction or ../../shared/corpus/extraction)")
	setList := fs.String("sets", "wcxb,other,traf,readability", "comma-separated sets to score, by short or directory name: wcxb (wcxb-dev), other (wcxb-dev-other), traf (traf-eval), readability")
	only := fs.String("only", "", "comma-separated extractor names to run (default all): feedsift, go-trafilatura, go-trafilatura+fallback, readeck")
	limit := fs.Int("limit", 0, "score only the first N pages of each set (0 = all)")
	procs := fs.Int("procs", 1, "GOMAXPROCS while scoring")
	chunk := fs.Int("chunk", 16, "pages each extractor scores in its turn: the extractors take turns over runs of this many pages, so that a load on the machine falls on all of them alike")
	asJSON := fs.Bool("json", false, "print one JSON object per extractor and set instead of tables")
	if err := fs.Parse(args); err != nil {
		return err
	}
	dir := *corpus
	if dir == "" {
		var err error
		if dir, err = defaultCorpus(); err != nil {
			return err
		}
	}
	exs, err := pick(compare.Extractors(), *only)
	if err != nil {
		return err
	}
	chosen, err := pickSets(*setList)
	if err != nil {
		return err
	}

	if !*asJSON {
		fmt.Fprintf(stdout, "GOMAXPROCS=%d, %s %s/%s, corpus %s\n", *procs, runtime.Version(), runtime.GOOS, runtime.GOARCH, dir)
	}
	enc := json.NewEncoder(stdout)
	// One set at a time: load it (not timed), score every extractor on
	// it, and drop it, so that only one set's pages are in memory. The
	// extractors take turns over short runs of pages (ScoreEach): timed
	// one after the other, minutes apart, their speeds would compare
	// whatever else the machine was doing at the time.
	for _, s := range chosen {
		pages, err := s.load(filepath.Join(dir, s.dir))
		if err != nil {
			return fmt.Errorf("load %s: %w", s.dir, err)
		}
		if *limit > 0 && len(pages) > *limit {
			pages = pages[:*limit]
		}
		fmt.Fprintf(stderr, "loaded %s: %d pages\n", s.dir, len(pages))
		prev := runtime.GOMAXPROCS(*procs)
		funcs := make([]extracteval.Extractor, len(exs))
		for j, ex := range exs {
			funcs[j] = ex.Extract
		}
		results := extracteval.ScoreEach(pages, funcs, *chunk)
		for j, ex := range exs {
			fmt.Fprintf(stderr, "%s %s: %s\n", s.dir, ex.Name, results[j])
			if *asJSON {
				row := struct {
					Extractor string             `json:"extractor"`
					Result    extracteval.Result `json:"result"`
				}{ex.Name, results[j]}
				if err := enc.Encode(row); err != nil {
					return err
				}
			}
		}
		runtime.GOMAXPROCS(prev)
		if !*asJSON {
			printTable(stdout, s.dir, exs, results)
		}
	}
	return nil
}

// printTable writes one set's table and feedsift's speed relative to the
// others.
func printTable(w io.Writer, setName string, exs []compare.Named, rs []extracteval.Result) {
	fmt.Fprintf(w, "\n%s\n", setName)
	const head = "%-26s %5s %6s %5s %6s %6s %6s %7s %8s %10s %12s %8s %7s %11s\n"
	const row = "%-26s %5d %6d %5d %6.3f %6.3f %6.3f %7.3f %8.3f %10.3f %12.3f %8.1f %7.2f %11.1f\n"
	fmt.Fprintf(w, head, "extractor", "pages", "errors", "empty", "P", "R", "F1", "F1 tune", "F1 check", "with found", "without kept", "pages/s", "MB/s", "pages/CPU-s")
	for i, r := range rs {
		fmt.Fprintf(w, row, exs[i].Name, r.Pages, r.Errors, r.Empty, r.P, r.R, r.F1, r.Parts[extracteval.HalfTune].F1, r.Parts[extracteval.HalfCheck].F1,
			r.WithFound, r.WithoutKept, r.PagesPerSec, r.MBPerSec, r.PagesPerCPUSec)
	}
	fs := -1
	for i, e := range exs {
		if e.Name == "feedsift" {
			fs = i
		}
	}
	if fs < 0 || rs[fs].PagesPerSec == 0 {
		return
	}
	for i, e := range exs {
		if i == fs || rs[i].PagesPerSec == 0 {
			continue
		}
		fmt.Fprintf(w, "feedsift speed vs %s: %.2fx\n", e.Name, rs[fs].PagesPerSec/rs[i].PagesPerSec)
	}
}

func pick(all []compare.Named, only string) ([]compare.Named, error) {
	if strings.TrimSpace(only) == "" {
		return all, nil
	}
	var out []compare.Named
	for _, want := range strings.Split(only, ",") {
		want = strings.TrimSpace(want)
		found := false
		for _, n := range all {
			if n.Name == want || strings.HasPrefix(n.Name, want+" ") {
				out = append(out, n)
				found = true
			}
		}
		if !found {
			return nil, fmt.Errorf("unknown extractor %q", want)
		}
	}
	return out, nil
}

func pickSets(list string) ([]set, error) {
	var out []set
	for _, name := range strings.Split(list, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		found := false
		for _, s := range sets {
			if s.flag == name || s.dir == name {
				out = append(out, s)
				found = true
			}
		}
		if !found {
			return nil, fmt.Errorf("unknown set %q (want wcxb, other, traf or readability)", name)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("no set chosen")
	}
	return out, nil
}

// defaultCorpus is $FEEDSIFT_SHARED/corpus/extraction, else
// shared/corpus/extraction in the nearest ancestor of the working directory
// that holds it.
func defaultCorpus() (string, error) {
	const rel = "corpus/extraction"
	if d := os.Getenv("FEEDSIFT_SHARED"); d != "" {
		return filepath.Join(d, rel), nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := wd; ; d = filepath.Dir(d) {
		c := filepath.Join(d, "shared", rel)
		if st, err := os.Stat(c); err == nil && st.IsDir() {
			return c, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("no shared/%s above %s; set --corpus or FEEDSIFT_SHARED", rel, wd)
		}
	}
}
