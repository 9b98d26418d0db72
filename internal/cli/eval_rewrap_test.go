package cli_test

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

func TestEvalDedupe_Rewrap(t *testing.T) {
	dir := t.TempDir()
	var d, g bytes.Buffer
	for i, seed := range []string{"alpha", "bravo", "charlie", "delta"} {
		id := fmt.Sprintf("o%d", i)
		d.Write(jsonBytes(t, map[string]string{"id": id, "text": article(seed)}))
		d.WriteByte('\n')
		g.Write(jsonBytes(t, map[string]string{"id": id, "cluster": "c" + seed, "kind": "original", "tier": "core", "origin": id}))
		g.WriteByte('\n')
	}
	writeCorpusFile(t, filepath.Join(dir, "docs.jsonl"), d.Bytes())
	writeCorpusFile(t, filepath.Join(dir, "gold.jsonl"), g.Bytes())
	writeCorpusFile(t, filepath.Join(dir, "hardneg_pairs.tsv"), []byte("id_a\tid_b\ttype\n"))

	out := mustRun(t, "eval", "dedupe", "--corpus", dir, "--rewrap", "--rewrap-seed", "7")
	_, rw, ok := strings.Cut(out, "re-wrapped stream (seed 7;")
	if !ok {
		t.Fatalf("output lacks the re-wrapped stream's table:\n%s", out)
	}
	for _, want := range []string{
		"half tune (gold clusters by FNV-1a parity):\n",
		"half check (gold clusters by FNV-1a parity):\n",
		"recall by kind: original ",
		"copy joined its original (all):",
		"missed pairs: ",
	} {
		if !strings.Contains(rw, want) {
			t.Errorf("re-wrapped table lacks %q:\n%s", want, rw)
		}
	}
}
