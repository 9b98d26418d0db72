package cli_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// cmdline is a command or subcommand path with the flags and subcommands
// its manual lists.
type cmdline struct {
	path  []string // "feeds", "add"
	flags []string // "--topic", "-v"
	subs  []string // "list", "add", ...
}

var (
	flagLine = regexp.MustCompile(`^    (--?[A-Za-z0-9][A-Za-z0-9-]*)`)
	subLine  = regexp.MustCompile(`^    feedsift (\S+) ([a-z]+)\b`)
)

// commandLines reads every command and subcommand, with its flags, from
// what the CLI prints: the command list of "help", then each "CMD -h" and
// "CMD SUB -h". The completion scripts are checked against this, not
// against the table they are generated from.
func commandLines(t *testing.T) []cmdline {
	t.Helper()
	var out []cmdline
	manual := func(path ...string) cmdline {
		page := mustRun(t, append(slices.Clone(path), "-h")...)
		c := cmdline{path: path}
		section := ""
		for l := range strings.SplitSeq(page, "\n") {
			if l != "" && !strings.HasPrefix(l, " ") {
				section = l
				continue
			}
			switch section {
			case "FLAGS":
				if m := flagLine.FindStringSubmatch(l); m != nil {
					c.flags = append(c.flags, m[1])
				}
			case "SUBCOMMANDS":
				if m := subLine.FindStringSubmatch(l); m != nil && len(path) == 1 && m[1] == path[0] {
					c.subs = append(c.subs, m[2])
				}
			}
		}
		return c
	}
	for _, name := range commandNames(t) {
		c := manual(name)
		out = append(out, c)
		for _, sub := range c.subs {
			out = append(out, manual(name, sub))
		}
	}
	return out
}

// commandNames returns the commands "feedsift help" lists.
func commandNames(t *testing.T) []string {
	t.Helper()
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
	if len(names) < 10 {
		t.Fatalf("help listed %d commands, want at least 10:\n%s", len(names), list)
	}
	return names
}

// completer completes command lines with one shell loaded with the
// generated script: each line is "feedsift WORD... CUR" as typed before
// pressing tab, and the answer is the sorted candidates.
type completer func(t *testing.T, lines []string) [][]string

// completionDir is a working directory holding one file, feeds.opml, the
// only file name a shell can offer there.
func completionDir(t *testing.T) string {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "feeds.opml"), "<opml/>\n")
	return dir
}

// words splits a typed line into the shells' words; a trailing space
// starts an empty word.
func words(line string) []string {
	w := strings.Fields(line)
	if strings.HasSuffix(line, " ") {
		w = append(w, "")
	}
	return w
}

// bashCompleter drives the script's _feedsift function the way bash's
// programmable completion does: COMP_WORDS and COMP_CWORD set, COMPREPLY
// read back. One bash runs every line.
func bashCompleter(t *testing.T, script, dir string) completer {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skipf("no bash: %v", err)
	}
	return func(t *testing.T, lines []string) [][]string {
		var b strings.Builder
		fmt.Fprintf(&b, "source %q\n", script)
		for _, l := range lines {
			w := words(l)
			b.WriteString("COMP_WORDS=(")
			for _, x := range w {
				fmt.Fprintf(&b, "%q ", x)
			}
			fmt.Fprintf(&b, "); COMP_CWORD=%d; COMPREPLY=(); _feedsift; printf '%%s\\n' \"${COMPREPLY[@]}\"; echo '<end>'\n", len(w)-1)
		}
		return runShell(t, dir, lines, exec.CommandContext(t.Context(), bash, "--norc", "-c", b.String()))
	}
}

