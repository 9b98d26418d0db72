package compare

import "errors"

// ErrPanic is wrapped by the error an adapter returns when the extractor it
// wraps panicked on a page.
var ErrPanic = errors.New("compare: extractor panicked")

// ErrNoText is wrapped by the error an adapter returns when the extractor
// returned without error but with no article (go-readability's nil Node).
var ErrNoText = errors.New("compare: extractor returned no text")
