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

type command struct {
	name, summary string
	run           func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"run", "run the daemon: poll feeds, publish stories on NATS", runDaemon},
		{"demo", "run the daemon against a built-in loopback feed farm and show what it did", runDemo},
		{"tail", "print stories from NATS as they arrive", runTail},
		{"stories", "list stories from the local store", runStories},
		{"dupes", "show the dedupe report: stories and the copies merged into them", runDupes},
		{"extract", "print the main text of saved pages (text, json or jsonl)", runExtract},
		{"eval", "score the extractor or the deduplicator on the shared corpora", runEval},
		{"reextract", "extract the kept pages again after rules changed; publish what changed", runReextract},
		{"discover", "find the feeds a web site offers", runDiscover},
		{"feeds", "add, remove, list, import and export the feeds polled, live or in the store", runFeeds},
		{"completion", "print a shell completion script (bash, zsh or fish)", runCompletion},
		{"version", "print the version", runVersion},
	}
}

// Run runs the command named by args[0].
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		usage(stderr)
		return fmt.Errorf("%w: no command given", ErrUsage)
	}
	if args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		return nil
	}
	for _, c := range commands() {
		if c.name == args[0] {
			err := c.run(ctx, args[1:], stdout, stderr)
			if errors.Is(err, flag.ErrHelp) {
				return nil
			}
			return err
		}
	}
	usage(stderr)
	return fmt.Errorf("%w: unknown command %q", ErrUsage, args[0])
}

func usage(w io.Writer) {
	var b strings.Builder
	b.WriteString("feedsift turns news feeds into clean, deduplicated stories on NATS.\n\nUsage:\n  feedsift <command> [flags]\n\nCommands:\n")
	for _, c := range commands() {
		fmt.Fprintf(&b, "  %-8s %s\n", c.name, c.summary)
	}
	b.WriteString("\nRun \"feedsift <command> -h\" for a command's flags.\n")
	fmt.Fprint(w, b.String())
}

func newFlagSet(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { writeManual(stderr, name, synopsis, fs) }
	return fs
}

func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %w", ErrUsage, err)
	}
	return nil
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
	fmt.Fprintln(stdout, versionLine())
	return nil
}

// versionLine is "feedsift VERSION (commit REV[, modified], TIME, GO OS/ARCH)":
// VERSION from -ldflags -X (release builds) or the module version (go
// install), the rest from the build information the go command stamps.
func versionLine() string {
	v := Version
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "feedsift " + v
	}
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
	}
	if when != "" {
		parts = append(parts, when)
	}
	parts = append(parts, bi.GoVersion+" "+runtime.GOOS+"/"+runtime.GOARCH)
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
