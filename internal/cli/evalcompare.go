package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/feedsift/feedsift/extract/extracteval"
)

// The comparison extractors (go-trafilatura, readeck's go-readability) are
// kept out of the daemon's module and binary: they live in the separate
// bench/ module, whose extractcompare program scores them with the same
// extracteval scorer and prints JSON. "feedsift eval extract" runs that
// program after scoring itself, one after the other so that neither
// competes for the cores, and prints all rows in one table.

// compareProgram is the name of the comparison program when it is built
// and installed (scripts/bench.sh builds it into .bin/).
const compareProgram = "feedsift-extractcompare"

// compareExtractors are the rows the comparison program is asked for.
var compareExtractors = []string{"go-trafilatura", "go-trafilatura+fallback", "readeck"}

// compareRow is one line of "extractcompare --json".
type compareRow struct {
	Extractor string             `json:"extractor"`
	Result    extracteval.Result `json:"result"`
}

// compareCommand resolves --compare: "off" gives nil; "auto" finds the
// installed program (on PATH, or beside this executable) or, in a source
// checkout, "go run" in bench/; anything else is a program to run.
// hint explains, for auto, why no command was found.
func compareCommand(ctx context.Context, mode string) (cmd *exec.Cmd, hint string) {
	switch mode {
	case "off":
		return nil, ""
	case "auto":
	default:
		return exec.CommandContext(ctx, mode), ""
	}
	if p, err := exec.LookPath(compareProgram); err == nil {
		return exec.CommandContext(ctx, p), ""
	}
	if self, err := os.Executable(); err == nil {
		p := filepath.Join(filepath.Dir(self), compareProgram)
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return exec.CommandContext(ctx, p), ""
		}
	}
	if st, err := os.Stat(filepath.Join("bench", "go.mod")); err == nil && !st.IsDir() {
		if goCmd, err := exec.LookPath("go"); err == nil {
			c := exec.CommandContext(ctx, goCmd, "run", "./cmd/extractcompare")
			c.Dir = "bench"
			return c, ""
		}
	}
	return nil, "comparison skipped: no " + compareProgram + " on PATH or beside feedsift, and no bench/ module in the working directory " +
		"(run from the repository root, or build it: cd bench && go build -o ../.bin/" + compareProgram + " ./cmd/extractcompare)"
}

// runCompare runs cmd with the corpus, sets and core count, copies its
// progress (stderr) to stderr, and returns its rows by set name.
func runCompare(cmd *exec.Cmd, corpus string, sets []string, procs int, stderr io.Writer) (map[string][]compareRow, error) {
	abs, err := filepath.Abs(corpus)
	if err != nil {
		return nil, err
	}
	var flagSets []string
	for _, s := range sets {
		flagSets = append(flagSets, map[string]string{extracteval.SetWCXB: "wcxb", extracteval.SetTraf: "traf"}[s])
	}
	cmd.Args = append(cmd.Args, "--json", "--corpus", abs, "--sets", strings.Join(flagSets, ","),
		"--only", strings.Join(compareExtractors, ","), "--procs", strconv.Itoa(procs))
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("comparison %q: %w", strings.Join(cmd.Args, " "), err)
	}
	rows := make(map[string][]compareRow)
	sc := bufio.NewScanner(&out)
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var r compareRow
		if err := json.Unmarshal(line, &r); err != nil {
			return nil, fmt.Errorf("comparison output line %d: %w", n, err)
		}
		if r.Extractor == "" || r.Result.Set == "" {
			return nil, fmt.Errorf("comparison output line %d: no extractor or set", n)
		}
		rows[r.Result.Set] = append(rows[r.Result.Set], r)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("comparison output: %w", err)
	}
	if len(rows) == 0 {
		return nil, errors.New("comparison printed no result")
	}
	return rows, nil
}

// Issue 3's targets, checked on the dev sets.
const (
	targetWCXBF1      = 0.955
	targetWCXBWithout = 0.03
	targetTrafF1      = 0.92
	targetSpeedupTraf = 2.0
)

// targetCheck is one target and whether the run met it.
type targetCheck struct {
	what string
	ok   bool
}

// checkTargets compares feedsift's results (and, where the comparison ran,
// its speed against the comparison rows) with issue 3's targets.
func checkTargets(own map[string]extracteval.Result, cmp map[string][]compareRow) []targetCheck {
	var out []targetCheck
	if r, ok := own[extracteval.SetWCXB]; ok {
		out = append(out,
			targetCheck{fmt.Sprintf("%s F1 %.3f >= %.3f", r.Set, r.F1, targetWCXBF1), r.F1 >= targetWCXBF1},
			targetCheck{fmt.Sprintf("%s without kept %.3f <= %.3f", r.Set, r.WithoutKept, targetWCXBWithout), r.WithoutKept <= targetWCXBWithout})
		for _, c := range cmp[extracteval.SetWCXB] {
			switch {
			case c.Extractor == "go-trafilatura":
				want := targetSpeedupTraf * c.Result.PagesPerSec
				out = append(out, targetCheck{fmt.Sprintf("%s pages/s %.1f >= %.0fx %s (%.1f)", r.Set, r.PagesPerSec, targetSpeedupTraf, c.Extractor, want), r.PagesPerSec >= want})
			case strings.HasPrefix(c.Extractor, "readeck"):
				out = append(out, targetCheck{fmt.Sprintf("%s pages/s %.1f > %s (%.1f)", r.Set, r.PagesPerSec, c.Extractor, c.Result.PagesPerSec), r.PagesPerSec > c.Result.PagesPerSec})
			}
		}
	}
	if r, ok := own[extracteval.SetTraf]; ok {
		out = append(out, targetCheck{fmt.Sprintf("%s F1 %.3f >= %.3f", r.Set, r.F1, targetTrafF1), r.F1 >= targetTrafF1})
	}
	return out
}
