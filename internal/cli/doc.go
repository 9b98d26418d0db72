// Package cli implements feedsift's commands: run, demo, tail, stories,
// dupes and version. Run is the whole program minus signal handling and
// the exit code, so tests drive it like a user would.
package cli
