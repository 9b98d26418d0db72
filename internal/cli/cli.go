package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
)

// Version is the version printed by "feedsift version"; release builds set
// it with -ldflags "-X github.com/feedsift/feedsift/internal/cli.Version=v1.2.3".
var Version = "dev"

// ErrUsage marks a command line that could not be understood.
var ErrUsage = errors.New("usage")

// ExitCode maps an error from Run to a process exit code: 2 for usage
// errors, 1 for everything else.
func ExitCode(err error) int {
	if errors.Is(err, ErrUsage) || errors.Is(err, flag.ErrHelp) {
		return 2
	}
	return 1
}

// command is one entry of the command table: the command list of "help",
// the dispatch of Run and the completion scripts all read it.
type command struct {
	name, summary string
	run           func(ctx context.Context, args []string, stdout, stderr io.Writer) error
	// subs are the subcommands, each with its own flags and manual
	// ("feeds add"); words are the choices of the first argument that are
	// not subcommands ("completion bash").
	subs, words []string
}

func commands() []command {
	return []command{
		{name: "run", summary: "run the daemon: poll feeds, publish stories on NATS", run: runDaemon},
		{name: "demo", summary: "run the daemon against a built-in loopback feed farm and show what it did", run: runDemo},
		{name: "tail", summary: "print stories from NATS as they arrive", run: runTail},
		{name: "stories", summary: "list stories from the local store", run: runStories},
		{name: "dupes", summary: "show the dedupe report: stories and the copies merged into them", run: runDupes, subs: []string{"split", "merge", "keep"}},
		{name: "extract", summary: "print the main text of saved or fetched pages (text, json or jsonl)", run: runExtract},
		{name: "eval", summary: "score the extractor or the deduplicator on the shared corpora", run: runEval, subs: []string{"extract", "dedupe"}},
		{name: "reextract", summary: "extract the kept pages again after rules changed; publish what changed", run: runReextract},
		{name: "discover", summary: "find the feeds a web site offers", run: runDiscover},
		{name: "feeds", summary: "add, remove, list, import and export the feeds polled, live or in the store", run: runFeeds,
			subs: []string{"list", "add", "remove", "import", "export"}},
		{name: "completion", summary: "print a shell completion script (bash, zsh or fish)", run: runCompletion, words: []string{"bash", "zsh", "fish"}},
		{name: "version", summary: "print the version", run: runVersion},
		{name: "help", summary: "print the command list, or a command's manual (help COMMAND [SUBCOMMAND])", run: runHelp},
	}
}

// lookup returns the command named name.
func lookup(name string) (command, bool) {
	for _, c := range commands() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// Run runs the command named by args[0]. Help that was asked for (-h,
// --help, "help") is printed on stdout and is no error; a command line
// that cannot be understood prints the usage on stderr and returns an
// error wrapping ErrUsage.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		usage(stderr)
		return fmt.Errorf("%w: no command given", ErrUsage)
	}
	switch args[0] {
	case "-h", "-help", "--help":
		args = append([]string{"help"}, args[1:]...)
	case "-version", "--version":
		args = append([]string{"version"}, args[1:]...)
	}
	c, ok := lookup(args[0])
	if !ok {
		usage(stderr)
		return fmt.Errorf("%w: unknown command %q", ErrUsage, args[0])
	}
	err := c.run(ctx, args[1:], stdout, stderr)
	var h *helpRequest
	if errors.As(err, &h) {
		_, err = io.WriteString(stdout, h.manual)
		return err
	}
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return err
}

func usage(w io.Writer) {
	var b strings.Builder
	b.WriteString("feedsift turns news feeds into clean, deduplicated stories on NATS.\n\nUsage:\n  feedsift <command> [flags]\n\nCommands:\n")
	width := 0
	for _, c := range commands() {
		width = max(width, len(c.name))
	}
	for _, c := range commands() {
		fmt.Fprintf(&b, "  %-*s  %s\n", width, c.name, c.summary)
	}
	b.WriteString("\nRun \"feedsift help <command>\" (or \"feedsift <command> -h\") for a command's manual.\n")
	fmt.Fprint(w, b.String())
}

