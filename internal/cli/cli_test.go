package cli_test

import (
	"errors"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/feedsift/feedsift/internal/cli"
)

func TestVersion(t *testing.T) {
	r := run(t, "version")
	if r.err != nil {
		t.Fatalf("version: %v", r.err)
	}
	// A test binary has no version stamped and no VCS information; the Go
	// version and platform are always there.
	want := "feedsift dev (" + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH + ")\n"
	if r.stdout != want {
		t.Errorf("version printed %q, want %q", r.stdout, want)
	}
}

// TestCommandLine checks how command lines that do not start any work are
// answered: what is printed where, and the exit code.
func TestCommandLine(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		args       []string
		wantCode   int    // 0: no error
		wantStdout string // substring
		wantStderr string // substring
		wantErr    string // substring of the error
	}{
		{name: "no command", args: nil, wantCode: 2, wantStderr: "Commands:", wantErr: "no command given"},
		{name: "unknown command", args: []string{"serve"}, wantCode: 2, wantStderr: "Commands:", wantErr: `unknown command "serve"`},
		{name: "help", args: []string{"help"}, wantStdout: "  stories  list stories from the local store"},
		{name: "--help", args: []string{"--help"}, wantStdout: "Commands:"},
		{name: "run -h", args: []string{"run", "-h"}, wantStderr: "-config"},
		{name: "stories -h", args: []string{"stories", "-h"}, wantStderr: "-topic"},
		{name: "tail --help", args: []string{"tail", "--help"}, wantStderr: "-dupes"},
		{name: "version -h", args: []string{"version", "-h"}, wantStderr: "SYNOPSIS\n    feedsift version\n"},
		{name: "unknown flag", args: []string{"stories", "--colour"}, wantCode: 2, wantStderr: "-colour", wantErr: "flag provided but not defined"},
		{name: "bad flag value", args: []string{"stories", "--limit", "many"}, wantCode: 2, wantErr: "invalid value"},
		{name: "stray run argument", args: []string{"run", "my.toml"}, wantCode: 2, wantErr: `"my.toml"`},
		{name: "tail --all --since", args: []string{"tail", "--all", "--since", "1h"}, wantCode: 2, wantErr: "exclude each other"},
		{name: "tail bad --since", args: []string{"tail", "--since", "last week"}, wantCode: 2, wantErr: `"last week"`},
		{name: "stories bad --since", args: []string{"stories", "--since", "soon"}, wantCode: 2, wantErr: `bad since "soon"`},
		{name: "stories bad --topic", args: []string{"stories", "--topic", "world.>"}, wantCode: 2, wantErr: "--topic"},
		{name: "dupes negative --limit", args: []string{"dupes", "--limit", "-3"}, wantCode: 2, wantErr: "--limit -3"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, tc.args...)
			if tc.wantCode == 0 {
				if r.err != nil {
					t.Fatalf("feedsift %q: %v", tc.args, r.err)
				}
			} else {
				if r.err == nil {
					t.Fatalf("feedsift %q succeeded, want exit code %d", tc.args, tc.wantCode)
				}
				if got := cli.ExitCode(r.err); got != tc.wantCode {
					t.Errorf("ExitCode(%v) = %d, want %d", r.err, got, tc.wantCode)
				}
				if !strings.Contains(r.err.Error(), tc.wantErr) {
					t.Errorf("error %q does not contain %q", r.err, tc.wantErr)
				}
			}
			if !strings.Contains(r.stdout, tc.wantStdout) {
				t.Errorf("stdout %q does not contain %q", r.stdout, tc.wantStdout)
			}
			if !strings.Contains(r.stderr, tc.wantStderr) {
				t.Errorf("stderr %q does not contain %q", r.stderr, tc.wantStderr)
			}
		})
	}
}

func TestExitCode(t *testing.T) {
	tests := []struct {
		err  error
		want int
	}{
		{cli.ErrUsage, 2},
		{errors.Join(errors.New("parse"), cli.ErrUsage), 2},
		{errors.New("store read failed"), 1},
	}
	for _, tc := range tests {
		if got := cli.ExitCode(tc.err); got != tc.want {
			t.Errorf("ExitCode(%v) = %d, want %d", tc.err, got, tc.want)
		}
	}
}

// TestRunConfigErrors checks "run" refuses a configuration it cannot use
// before it starts anything, naming what is wrong.
func TestRunConfigErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.toml")
	typo := filepath.Join(dir, "typo.toml")
	writeFile(t, typo, "data_dir = \"./data\"\n[fetch]\ntimout = \"20s\"\n")
	invalid := filepath.Join(dir, "invalid.toml")
	writeFile(t, invalid, "[poll]\ninterval = \"10ms\"\n")
	broken := filepath.Join(dir, "broken.toml")
	writeFile(t, broken, "[fetch\n")

	tests := []struct {
		name string
		path string
		want []string
	}{
		{"missing file", missing, []string{missing, "no such file", "config.example.toml"}},
		{"typo'd key", typo, []string{typo, "fetch.timout: unknown key"}},
		{"invalid value", invalid, []string{invalid, "poll.interval"}},
		{"not TOML", broken, []string{broken}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, "run", "--config", tc.path)
			if r.err == nil {
				t.Fatal("run succeeded, want a configuration error")
			}
			if got := cli.ExitCode(r.err); got != 1 {
				t.Errorf("ExitCode = %d, want 1", got)
			}
			for _, w := range tc.want {
				if !strings.Contains(r.err.Error(), w) {
					t.Errorf("error %q does not contain %q", r.err, w)
				}
			}
		})
	}
}

// TestManualPages checks that every command's -h prints a man-style page:
// NAME with a summary, SYNOPSIS, FLAGS when it has flags, and EXAMPLES for
// the commands people type most.
func TestManualPages(t *testing.T) {
	list := mustRun(t, "help")
	var names []string
	inCommands := false
	for l := range strings.SplitSeq(list, "\n") {
		if strings.HasPrefix(l, "Commands:") {
			inCommands = true
			continue
		}
		if f := strings.Fields(l); inCommands && len(f) > 1 && strings.HasPrefix(l, "  ") {
			names = append(names, f[0])
		}
	}
	if len(names) < 8 {
		t.Fatalf("help listed %d commands, want at least 8:\n%s", len(names), list)
	}
	for _, name := range names {
		args := []string{name, "-h"}
		if name == "eval" {
			args = []string{"eval", "extract", "-h"}
		}
		t.Run(strings.Join(args[:len(args)-1], " "), func(t *testing.T) {
			r := run(t, args...)
			if r.err != nil {
				t.Fatalf("%v", r.err)
			}
			for _, want := range []string{"NAME\n    feedsift " + strings.Join(args[:len(args)-1], " ") + " - ", "\nSYNOPSIS\n    feedsift "} {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("no %q in:\n%s", want, r.stderr)
				}
			}
			switch name {
			case "run", "tail", "stories", "dupes", "extract", "eval":
				for _, want := range []string{"\nFLAGS\n", "\nEXAMPLES\n"} {
					if !strings.Contains(r.stderr, want) {
						t.Errorf("no %q in:\n%s", want, r.stderr)
					}
				}
			}
		})
	}
}
