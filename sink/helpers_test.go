package sink_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/feedsift/feedsift/internal/natstest"
	"github.com/feedsift/feedsift/internal/story"
	"github.com/feedsift/feedsift/sink"
)

// env is one embedded server with a publisher and a raw JetStream client
// for checking what reached the stream.
type env struct {
	nc  *nats.Conn
	js  *sink.JetStream
	raw jetstream.JetStream
}

func newEnv(t testing.TB, opts sink.JetStreamOptions) env {
	t.Helper()
	srv := natstest.RunJetStream(t)
	nc := natstest.Connect(t, srv)
	j, err := sink.NewJetStream(context.Background(), nc, opts)
	if err != nil {
		t.Fatalf("NewJetStream: %v", err)
	}
	raw, err := jetstream.New(nc)
	if err != nil {
		t.Fatalf("jetstream.New: %v", err)
	}
	return env{nc: nc, js: j, raw: raw}
}

// streamInfo returns the current state of the publisher's stream.
func (e env) streamInfo(t testing.TB) *jetstream.StreamInfo {
	t.Helper()
	st, err := e.raw.Stream(t.Context(), e.js.Stream())
	if err != nil {
		t.Fatalf("Stream(%s): %v", e.js.Stream(), err)
	}
	return st.CachedInfo()
}

// rawMsg returns the stored message with sequence seq.
func (e env) rawMsg(t testing.TB, seq uint64) *jetstream.RawStreamMsg {
	t.Helper()
	st, err := e.raw.Stream(t.Context(), e.js.Stream())
	if err != nil {
		t.Fatalf("Stream: %v", err)
	}
	m, err := st.GetMsg(t.Context(), seq)
	if err != nil {
		t.Fatalf("GetMsg(%d): %v", seq, err)
	}
	return m
}

var baseTime = time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)

// newStory returns a distinct, valid story; n orders it in time.
func newStory(n int, topic string) story.Story {
	return story.Story{
		Version:      story.Version,
		ID:           fmt.Sprintf("s%03d", n),
		Topic:        topic,
		FeedID:       "feed-a",
		URL:          fmt.Sprintf("https://example.org/a/%d", n),
		CanonicalURL: fmt.Sprintf("https://example.org/a/%d", n),
		Title:        fmt.Sprintf("Story %d", n),
		Published:    baseTime.Add(time.Duration(n) * time.Hour),
		Fetched:      baseTime.Add(time.Duration(n)*time.Hour + time.Minute),
		Text:         "First paragraph.\n\nSecond paragraph.",
		Source:       "article",
	}
}

func newDuplicate(storyID, topic, feed string, n int) story.Duplicate {
	return story.Duplicate{
		Version:    story.Version,
		StoryID:    storyID,
		Topic:      topic,
		FeedID:     feed,
		URL:        fmt.Sprintf("https://mirror.example.net/%s/%d", storyID, n),
		Title:      "Copy",
		Seen:       baseTime.Add(time.Duration(n) * time.Minute),
		Method:     "content",
		Similarity: 0.93,
		Reason:     "shingle overlap 0.93",
	}
}
