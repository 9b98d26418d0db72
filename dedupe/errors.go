package dedupe

import "errors"

// ErrOptions is returned by NewIndex for an option out of range.
var ErrOptions = errors.New("dedupe: invalid options")

// ErrURL is returned by CanonicalURL for a URL that cannot be parsed or is
// not http or https.
var ErrURL = errors.New("dedupe: unusable URL")

// ErrSnapshot is returned by ReadIndex for a snapshot that is corrupt,
// truncated, of an unknown version, or made with other shingling options.
var ErrSnapshot = errors.New("dedupe: bad index snapshot")
