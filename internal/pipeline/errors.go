package pipeline

import (
	"errors"
	"fmt"
)

// Error kinds, used in PollError and as the "kind" label of the errors metric.
const (
	ErrKindFetch   = "fetch"   // the feed document could not be fetched
	ErrKindParse   = "parse"   // the feed document could not be parsed
	ErrKindArticle = "article" // an article page could not be fetched
	ErrKindExtract = "extract" // no text could be extracted for an item
	ErrKindPublish = "publish" // JetStream did not acknowledge a publish
	ErrKindState   = "state"   // the feed state could not be read or written
)

// ErrIncomplete is wrapped by a PollError when some items of a poll could
// not be published; the feed's validators were not advanced.
var ErrIncomplete = errors.New("pipeline: poll incomplete")

// PollError is the error of one poll of one feed.
type PollError struct {
	FeedID string
	Kind   string // one of the ErrKind constants
	Err    error
}

func (e *PollError) Error() string {
	return fmt.Sprintf("pipeline: feed %s: %s: %v", e.FeedID, e.Kind, e.Err)
}

func (e *PollError) Unwrap() error { return e.Err }
