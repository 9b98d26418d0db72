package cli_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/feedsift/feedsift/internal/cli"
)

const tramFile = "testdata/tram.html"

// tramText is the main text of testdata/tram.html, a page written for
// these tests.
var tramText = strings.Join([]string{
	"The first trams on the new Line 3 left the depot at six o'clock on Saturday morning, eleven years after the route was first proposed.",
	"About four hundred people rode the opening service between the station and the university, many of them taking photographs of the blue-and-white cars.",
	"The city council expects twelve thousand journeys a day once the timetable reaches a tram every five minutes in the spring.",
}, "\n\n")

type extractedJSON struct {
	File      string `json:"file"`
	URL       string `json:"url"`
	Title     string `json:"title"`
	Author    string `json:"author"`
	Published string `json:"published"`
	Lang      string `json:"lang"`
	Text      string `json:"text"`
}

func tramJSON(file string) extractedJSON {
	return extractedJSON{File: file, URL: "https://courier.example/tram", Title: "Line 3 trams carry first passengers",
		Author: "Mara Lindqvist", Published: "2026-03-07T09:30:00Z", Lang: "en-GB", Text: tramText}
}

// gzFile writes tram.html gzipped into a temp dir and returns its path.
func gzFile(t *testing.T) string {
	t.Helper()
	page, err := os.ReadFile(tramFile)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write(page)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "tram.html.gz")
	if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestExtractText(t *testing.T) {
	if got := mustRun(t, "extract", tramFile); got != tramText+"\n" {
		t.Errorf("extract %s printed:\n%s\nwant:\n%s", tramFile, got, tramText)
	}
	gz := gzFile(t)
	want := "==> " + tramFile + " <==\n" + tramText + "\n\n==> " + gz + " <==\n" + tramText + "\n"
	if got := mustRun(t, "extract", tramFile, gz); got != want {
		t.Errorf("extract of two files printed:\n%s\nwant:\n%s", got, want)
	}
}

func TestExtractJSON(t *testing.T) {
	gz := gzFile(t)
	out := mustRun(t, "extract", "--format", "json", tramFile, gz, "--url", "https://courier.example/tram")
	var got []extractedJSON
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("json output does not parse: %v\n%s", err, out)
	}
	if diff := cmp.Diff([]extractedJSON{tramJSON(tramFile), tramJSON(gz)}, got); diff != "" {
		t.Errorf("extract --format json (-want +got):\n%s", diff)
	}

	out = mustRun(t, "extract", "--format", "jsonl", "--url", "https://courier.example/tram", tramFile, gz)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("jsonl printed %d lines, want 2:\n%s", len(lines), out)
	}
	for i, l := range lines {
		var e extractedJSON
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		if diff := cmp.Diff(tramJSON([]string{tramFile, gz}[i]), e); diff != "" {
			t.Errorf("jsonl line %d (-want +got):\n%s", i+1, diff)
		}
	}
}

// TestExtractStdin replaces os.Stdin, so it must not run in parallel.
func TestExtractStdin(t *testing.T) {
	f, err := os.Open(gzFile(t))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	old := os.Stdin
	os.Stdin = f
	t.Cleanup(func() { os.Stdin = old })
	out := mustRun(t, "extract", "--format", "jsonl", "--url", "https://courier.example/tram", "-")
	var e extractedJSON
	if err := json.Unmarshal([]byte(out), &e); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if diff := cmp.Diff(tramJSON("-"), e); diff != "" {
		t.Errorf("extract - (-want +got):\n%s", diff)
	}
}

func TestExtractErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing.html")
	r := run(t, "extract", missing, tramFile)
	if r.err == nil || cli.ExitCode(r.err) != 1 {
		t.Errorf("extract with a missing file: err %v, want exit code 1", r.err)
	}
	if !strings.Contains(r.stderr, missing) || !strings.Contains(r.stderr, "no such file") {
		t.Errorf("stderr does not name the missing file:\n%s", r.stderr)
	}
	if !strings.Contains(r.stdout, "==> "+tramFile+" <==\n"+tramText) {
		t.Errorf("the other file was not extracted; stdout:\n%s", r.stdout)
	}

	empty := filepath.Join(t.TempDir(), "empty.html")
	if err := os.WriteFile(empty, []byte("<html><body><nav>Home</nav></body></html>"), 0o644); err != nil {
		t.Fatal(err)
	}
	r = run(t, "extract", "--format", "json", empty)
	if r.err == nil || !strings.Contains(r.stderr, empty) || strings.TrimSpace(r.stdout) != "[]" {
		t.Errorf("extract of a page with no text: err %v, stdout %q, stderr %q", r.err, r.stdout, r.stderr)
	}

	for _, args := range [][]string{{"extract"}, {"extract", "--format", "xml", tramFile}} {
		if r := run(t, args...); cli.ExitCode(r.err) != 2 {
			t.Errorf("%v: err %v, want a usage error", args, r.err)
		}
	}
}
