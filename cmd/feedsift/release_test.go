package main_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestReleaseBuild builds the binary the way scripts/release.sh does
// (-trimpath, the version stamped with -X) and checks that the binary
// reports that version and carries no path of the build machine.
func TestReleaseBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary; skipped with -short")
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("no go command on PATH: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "feedsift")
	build := exec.CommandContext(t.Context(), goCmd, "build", "-trimpath",
		"-ldflags", "-X github.com/feedsift/feedsift/internal/cli.Version=v9.8.7-test", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.CommandContext(t.Context(), bin, "version").CombinedOutput()
	if err != nil {
		t.Fatalf("feedsift version: %v\n%s", err, out)
	}
	if got := string(out); !strings.HasPrefix(got, "feedsift v9.8.7-test (") || !strings.Contains(got, "go1.") {
		t.Errorf("feedsift version printed %q, want the stamped version and the Go version", got)
	}
	data, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Dir(filepath.Dir(wd)) // the repository root
	if strings.Contains(string(data), root+string(filepath.Separator)) {
		t.Errorf("the -trimpath binary still holds the build path %s", root)
	}
	meta, err := exec.CommandContext(t.Context(), goCmd, "version", "-m", bin).CombinedOutput()
	if err != nil {
		t.Fatalf("go version -m: %v\n%s", err, meta)
	}
	if !strings.Contains(string(meta), "-trimpath=true") {
		t.Errorf("go version -m shows no -trimpath=true:\n%s", meta)
	}
}
