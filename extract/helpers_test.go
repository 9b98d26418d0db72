package extract_test

import (
	"os"
	"path/filepath"
	"testing"
)

// sharedDir returns the project's shared data directory: $FEEDSIFT_SHARED,
// else ../shared next to the repository root (the directory with go.mod).
func sharedDir(t testing.TB) string {
	t.Helper()
	if d := os.Getenv("FEEDSIFT_SHARED"); d != "" {
		return d
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatalf("getwd: %v", err)
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return filepath.Join(filepath.Dir(d), "shared")
		}
		if filepath.Dir(d) == d {
			return filepath.Join(wd, "..", "..", "shared")
		}
	}
}