// runHelp is "feedsift help [COMMAND [SUBCOMMAND]]".
func runHelp(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("help", "help [COMMAND [SUBCOMMAND]]\n\nWith no command, the list of commands; else the command's manual, as\n\"feedsift COMMAND -h\" prints it, on standard output.", stderr)
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		usage(stdout)
		return nil
	}
	c, ok := lookup(pos[0])
	if !ok {
		usage(stderr)
		return fmt.Errorf("%w: help: unknown command %q", ErrUsage, pos[0])
	}
	rest := pos[1:]
	if len(rest) > 0 && !slices.Contains(c.subs, rest[0]) {
		return fmt.Errorf("%w: help: %s has no subcommand %q", ErrUsage, c.name, rest[0])
	}
	if len(rest) > 1 {
		return fmt.Errorf("%w: help: unexpected argument %q", ErrUsage, rest[1])
	}
	return c.run(ctx, append(rest, "-h"), stdout, stderr)
}

// helpRequest is what parseFlags returns when the command line asks for
// the manual (-h, --help): Run prints it on stdout and exits with 0.
type helpRequest struct {
	fs     *flag.FlagSet
	manual string
}

func (h *helpRequest) Error() string { return "help requested for " + h.fs.Name() }
func (h *helpRequest) Unwrap() error { return flag.ErrHelp }

// newFlagSet returns the flag set of a command. Its Usage prints the
// command's manual to stderr, for usage errors; the manual asked for with
// -h goes to stdout through parseFlags and Run.
func newFlagSet(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { writeManual(fs.Output(), name, synopsis, fs) }
	return fs
}

// parseFlags parses args into fs. A request for help returns a
// *helpRequest holding the manual; a bad flag prints the error and the
// manual on fs's output (stderr) and returns an error wrapping ErrUsage.
func parseFlags(fs *flag.FlagSet, args []string) error {
	usage := fs.Usage
	fs.Usage = func() {}
	err := fs.Parse(args)
	fs.Usage = usage
	switch {
	case err == nil:
		return nil
	case errors.Is(err, flag.ErrHelp):
		var b strings.Builder
		out := fs.Output()
		fs.SetOutput(&b)
		usage()
		fs.SetOutput(out)
		return &helpRequest{fs: fs, manual: b.String()}
	default:
		usage()
		return fmt.Errorf("%w: %w", ErrUsage, err)
	}
}

// parseInterspersed parses args allowing flags after the positional
// arguments ("tail news.world.> --dupes"), which the flag package alone
// would take as positional. It returns the positional arguments; those
// after "--" are taken as they are.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := parseFlags(fs, args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			return append(pos, rest...), nil
		}
		if len(rest) == 0 {
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

func runVersion(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("version", "version", stderr)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: version: unexpected argument %q", ErrUsage, fs.Arg(0))
	}
	fmt.Fprintln(stdout, versionLine())
	return nil
}

// noVCS is the version line's note when the binary carries no commit.
const noVCS = "no vcs info: built by go run or go test, or with -buildvcs=false"

// versionLine is "feedsift VERSION (commit REV[, modified], TIME, GO OS/ARCH)":
// VERSION from -ldflags -X (release builds) or the module version (go
// install, or the pseudo-version go build stamps in a git checkout), the
// rest from the build information the go command stamps. Without VCS
// information the commit is replaced by noVCS.
func versionLine() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "feedsift " + Version + " (" + noVCS + ")"
	}
	return formatVersion(Version, bi, runtime.GOOS+"/"+runtime.GOARCH)
}

func formatVersion(v string, bi *debug.BuildInfo, platform string) string {
	if v == "dev" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		v = bi.Main.Version
	}
	var rev, when string
	modified := false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			when = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	parts := make([]string, 0, 3)
	if rev != "" {
		c := "commit " + rev[:min(12, len(rev))]
		if modified {
			c += ", modified"
		}
		parts = append(parts, c)
	} else {
		parts = append(parts, noVCS)
	}
	if when != "" {
		parts = append(parts, when)
	}
	parts = append(parts, bi.GoVersion+" "+platform)
	return fmt.Sprintf("feedsift %s (%s)", v, strings.Join(parts, ", "))
}

// newLogger builds the process logger from the [log] settings.
func newLogger(w io.Writer, level, format string) *slog.Logger {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		lv = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: lv}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
