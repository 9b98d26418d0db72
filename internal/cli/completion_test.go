package cli_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestCompletionBash loads the bash script into a real bash and completes
// a command name and a flag. The flag list comes from "feedsift run -h",
// which a stand-in feedsift program prints here from the real help text.
func TestCompletionBash(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skipf("no bash: %v", err)
	}
	dir := t.TempDir()
	script := filepath.Join(dir, "feedsift.bash")
	writeCorpusFile(t, script, []byte(mustRun(t, "completion", "bash")))
	help := run(t, "run", "-h")
	if !strings.Contains(help.stderr, "-config") {
		t.Fatalf("run -h printed no -config flag:\n%s", help.stderr)
	}
	writeCorpusFile(t, filepath.Join(dir, "help.txt"), []byte(help.stderr))
	stub := filepath.Join(dir, "feedsift")
	writeCorpusFile(t, stub, []byte("#!/bin/sh\ncat "+filepath.Join(dir, "help.txt")+" >&2\n"))
	if err := os.Chmod(stub, 0o755); err != nil {
		t.Fatal(err)
	}
	complete := func(words ...string) string {
		t.Helper()
		cmd := exec.CommandContext(t.Context(), bash, "-c", `source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _feedsift; echo "${COMPREPLY[*]}"`,
			"bash", script, stub)
		cmd.Args = append(cmd.Args, words...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("bash: %v\n%s", err, out)
		}
		return strings.TrimSpace(string(out))
	}
	if got := complete("st"); got != "stories" {
		t.Errorf("completing %q gave %q, want stories", "st", got)
	}
	if got := complete("run", "--con"); got != "--config" {
		t.Errorf("completing run --con gave %q, want --config", got)
	}
}

func TestCompletionShells(t *testing.T) {
	for _, tc := range []struct{ shell, want string }{
		{"bash", "complete -F _feedsift feedsift"},
		{"zsh", "'stories:list stories from the local store'"},
		{"fish", "-a completion -d 'print a shell completion script (bash, zsh or fish)'"},
	} {
		t.Run(tc.shell, func(t *testing.T) {
			out := mustRun(t, "completion", tc.shell)
			if !strings.Contains(out, tc.want) {
				t.Errorf("completion %s: no %q in:\n%s", tc.shell, tc.want, out)
			}
			if strings.Contains(out, "%!") {
				t.Errorf("completion %s: formatting error in:\n%s", tc.shell, out)
			}
		})
	}
	if r := run(t, "completion", "tcsh"); r.err == nil {
		t.Error("completion tcsh succeeded")
	}
}
