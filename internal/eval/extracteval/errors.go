package extracteval

import "errors"

// Sentinel errors of the package; callers branch on them with errors.Is.
// ErrNoPages is returned by the loaders when the directory holds no page
// to score.
var ErrNoPages = errors.New("extracteval: no pages")

// ErrPanic is wrapped by Feedsift when the extractor panicked on a page
// (a bug in the extractor: it must never panic).
var ErrPanic = errors.New("extracteval: extractor panicked")

// ErrUnknownSet is returned by Load for a set name it does not know.
var ErrUnknownSet = errors.New("extracteval: unknown set")
