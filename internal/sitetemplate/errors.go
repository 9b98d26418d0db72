package sitetemplate

import "errors"

// ErrCorrupt is returned by UnmarshalBinary when the data is not a Counts
// written by MarshalBinary: wrong magic or version, truncated, or with
// values out of range.
var ErrCorrupt = errors.New("sitetemplate: corrupt template data")
