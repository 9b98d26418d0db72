package sink_test

import (
	"errors"
	"testing"

	"github.com/feedsift/feedsift/internal/story"
	"github.com/feedsift/feedsift/sink"
)

// TestPublishExpectLastSeq checks the optimistic condition cluster dedupe
// rests on: a publish that expects the stream's current last sequence is
// stored, one that expects an older sequence is refused with
// ErrWrongLastSeq and stores nothing (the condition is checked before the
// message id, so even a retry of a stored message is refused), and a
// retry of a stored message that expects the current last sequence is
// absorbed.
func TestPublishExpectLastSeq(t *testing.T) {
	e := newEnv(t, sink.JetStreamOptions{})
	ctx := t.Context()
	at := func(seq uint64) sink.PublishOptions {
		return sink.PublishOptions{ExpectLastSeq: seq, CheckLastSeq: true}
	}

	seq, dup, err := e.js.Publish(ctx, sink.StoryEvent(newStory(1, "world")), at(0))
	if err != nil || dup || seq != 1 {
		t.Fatalf("first story on an empty stream expecting 0: seq %d dup %v err %v; want 1, false, nil", seq, dup, err)
	}
	d := story.Duplicate{StoryID: newStory(1, "world").ID, Topic: "world", FeedID: "other", URL: "http://example.com/copy", Method: "content"}
	seq, _, err = e.js.Publish(ctx, sink.DuplicateEvent(d), at(1))
	if err != nil || seq != 2 {
		t.Fatalf("duplicate expecting 1: seq %d err %v; want 2, nil", seq, err)
	}
	for _, tc := range []struct {
		name    string
		publish func() (uint64, bool, error)
	}{
		{"story", func() (uint64, bool, error) { return e.js.Publish(ctx, sink.StoryEvent(newStory(2, "world")), at(1)) }},
		{"duplicate", func() (uint64, bool, error) {
			d2 := d
			d2.URL = "http://example.com/other-copy"
			return e.js.Publish(ctx, sink.DuplicateEvent(d2), at(0))
		}},
	} {
		t.Run("stale "+tc.name, func(t *testing.T) {
			_, _, err := tc.publish()
			if !errors.Is(err, sink.ErrWrongLastSeq) {
				t.Fatalf("publish expecting a stale sequence: %v, want ErrWrongLastSeq", err)
			}
			if n := e.streamInfo(t).State.LastSeq; n != 2 {
				t.Errorf("stream last sequence %d after a refused publish, want 2", n)
			}
		})
	}
	if _, _, err := e.js.Publish(ctx, sink.StoryEvent(newStory(1, "world")), at(0)); !errors.Is(err, sink.ErrWrongLastSeq) {
		t.Errorf("retry of story 1 expecting a stale sequence: %v, want ErrWrongLastSeq", err)
	}
	seq, dup, err = e.js.Publish(ctx, sink.StoryEvent(newStory(1, "world")), at(2))
	if err != nil || !dup || seq != 1 {
		t.Errorf("retry of story 1 expecting the last sequence: seq %d dup %v err %v; want 1, true, nil (absorbed)", seq, dup, err)
	}
	seq, _, err = e.js.Publish(ctx, sink.StoryEvent(newStory(2, "world")), sink.PublishOptions{})
	if err != nil || seq != 3 {
		t.Errorf("unconditional publish: seq %d err %v; want 3", seq, err)
	}
}
