package cli_test

import (
	"errors"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"testing"

	"github.com/feedsift/feedsift/internal/cli"
)

func TestVersion(t *testing.T) {
	// A test binary, like one from "go run", has no version stamped and
	// no VCS information; the line says so. The Go version and platform
	// are always there.
	want := "feedsift dev (no vcs info: built by go run or go test, or with -buildvcs=false, " +
		runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH + ")\n"
	for _, args := range [][]string{{"version"}, {"--version"}, {"-version"}} {
		r := run(t, args...)
		if r.err != nil {
			t.Fatalf("%s: %v", args, r.err)
		}
		if r.stdout != want || r.stderr != "" {
			t.Errorf("%s printed %q on stdout and %q on stderr, want %q on stdout", args, r.stdout, r.stderr, want)
		}
	}
}

// TestFormatVersion checks the version line for the build information a
// release build, a go build in a git checkout (clean or not), go install
// and go run leave.
func TestFormatVersion(t *testing.T) {
	vcs := func(modified string) []debug.BuildSetting {
		return []debug.BuildSetting{
			{Key: "-trimpath", Value: "true"},
			{Key: "vcs", Value: "git"},
			{Key: "vcs.revision", Value: "da2ce04f0f9b4b8e1f2a3c4d5e6f708192a3b4c5"},
			{Key: "vcs.time", Value: "2026-11-24T19:43:33Z"},
			{Key: "vcs.modified", Value: modified},
		}
	}
	tests := []struct {
		name    string
		version string
		bi      debug.BuildInfo
		want    string
	}{
		{"release", "v1.2.3", debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}, Settings: vcs("false")},
			"feedsift v1.2.3 (commit da2ce04f0f9b, 2026-11-24T19:43:33Z, go1.26.8 linux/amd64)"},
		{"go build, clean tree", "dev", debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.0.0-20261124194333-da2ce04f0f9b"}, Settings: vcs("false")},
			"feedsift v0.0.0-20261124194333-da2ce04f0f9b (commit da2ce04f0f9b, 2026-11-24T19:43:33Z, go1.26.8 linux/amd64)"},
		{"go build, modified tree", "dev", debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.0.0-20261124194333-da2ce04f0f9b+dirty"}, Settings: vcs("true")},
			"feedsift v0.0.0-20261124194333-da2ce04f0f9b+dirty (commit da2ce04f0f9b, modified, 2026-11-24T19:43:33Z, go1.26.8 linux/amd64)"},
		{"go install from the proxy", "dev", debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.4.0"}},
			"feedsift v1.4.0 (no vcs info: built by go run or go test, or with -buildvcs=false, go1.26.8 linux/amd64)"},
		{"go run", "dev", debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}},
			"feedsift dev (no vcs info: built by go run or go test, or with -buildvcs=false, go1.26.8 linux/amd64)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := cli.FormatVersion(tc.version, &tc.bi, "linux/amd64"); got != tc.want {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
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
		{name: "help", args: []string{"help"}, wantStdout: "  stories     list stories from the local store"},
		{name: "--help", args: []string{"--help"}, wantStdout: "Commands:"},
		{name: "-h", args: []string{"-h"}, wantStdout: "Commands:"},
		{name: "help stories", args: []string{"help", "stories"}, wantStdout: "NAME\n    feedsift stories - "},
		{name: "--help stories", args: []string{"--help", "stories"}, wantStdout: "NAME\n    feedsift stories - "},
		{name: "help feeds add", args: []string{"help", "feeds", "add"}, wantStdout: "NAME\n    feedsift feeds add - "},
		{name: "help eval", args: []string{"help", "eval"}, wantStdout: "\nSUBCOMMANDS\n    feedsift eval extract "},
		{name: "help unknown command", args: []string{"help", "serve"}, wantCode: 2, wantStderr: "Commands:", wantErr: `help: unknown command "serve"`},
		{name: "help unknown subcommand", args: []string{"help", "feeds", "rename"}, wantCode: 2, wantErr: `feeds has no subcommand "rename"`},
		{name: "help extra argument", args: []string{"help", "feeds", "add", "more"}, wantCode: 2, wantErr: `unexpected argument "more"`},
		{name: "run -h", args: []string{"run", "-h"}, wantStdout: "--config"},
		{name: "stories -h", args: []string{"stories", "-h"}, wantStdout: "--topic"},
		{name: "stories --help", args: []string{"stories", "--help"}, wantStdout: "published"},
		{name: "tail --help", args: []string{"tail", "--help"}, wantStdout: "--dupes"},
		{name: "version -h", args: []string{"version", "-h"}, wantStdout: "SYNOPSIS\n    feedsift version\n"},
		{name: "eval -h", args: []string{"eval", "-h"}, wantStdout: "--procs"},
		{name: "eval extract -h", args: []string{"eval", "extract", "-h"}, wantStdout: "--compare"},
		{name: "dupes split -h", args: []string{"dupes", "split", "-h"}, wantStdout: "EXAMPLES"},
		{name: "dupes merge --help", args: []string{"dupes", "merge", "--help"}, wantStdout: "EXAMPLES"},
		{name: "feeds add -h", args: []string{"feeds", "add", "-h"}, wantStdout: "--topic"},
		{name: "-h after arguments", args: []string{"extract", "page.html", "-h"}, wantStdout: "--format"},
		{name: "--version", args: []string{"--version"}, wantStdout: "feedsift dev ("},
		{name: "version extra argument", args: []string{"version", "now"}, wantCode: 2, wantErr: `unexpected argument "now"`},
		{name: "unknown flag", args: []string{"stories", "--colour"}, wantCode: 2, wantStderr: "-colour", wantErr: "flag provided but not defined"},
		{name: "unknown flag shows the manual", args: []string{"stories", "--colour"}, wantCode: 2, wantStderr: "SYNOPSIS\n    feedsift stories", wantErr: "-colour"},
		{name: "bad flag value", args: []string{"stories", "--limit", "many"}, wantCode: 2, wantErr: "invalid value"},
		{name: "stray run argument", args: []string{"run", "my.toml"}, wantCode: 2, wantErr: `"my.toml"`},
		{name: "eval alone", args: []string{"eval"}, wantCode: 2, wantStderr: "SUBCOMMANDS", wantErr: "want a subcommand: extract or dedupe"},
		{name: "eval unknown", args: []string{"eval", "speed"}, wantCode: 2, wantStderr: "SUBCOMMANDS", wantErr: `unknown subcommand "speed"`},
		{name: "dupes split one argument", args: []string{"dupes", "split", "9f3a0c"}, wantCode: 2, wantStderr: "SYNOPSIS\n    feedsift dupes split STORY MEMBER", wantErr: "takes 2 arguments"},
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
			// Help asked for goes to stdout only; a usage error prints
			// on stderr only.
			if tc.wantCode == 0 && r.stderr != "" {
				t.Errorf("stderr %q, want nothing", r.stderr)
			}
			if tc.wantCode != 0 && r.stdout != "" {
				t.Errorf("stdout %q, want nothing", r.stdout)
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

// TestManualPages checks that every command's and subcommand's -h prints
// a man-style page on stdout: NAME with a summary, SYNOPSIS, FLAGS when it
// has flags, and EXAMPLES for all but the simplest.
func TestManualPages(t *testing.T) {
	for _, c := range commandLines(t) {
		path := strings.Join(c.path, " ")
		t.Run(path, func(t *testing.T) {
			r := run(t, append(slices.Clone(c.path), "-h")...)
			if r.err != nil {
				t.Fatalf("%v", r.err)
			}
			if r.stderr != "" {
				t.Errorf("-h printed on stderr: %q", r.stderr)
			}
			want := []string{"NAME\n    feedsift " + path + " - ", "\nSYNOPSIS\n    feedsift " + path}
			if len(c.flags) > 0 {
				want = append(want, "\nFLAGS\n")
			}
			switch path {
			case "feeds remove", "feeds export", "version", "completion", "help":
			default:
				want = append(want, "\nEXAMPLES\n")
			}
			for _, w := range want {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("no %q in:\n%s", w, r.stdout)
				}
			}
			if strings.Contains(r.stdout, " - \n") {
				t.Errorf("an empty summary in:\n%s", r.stdout)
			}
			if h := mustRun(t, append([]string{"help"}, c.path...)...); h != r.stdout {
				t.Errorf("help %s differs from %s -h:\n%s", path, path, h)
			}
		})
	}
}

// TestHelpGolden compares the help texts of the commands this package
// documents in full with testdata/help/*.golden; run with -update after a
// deliberate change.
func TestHelpGolden(t *testing.T) {
	t.Setenv("FEEDSIFT_SHARED", "") // the corpus defaults in eval's flags
	for _, args := range [][]string{
		{"help"},
		{"eval", "-h"},
		{"eval", "extract", "-h"},
		{"eval", "dedupe", "-h"},
		{"dupes", "-h"},
		{"dupes", "split", "-h"},
		{"dupes", "merge", "-h"},
		{"dupes", "keep", "-h"},
		{"stories", "-h"},
		{"version", "-h"},
		{"completion", "-h"},
		{"help", "-h"},
	} {
		name := strings.Join(slices.DeleteFunc(slices.Clone(args), func(a string) bool { return a == "-h" }), "_")
		if len(args) == 1 {
			name = "commands" // the list "help" prints
		}
		t.Run(name, func(t *testing.T) {
			golden(t, filepath.Join("help", name+".golden"), mustRun(t, args...))
		})
	}
}
