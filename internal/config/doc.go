// Package config loads feedsift's TOML configuration.
//
// Load starts from the defaults (Default), decodes the file key by key,
// applies NATS credentials and the HTTP token from the environment, and
// validates every field. It reports every problem at once, as an *Error
// whose text is one line per Problem in file order:
//
//	config feedsift.toml: 3 problems:
//	feedsift.toml:7: log.levle: unknown key; did you mean level?
//	feedsift.toml:18: nats.max_age: "3 days" is not a duration (use 72h)
//	feedsift.toml:30: feed[1].url: "ftp://wire.example/feed" is not an http(s) URL
//
// # Problems
//
//   - An unknown key is reported with the nearest key of its table when
//     one is close (edit distance), or the table where a key of that name
//     or a near one belongs; the rest of the file is still read.
//   - A value of the wrong type names what was given and what is wanted.
//     Durations are Go durations in quotes; one written in words ("3
//     days") gets the Go duration meaning the same. A bare integer for a
//     duration is refused, except 0. Sizes (ByteSize) are a number and a
//     unit in quotes ("8GiB") or an integer of bytes; -1 is no limit.
//   - Validation covers what can be checked without starting anything:
//     ranges, listen addresses (host:port, port 0 to 65535, 0 for a free
//     port), URLs and their ports, topics, feed ids, and that the files
//     [nats] names (credentials, NKey seed, TLS) can be opened. A value
//     that did not decode keeps its default and is not reported twice.
//   - Each problem carries the line of its key or, for a key not in the
//     file (a rule between two keys), of its table; problems with no line
//     (a value from the environment, a default) come last. Feed entries
//     are counted from 0: "feed[2].url".
//   - A TOML syntax error is the one problem reported: the parser stops
//     there.
//
// The returned Config is a plain value: callers copy what they need into
// each package's Options. There is no package state.
package config
