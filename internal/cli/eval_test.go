package cli_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeCorpusFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func gzipBytes(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func jsonBytes(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// fields returns the white-space separated fields of the line of out that
// starts with prefix (after leading blanks).
func fields(t *testing.T, out, prefix string) []string {
	t.Helper()
	for l := range strings.SplitSeq(out, "\n") {
		if f := strings.Fields(l); len(f) > 0 && f[0] == prefix {
			return f
		}
	}
	t.Fatalf("no line starting with %q in:\n%s", prefix, out)
	return nil
}

func TestEvalExtract(t *testing.T) {
	page, err := os.ReadFile(tramFile)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	w := filepath.Join(dir, "wcxb-dev")
	writeCorpusFile(t, filepath.Join(w, "html", "0001.html.gz"), gzipBytes(t, page))
	writeCorpusFile(t, filepath.Join(w, "ground-truth", "0001.json"), jsonBytes(t, map[string]any{
		"url": "https://courier.example/tram", "ground_truth": map[string]any{"main_content": tramText,
			"with": []string{"eleven years after", "not in the page"}, "without": []string{"Privacy policy"}}}))
	// A page with no main text: an extractor error, scored 0.
	writeCorpusFile(t, filepath.Join(w, "html", "0002.html.gz"), gzipBytes(t, []byte("<html><body><nav>Home</nav></body></html>")))
	writeCorpusFile(t, filepath.Join(w, "ground-truth", "0002.json"), jsonBytes(t, map[string]any{
		"url": "https://courier.example/", "ground_truth": map[string]any{"main_content": "Home page"}}))
	tr := filepath.Join(dir, "traf-eval")
	writeCorpusFile(t, filepath.Join(tr, "html", "tram.html.gz"), gzipBytes(t, page))
	writeCorpusFile(t, filepath.Join(tr, "evaldata.json"), jsonBytes(t, map[string]any{
		"https://courier.example/tram": map[string]any{"file": "tram.html",
			"with": []string{"twelve thousand  journeys", "blue-and-white cars"}, "without": []string{"Share this story", "Back to top"}}}))

	out := mustRun(t, "eval", "extract", "--corpus", dir, "--compare", "off")
	// set extractor pages errors P R F1 with-found without-kept pages/s MB/s
	w1 := fields(t, out, "wcxb-dev")
	if got, want := strings.Join(w1[1:9], " "), "feedsift 2 1 0.500 0.500 0.500 0.500 0.000"; got != want {
		t.Errorf("wcxb-dev row %q, want %q\n%s", got, want, out)
	}
	t1 := fields(t, out, "traf-eval")
	if got, want := strings.Join(t1[1:9], " "), "feedsift 1 0 1.000 1.000 1.000 1.000 0.000"; got != want {
		t.Errorf("traf-eval row %q, want %q\n%s", got, want, out)
	}
	for _, want := range []string{"wcxb-dev F1 0.500 >= 0.955", "MISSED", "traf-eval F1 1.000 >= 0.920"} {
		if !strings.Contains(out, want) {
			t.Errorf("targets: no %q in:\n%s", want, out)
		}
	}
	if r := run(t, "eval", "extract", "--corpus", dir, "--compare", "off", "--check"); r.err == nil || !strings.Contains(r.err.Error(), "target(s) missed") {
		t.Errorf("--check with missed targets: err %v, want one naming the missed targets", r.err)
	}

	out = mustRun(t, "eval", "extract", "--corpus", dir, "--set", "traf-eval")
	if strings.Contains(out, "wcxb-dev") || !strings.Contains(out, "traf-eval") {
		t.Errorf("--set traf-eval printed:\n%s", out)
	}
	if r := run(t, "eval", "extract", "--corpus", t.TempDir()); r.err == nil {
		t.Errorf("eval extract on an empty directory succeeded:\n%s", r.stdout)
	}
	if r := run(t, "eval", "nothing"); r.err == nil {
		t.Error("eval nothing succeeded")
	}
}

// TestEvalExtractCompare runs a comparison program (here a shell script
// standing in for bench's extractcompare, which needs the comparison
// libraries) and checks that its rows join feedsift's in one table, that
// it is asked for the corpus and sets of the run, and that the speed
// targets are checked against its rows.
func TestEvalExtractCompare(t *testing.T) {
	page, err := os.ReadFile(tramFile)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	tr := filepath.Join(dir, "traf-eval")
	writeCorpusFile(t, filepath.Join(tr, "html", "tram.html.gz"), gzipBytes(t, page))
	writeCorpusFile(t, filepath.Join(tr, "evaldata.json"), jsonBytes(t, map[string]any{
		"https://courier.example/tram": map[string]any{"file": "tram.html", "with": []string{"blue-and-white cars"}, "without": []string{"Back to top"}}}))
	args := filepath.Join(t.TempDir(), "args")
	script := filepath.Join(t.TempDir(), "compare.sh")
	writeCorpusFile(t, script, []byte(`#!/bin/sh
echo "$@" > `+args+`
echo "scoring..." >&2
echo '{"extractor":"go-trafilatura","result":{"set":"traf-eval","pages":1,"errors":0,"p":0.5,"r":0.25,"f1":0.333,"with_found":0.25,"without_kept":0.5,"pages_per_sec":7,"mb_per_sec":1}}'
`))
	if err := os.Chmod(script, 0o755); err != nil {
		t.Fatal(err)
	}
	out := mustRun(t, "eval", "extract", "--corpus", dir, "--compare", script)
	row := fields(t, out, "traf-eval")
	if row[1] != "feedsift" {
		t.Errorf("first traf-eval row is %q, want feedsift's:\n%s", row[1], out)
	}
	found := false
	for l := range strings.SplitSeq(out, "\n") {
		if f := strings.Fields(l); len(f) > 6 && strings.Join(f[:7], " ") == "traf-eval go-trafilatura 1 0 0.500 0.250 0.333" {
			found = true
		}
	}
	if !found {
		t.Errorf("no go-trafilatura row from the comparison program in:\n%s", out)
	}
	got, err := os.ReadFile(args)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"--json", "--corpus " + dir, "--sets traf", "--only go-trafilatura,go-trafilatura+fallback,readeck", "--procs 1"} {
		if !strings.Contains(string(got), want) {
			t.Errorf("comparison program called with %q, want %q in it", got, want)
		}
	}

	bad := filepath.Join(t.TempDir(), "bad.sh")
	writeCorpusFile(t, bad, []byte("#!/bin/sh\necho 'not json'\n"))
	if err := os.Chmod(bad, 0o755); err != nil {
		t.Fatal(err)
	}
	if r := run(t, "eval", "extract", "--corpus", dir, "--compare", bad); r.err == nil || !strings.Contains(r.err.Error(), "comparison output line 1") {
		t.Errorf("comparison printing junk: err %v, want one naming the output line", r.err)
	}
}

// article returns a made-up article of about 300 words; different seeds
// share no five-word run.
func article(seed string) string {
	var b strings.Builder
	for i := range 30 {
		fmt.Fprintf(&b, "In %s report %d the committee heard witness %s%d describe events near site %d. ", seed, i, seed, i*7, i*13)
	}
	return b.String()
}

func TestEvalDedupe(t *testing.T) {
	dir := t.TempDir()
	a, b := article("alpha"), article("bravo")
	docs := []map[string]string{
		{"id": "a1", "text": a},
		{"id": "b1", "text": b},
		{"id": "a2", "text": "WIRE COPY. " + a + " Distributed by the wire."},
	}
	gold := []map[string]string{
		{"id": "a1", "cluster": "ca", "kind": "original", "tier": "core", "origin": "a1"},
		{"id": "b1", "cluster": "cb", "kind": "original", "tier": "core", "origin": "b1"},
		{"id": "a2", "cluster": "ca", "kind": "boilerplate", "tier": "core", "origin": "a1"},
	}
	var d, g bytes.Buffer
	for i := range docs {
		d.Write(jsonBytes(t, docs[i]))
		d.WriteByte('\n')
		g.Write(jsonBytes(t, gold[i]))
		g.WriteByte('\n')
	}
	writeCorpusFile(t, filepath.Join(dir, "docs.jsonl"), d.Bytes())
	writeCorpusFile(t, filepath.Join(dir, "gold.jsonl"), g.Bytes())
	writeCorpusFile(t, filepath.Join(dir, "hardneg_pairs.tsv"), []byte("id_a\tid_b\ttype\na1\tb1\tshared_quote\n"))
	pred := filepath.Join(t.TempDir(), "pred.tsv")

	out := mustRun(t, "eval", "dedupe", "--corpus", dir, "--out", pred)
	for _, want := range []string{
		"docs 3 (core 3): pairwise P 1.000 R 1.000 F1 1.000, ARI 1.000",
		"shared_quote 0.000 (of 1)",
		"speed: 3 docs in ",
		"memory: peak heap in use ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	got, err := os.ReadFile(pred)
	if err != nil {
		t.Fatal(err)
	}
	if want := "a1\ta1\nb1\tb1\na2\ta1\n"; string(got) != want {
		t.Errorf("--out wrote %q, want %q", got, want)
	}
	if r := run(t, "eval", "dedupe", "--corpus", t.TempDir()); r.err == nil || !strings.Contains(r.err.Error(), "docs.jsonl") {
		t.Errorf("eval dedupe on an empty directory: %v, want an error naming docs.jsonl", r.err)
	}
}
