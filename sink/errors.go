package sink

import "errors"

var (
	// ErrInvalidOption is returned when an Options value cannot be used,
	// for example a negative duration or an invalid subject prefix.
	ErrInvalidOption = errors.New("sink: invalid option")

	// ErrInvalidEvent is returned when a story or duplicate cannot be
	// published, or a stream message cannot be decoded into an Event:
	// missing ID, subject outside both subject spaces, malformed JSON.
	ErrInvalidEvent = errors.New("sink: invalid event")

	// ErrLocked is returned by OpenStore when another process (or another
	// open in this process) holds the store file and the lock could not be
	// obtained within StoreOptions.Timeout.
	ErrLocked = errors.New("sink: store is locked by another process")

	// ErrCorruptPage is wrapped by the error of a stored page that cannot
	// be decoded (a record or its compressed body cut short or damaged).
	// Pages skips such a page with a warning.
	ErrCorruptPage = errors.New("sink: stored page unreadable")

	// ErrServerStart is returned by StartEmbedded when the embedded
	// nats-server is not ready for connections in time.
	ErrServerStart = errors.New("sink: embedded nats-server did not start")
)