// zshCompleter calls the script's _feedsift function in a real zsh with
// words and CURRENT set as the completion system sets them, and with
// _describe and _files standing in for the completion system's: they
// print the candidates that start with the word being completed. compdef
// is a no-op, as without compinit.
func zshCompleter(t *testing.T, script, dir string) completer {
	zsh, err := exec.LookPath("zsh")
	if err != nil {
		t.Skipf("no zsh (apt-get install zsh): %v", err)
	}
	return func(t *testing.T, lines []string) [][]string {
		var b strings.Builder
		b.WriteString(`compdef() { }
_describe() {
	local x out=()
	for x in ${(P)2}; do x=${x%%:*}; x=${x//\\:/:}; [[ $x == ${words[CURRENT]}* ]] && out+=($x); done
	print -r -- "${(j: :)out}"
}
_files() { local f=(${words[CURRENT]}*(N)); print -r -- "${(j: :)f}" }
`)
		fmt.Fprintf(&b, "source %q\n", script)
		for _, l := range lines {
			w := words(l)
			b.WriteString("words=(")
			for _, x := range w {
				fmt.Fprintf(&b, "%q ", x)
			}
			fmt.Fprintf(&b, "); CURRENT=%d; _feedsift; print -r -- '<end>'\n", len(w))
		}
		return runShell(t, dir, lines, exec.CommandContext(t.Context(), zsh, "-f", "-c", b.String()))
	}
}

// fishCompleter asks a real fish, with the script loaded, for the
// completions of each line (complete -C), as it computes them on tab.
func fishCompleter(t *testing.T, script, dir string) completer {
	fish, err := exec.LookPath("fish")
	if err != nil {
		t.Skipf("no fish (apt-get install fish): %v", err)
	}
	return func(t *testing.T, lines []string) [][]string {
		var b strings.Builder
		fmt.Fprintf(&b, "source %s\n", fishString(script))
		for _, l := range lines {
			fmt.Fprintf(&b, "complete -C %s | string replace -r '\\t.*' ''; echo '<end>'\n", fishString(l))
		}
		cmd := exec.CommandContext(t.Context(), fish, "--no-config", "-c", b.String())
		cmd.Env = append(os.Environ(), "HOME="+t.TempDir()) // no user completions or history
		return runShell(t, dir, lines, cmd)
	}
}

func fishString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// runShell runs cmd in dir. Its output holds one answer per line asked:
// candidates separated by white space, then a line "<end>" (a shell that
// offers nothing prints nothing else).
func runShell(t *testing.T, dir string, lines []string, cmd *exec.Cmd) [][]string {
	t.Helper()
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", cmd.Path, err, out)
	}
	var got [][]string
	var cur []string
	for l := range strings.SplitSeq(string(out), "\n") {
		if l == "<end>" {
			slices.Sort(cur)
			got = append(got, cur)
			cur = nil
			continue
		}
		cur = append(cur, strings.Fields(l)...)
	}
	if len(got) != len(lines) {
		t.Fatalf("%s answered %d lines, want %d:\n%s", cmd.Path, len(got), len(lines), out)
	}
	return got
}

