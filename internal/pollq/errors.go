package pollq

import "errors"

var (
	// ErrInvalidOption is returned by Open and Run when an option or
	// argument cannot be used, for example a negative AckWait or zero
	// workers.
	ErrInvalidOption = errors.New("pollq: invalid option")

	// ErrInvalidFeedID is returned by Enqueue and Subject for a feed ID
	// that cannot be queued: empty, longer than MaxFeedIDLen, invalid
	// UTF-8 or holding a control character.
	ErrInvalidFeedID = errors.New("pollq: invalid feed id")

	// ErrInvalidMessage describes (in logs and the termination reason) a
	// message on the queue that is not a poll: bad JSON, no feed, no due
	// time, or a subject that does not match its feed.
	ErrInvalidMessage = errors.New("pollq: invalid poll message")
)
