package dedupeeval_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/feedsift/feedsift/dedupe"
	"github.com/feedsift/feedsift/dedupe/dedupeeval"
)

// sharedDir finds the shared data: $FEEDSIFT_SHARED, else ../shared next
// to the repository root (the directory holding go.mod).
func sharedDir(t testing.TB) string {
	t.Helper()
	if d := os.Getenv("FEEDSIFT_SHARED"); d != "" {
		return d
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return filepath.Join(filepath.Dir(d), "shared")
		}
		if filepath.Dir(d) == d {
			return filepath.Join(wd, "../../shared")
		}
	}
}

func loadDev(t testing.TB) *dedupeeval.Set {
	t.Helper()
	dir := filepath.Join(sharedDir(t), "corpus", "dedupe", "dev")
	if _, err := os.Stat(filepath.Join(dir, "docs.jsonl")); err != nil {
		t.Skipf("dedupe dev corpus not found at %s (set FEEDSIFT_SHARED): %v", dir, err)
	}
	s, err := dedupeeval.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestEvalDev replays the labelled dev stream with the default options and
// logs the figures. Gated by FEEDSIFT_EVAL=1.
func TestEvalDev(t *testing.T) {
	if os.Getenv("FEEDSIFT_EVAL") != "1" {
		t.Skip("set FEEDSIFT_EVAL=1 to run the dedupe evaluation on the dev stream")
	}
	s := loadDev(t)
	assign, err := dedupeeval.Run(s.Docs, dedupe.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := dedupeeval.Score(s, assign)
	t.Logf("default options:\n%s", r)
	if r.F1 < 0.9 {
		t.Errorf("F1 %.3f below the 0.9 floor", r.F1)
	}
}