// TestCompletion loads each shell's script into that shell and completes
// at every level: commands, subcommands and first-argument choices,
// every command's and subcommand's flags (all of them, as their manuals
// list them), flag values and file arguments.
func TestCompletion(t *testing.T) {
	dir := completionDir(t)
	lines := commandLines(t)
	var names []string
	for _, c := range lines {
		if len(c.path) == 1 {
			names = append(names, c.path[0])
		}
	}
	subsOf := func(name string) []string {
		for _, c := range lines {
			if len(c.path) == 1 && c.path[0] == name {
				return c.subs
			}
		}
		t.Fatalf("no command %s", name)
		return nil
	}
	type tc struct {
		line string
		want []string
	}
	tests := []tc{
		{"feedsift st", []string{"stories"}},
		{"feedsift ", names},
		{"feedsift feeds ", []string{"add", "export", "import", "list", "remove"}},
		{"feedsift dupes s", []string{"split"}},
		{"feedsift dupes ", []string{"keep", "merge", "split"}},
		{"feedsift eval ", []string{"dedupe", "extract"}},
		{"feedsift completion ", []string{"bash", "fish", "zsh"}},
		{"feedsift help ", names},
		{"feedsift help fe", []string{"feeds"}},
		{"feedsift help feeds ", []string{"add", "export", "import", "list", "remove"}},
		{"feedsift help eval e", []string{"extract"}},
		{"feedsift feeds add --to", []string{"--topic"}},
		{"feedsift feeds add https://example.com/feed.xml --int", []string{"--interval"}},
		{"feedsift run --con", []string{"--config"}},
		{"feedsift run --config ", []string{"feeds.opml"}},
		{"feedsift eval dedupe --out ", []string{"feeds.opml"}},
		{"feedsift extract ", []string{"feeds.opml"}},
		{"feedsift feeds import ", []string{"feeds.opml"}},
		{"feedsift feeds import --topic ", nil},
		{"feedsift stories --topic ", nil},
		{"feedsift version ", nil},
		{"feedsift tail ", nil},
		{"feedsift feeds remove ", nil},
	}
	// Every command and subcommand: "-" offers exactly the flags of its
	// manual.
	for _, c := range lines {
		want := slices.Clone(c.flags)
		slices.Sort(want)
		tests = append(tests, tc{"feedsift " + strings.Join(c.path, " ") + " -", want})
		if len(c.subs) > 0 && !slices.Equal(c.subs, subsOf(c.path[0])) {
			t.Fatalf("%s: subcommands %q", c.path[0], c.subs)
		}
	}
	if n := len(lines) - len(names); n < 9 {
		t.Errorf("the manuals list %d subcommands, want at least 9 (feeds 5, dupes 2, eval 2)", n)
	}
	in := make([]string, len(tests))
	for i, tc := range tests {
		in[i] = tc.line
	}
	for _, shell := range []struct {
		name string
		new  func(t *testing.T, script, dir string) completer
	}{{"bash", bashCompleter}, {"zsh", zshCompleter}, {"fish", fishCompleter}} {
		t.Run(shell.name, func(t *testing.T) {
			script := filepath.Join(t.TempDir(), "feedsift."+shell.name)
			writeFile(t, script, mustRun(t, "completion", shell.name))
			complete := shell.new(t, script, dir)
			got := complete(t, in)
			for i, tc := range tests {
				want := slices.Clone(tc.want)
				slices.Sort(want)
				if !slices.Equal(got[i], want) {
					t.Errorf("%s: %q offers %q, want %q", shell.name, tc.line, got[i], want)
				}
			}
		})
	}
}

// TestCompletionScripts checks what is printed besides the scripts: each
// parses in its shell when the shell is installed, and an unknown shell
// is a usage error.
func TestCompletionScripts(t *testing.T) {
	for _, tc := range []struct{ shell, want string }{
		{"bash", "complete -F _feedsift feedsift"},
		{"zsh", "#compdef feedsift"},
		{"fish", "complete -c feedsift -n __fish_use_subcommand -a completion -d 'print a shell completion script (bash, zsh or fish)'"},
	} {
		t.Run(tc.shell, func(t *testing.T) {
			out := mustRun(t, "completion", tc.shell)
			if !strings.Contains(out, tc.want) {
				t.Errorf("completion %s: no %q in:\n%s", tc.shell, tc.want, out)
			}
			if strings.Contains(out, "%!") {
				t.Errorf("completion %s: formatting error in:\n%s", tc.shell, out)
			}
			sh, err := exec.LookPath(tc.shell)
			if err != nil {
				t.Skipf("no %s to parse the script: %v", tc.shell, err)
			}
			script := filepath.Join(t.TempDir(), "feedsift."+tc.shell)
			writeFile(t, script, out)
			if msg, err := exec.CommandContext(t.Context(), sh, "-n", script).CombinedOutput(); err != nil {
				t.Errorf("%s -n: %v\n%s", tc.shell, err, msg)
			}
		})
	}
	r := run(t, "completion", "tcsh")
	if r.err == nil || !strings.Contains(r.err.Error(), `unknown shell "tcsh"`) || !strings.Contains(r.stderr, "SYNOPSIS") || r.stdout != "" {
		t.Errorf("completion tcsh: err %v, stdout %q, stderr %q; want a usage error with the manual on stderr", r.err, r.stdout, r.stderr)
	}
}
