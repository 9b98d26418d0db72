package config

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Problem is one mistake in a configuration.
type Problem struct {
	// Line is the 1-based line of the file the key is written on, or of
	// its table when the key itself is not written (a rule between two
	// keys); 0 when neither is in the file.
	Line int
	// Key is the key concerned, as "nats.max_age" or "feed[2].url"
	// (feed entries counted from 0); empty for a TOML syntax error.
	Key string
	// Msg says what is wrong and, where it can, what to write instead.
	Msg string
}

// Error returns "line 12: nats.max_age: msg", without the parts that are
// unknown.
func (p Problem) Error() string { return p.format("") }

func (p Problem) format(file string) string {
	var b strings.Builder
	switch {
	case file != "" && p.Line > 0:
		fmt.Fprintf(&b, "%s:%d: ", file, p.Line)
	case file != "":
		b.WriteString(file + ": ")
	case p.Line > 0:
		fmt.Fprintf(&b, "line %d: ", p.Line)
	}
	if p.Key != "" {
		b.WriteString(p.Key + ": ")
	}
	b.WriteString(p.Msg)
	return b.String()
}

// Error is every problem found in one configuration, returned by Load,
// Parse and Validate. Its text is a header line followed by one line per
// problem, in file order ("feedsift.toml:12: nats.max_age: ..."), the
// problems not tied to a line last.
type Error struct {
	// File is the path given to Load; empty from Parse and Validate.
	File     string
	Problems []Problem
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("config")
	if e.File != "" {
		b.WriteString(" " + e.File)
	}
	if n := len(e.Problems); n == 1 {
		b.WriteString(": 1 problem:")
	} else {
		fmt.Fprintf(&b, ": %d problems:", n)
	}
	for _, p := range e.Problems {
		b.WriteString("\n" + p.format(e.File))
	}
	return b.String()
}

// Unwrap returns the problems, so that errors.As finds each Problem.
func (e *Error) Unwrap() []error {
	out := make([]error, len(e.Problems))
	for i, p := range e.Problems {
		out[i] = p
	}
	return out
}

// problems collects Problems; at finds the line of a key.
type problems struct {
	list []Problem
	at   func(key string) int
}

func (ps *problems) add(key, format string, args ...any) {
	line := 0
	if ps.at != nil {
		line = ps.at(key)
	}
	ps.list = append(ps.list, Problem{Line: line, Key: key, Msg: fmt.Sprintf(format, args...)})
}

// err returns nil or an *Error with the problems in file order: by line,
// those without one last, in the order found otherwise.
func (ps *problems) err() error {
	if len(ps.list) == 0 {
		return nil
	}
	list := slices.Clone(ps.list)
	slices.SortStableFunc(list, func(a, b Problem) int {
		if (a.Line == 0) != (b.Line == 0) {
			if a.Line == 0 {
				return 1
			}
			return -1
		}
		return cmp.Compare(a.Line, b.Line)
	})
	return &Error{Problems: list}
}
