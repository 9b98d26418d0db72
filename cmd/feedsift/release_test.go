package main_test

import (
	"errors"
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

// TestPlainBuild builds the binary with a plain "go build" in this git
// checkout and checks that "feedsift version" and "--version" name the
// commit the go command stamped, and that a tree with uncommitted changes
// is called modified exactly when the build says so. GOFLAGS is set to
// -buildvcs=auto (go build's default) so that a -buildvcs=false in the
// machine's go env does not hide the stamp. It then checks where the
// process prints help and usage errors, and its exit codes.
func TestPlainBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary; skipped with -short")
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("no go command on PATH: %v", err)
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skipf("no git on PATH: %v", err)
	}
	head := func() string {
		out, err := exec.CommandContext(t.Context(), "git", "rev-parse", "HEAD").Output()
		if err != nil {
			t.Skipf("not a git checkout: %v", err)
		}
		return strings.TrimSpace(string(out))
	}
	before := head()
	bin := filepath.Join(t.TempDir(), "feedsift")
	build := exec.CommandContext(t.Context(), goCmd, "build", "-o", bin, ".")
	build.Env = append(os.Environ(), "GOFLAGS=-buildvcs=auto")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	after := head() // another commit may land while the binary builds

	meta, err := exec.CommandContext(t.Context(), goCmd, "version", "-m", bin).CombinedOutput()
	if err != nil {
		t.Fatalf("go version -m: %v\n%s", err, meta)
	}
	setting := func(key string) string {
		for l := range strings.SplitSeq(string(meta), "\n") {
			if f := strings.Fields(l); len(f) == 2 && f[0] == "build" && strings.HasPrefix(f[1], key+"=") {
				return strings.TrimPrefix(f[1], key+"=")
			}
		}
		return ""
	}
	rev := setting("vcs.revision")
	if rev != before && rev != after {
		t.Fatalf("go build stamped vcs.revision %q, want HEAD %s:\n%s", rev, before, meta)
	}
	var lines []string
	for _, arg := range []string{"version", "--version"} {
		out, err := exec.CommandContext(t.Context(), bin, arg).CombinedOutput()
		if err != nil {
			t.Fatalf("feedsift %s: %v\n%s", arg, err, out)
		}
		lines = append(lines, string(out))
	}
	if lines[0] != lines[1] {
		t.Errorf("feedsift --version printed %q, feedsift version %q", lines[1], lines[0])
	}
	got := lines[0]
	commit := "(commit " + rev[:12]
	if setting("vcs.modified") == "true" {
		commit += ", modified, "
	} else {
		commit += ", "
	}
	for _, want := range []string{commit, setting("vcs.time"), "go1."} {
		if !strings.Contains(got, want) {
			t.Errorf("feedsift version printed %q, want %q in it", got, want)
		}
	}
	if strings.Contains(got, "no vcs info") {
		t.Errorf("feedsift version printed %q for a go build in a git checkout", got)
	}

	// The process's streams and exit codes: help asked for goes to stdout
	// with 0 (so "feedsift stories -h | less" shows it), a usage error to
	// stderr with 2.
	for _, tc := range []struct {
		args               []string
		code               int
		wantOut, wantErr   string
		emptyOut, emptyErr bool
	}{
		{args: []string{"stories", "-h"}, wantOut: "SYNOPSIS\n    feedsift stories", emptyErr: true},
		{args: []string{"help", "feeds", "add"}, wantOut: "NAME\n    feedsift feeds add - ", emptyErr: true},
		{args: []string{"stories", "--colour"}, code: 2, wantErr: "flag provided but not defined: -colour", emptyOut: true},
		{args: []string{"help", "serve"}, code: 2, wantErr: `feedsift: usage: help: unknown command "serve"`, emptyOut: true},
	} {
		cmd := exec.CommandContext(t.Context(), bin, tc.args...)
		var stdout, stderr strings.Builder
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		code := 0
		if exit := (*exec.ExitError)(nil); errors.As(err, &exit) {
			code = exit.ExitCode()
		} else if err != nil {
			t.Fatalf("feedsift %s: %v", tc.args, err)
		}
		if code != tc.code || !strings.Contains(stdout.String(), tc.wantOut) || !strings.Contains(stderr.String(), tc.wantErr) ||
			(tc.emptyOut && stdout.Len() > 0) || (tc.emptyErr && stderr.Len() > 0) {
			t.Errorf("feedsift %s: exit %d, stdout %q, stderr %q; want exit %d, %q on stdout, %q on stderr",
				tc.args, code, stdout.String(), stderr.String(), tc.code, tc.wantOut, tc.wantErr)
		}
	}
}
