package kvstate

import "errors"

var (
	// ErrInvalidOption is returned by Open when an Options value cannot be
	// used, for example an invalid bucket name or a negative timeout.
	ErrInvalidOption = errors.New("kvstate: invalid option")

	// ErrInvalidFeedID is returned for a feed ID that cannot be a key:
	// empty, longer than MaxFeedIDLen, invalid UTF-8 or holding a control
	// character; and by Put and Update for a state whose FeedID is not
	// the feed being written.
	ErrInvalidFeedID = errors.New("kvstate: invalid feed id")

	// ErrInvalidValue is returned by Get when the stored value is not the
	// JSON of a story.FeedState for the key's feed.
	ErrInvalidValue = errors.New("kvstate: invalid stored value")

	// ErrConflict is returned by Update when every attempt lost the
	// compare-and-set race to another writer.
	ErrConflict = errors.New("kvstate: update conflict, attempts exhausted")
)
