// Package testshared locates the shared test data (../shared beside the
// repository: seeds and corpora) for tests. The data is read in place at
// test time and never copied into the project.
package testshared

import (
	"os"
	"path/filepath"
	"testing"
)

// EnvVar overrides where the shared data is looked for.
const EnvVar = "FEEDSIFT_SHARED"

// Dir returns $FEEDSIFT_SHARED, else the "shared" directory beside the
// repository root (the nearest directory above the working directory that
// holds go.mod). The directory may not exist; callers skip with a message
// naming it when what they need is absent.
func Dir(tb testing.TB) string {
	tb.Helper()
	if d := os.Getenv(EnvVar); d != "" {
		return d
	}
	wd, err := os.Getwd()
	if err != nil {
		tb.Fatalf("testshared: %v", err)
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return filepath.Join(filepath.Dir(d), "shared")
		}
		if filepath.Dir(d) == d {
			return filepath.Join(wd, "..", "shared")
		}
	}
}
