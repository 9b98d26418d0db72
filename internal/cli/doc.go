// Package cli implements feedsift's commands: run, demo, tail, stories,
// dupes (and dupes split, dupes merge, dupes keep), extract, eval (eval extract, eval
// dedupe), reextract, discover, feeds (list, add, remove, import, export),
// completion, version and help. Run is the whole program minus signal
// handling and the exit code, so tests drive it like a user would.
//
// # Command table
//
// One table (commands) lists every command with its summary, its
// subcommands and the fixed choices of its first argument. The command
// list of "feedsift help", the dispatch of Run and the shell completion
// scripts are all read from it, and every command parses its flags before
// it does anything else, so a command's flag set can be obtained by
// asking it for help.
//
// # Help and errors
//
// Help asked for is printed on standard output and is no error: "feedsift
// help" and "feedsift -h" print the command list; "feedsift help CMD
// [SUB]", "feedsift CMD [SUB] -h" and "--help" print that command's
// manual (NAME, SYNOPSIS, DESCRIPTION, SUBCOMMANDS, FLAGS, EXAMPLES).
// A command line that cannot be understood (an unknown command,
// subcommand or flag, a bad flag value, a missing argument) prints nothing
// on standard output: what it prints (the command list for an unknown
// command, the command's manual for a bad flag and most argument errors)
// goes to standard error, and Run returns an error wrapping ErrUsage.
// ExitCode maps that to 2, any other error to 1.
//
// # Version
//
// "feedsift version" and "feedsift --version" print one line: the version
// set with -ldflags -X (release builds) or the module version the go
// command stamped, the commit, whether the tree was modified and the
// commit time read from the build information, and the Go version and
// platform. A binary without VCS information (go run, go test,
// -buildvcs=false) says so in place of the commit.
//
// # Completion
//
// "feedsift completion bash|zsh|fish" prints a script generated from the
// command table and the commands' own flag sets: it completes commands,
// subcommands, the first-argument choices, every command's and
// subcommand's flags, and file names only after a flag whose value is a
// file and for the FILE arguments of a synopsis.
package cli
