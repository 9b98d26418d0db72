package story

import (
	"errors"
	"fmt"
	"time"
)

// Override operations.
const (
	// OpSplit takes a member out of a story: it becomes a story of its own.
	OpSplit = "split"
	// OpMerge makes one story (Other) a member of another (Story).
	OpMerge = "merge"
	// OpKeep makes a member (Member) the version of its story (Story)
	// that people get; the version kept until then becomes a member.
	OpKeep = "keep"
)

// MethodManual is the Duplicate.Method of a member that a person merged by hand.
const MethodManual = "manual"

// MethodReplaced is the Duplicate.Method of a story's former kept
// version, after a copy replaced it (on merit, or by a person's OpKeep).
const MethodReplaced = "replaced"

// MethodCanonical is the Duplicate.Method of a copy whose page names the
// story's address as its original (rel=canonical or og:url).
const MethodCanonical = "canonical"

// ErrInvalidOverride is returned by Override.Validate.
var ErrInvalidOverride = errors.New("story: invalid override")

// Override records a person's correction of the deduplicator. It is
// published once on the stream; every later decision and every reader of
// the stream applies it.
//
// For OpSplit, Member (a member key) leaves Story and becomes the story
// NewStory, which takes the member's identity Keys with it: later items
// carrying one of Keys, or text closer to the member than to Story, join
// NewStory. For OpMerge, Other and its members join Story, and later
// copies of Other join Story. For OpKeep, Member (whose identity Keys the
// override carries) becomes the version of Story people get, and the
// version kept until then becomes a member; no automatic choice replaces
// it afterwards.
type Override struct {
	Version int `json:"v"`
	// ID identifies the override; it names the stream messages it causes.
	ID string `json:"id"`
	// Op is OpSplit or OpMerge.
	Op string `json:"op"`
	// Story is the story a member is split from, or merged into.
	Story string `json:"story"`
	// Member is the member key of the split member (OpSplit).
	Member string `json:"member,omitempty"`
	// NewStory is the ID of the story the split member becomes (OpSplit).
	NewStory string `json:"new_story,omitempty"`
	// Keys are the identity keys that follow the split member (OpSplit).
	Keys []string `json:"keys,omitempty"`
	// Other is the story merged into Story (OpMerge).
	Other string `json:"other,omitempty"`
	// Topic is Story's topic.
	Topic string    `json:"topic"`
	At    time.Time `json:"at"`
	// By names who asked for it, when known.
	By string `json:"by,omitempty"`
}

// Validate reports whether o is complete for its Op. Errors wrap
// ErrInvalidOverride.
func (o Override) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w %q: %s", ErrInvalidOverride, o.ID, fmt.Sprintf(format, args...))
	}
	switch {
	case o.ID == "":
		return bad("empty id")
	case o.Story == "":
		return bad("empty story")
	case o.At.IsZero():
		return bad("no time")
	}
	if err := ValidateTopic(o.Topic); err != nil {
		return fmt.Errorf("%w %q: %w", ErrInvalidOverride, o.ID, err)
	}
	switch o.Op {
	case OpSplit:
		if o.Member == "" || o.NewStory == "" {
			return bad("split needs member and new_story")
		}
		if o.NewStory == o.Story {
			return bad("split into the story itself")
		}
	case OpKeep:
		if o.Member == "" {
			return bad("keep needs member")
		}
	case OpMerge:
		if o.Other == "" {
			return bad("merge needs other")
		}
		if o.Other == o.Story {
			return bad("merge of a story into itself")
		}
	default:
		return bad("unknown op %q", o.Op)
	}
	return nil
}
