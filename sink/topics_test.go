package sink_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/feedsift/feedsift/sink"
)

// TestStoryOnSeveralTopics follows a story whose copies came through
// feeds of two topics: it is published once on each topic's subject,
// decodes from either, and the store lists it under each topic, once
// when a filter covers both, and removes every key when it ages out.
func TestStoryOnSeveralTopics(t *testing.T) {
	e := newEnv(t, sink.JetStreamOptions{})
	ctx := t.Context()
	s := newStory(1, "world")
	if _, _, err := e.js.Publish(ctx, sink.StoryEvent(s), sink.PublishOptions{}); err != nil {
		t.Fatal(err)
	}
	s = s.AddTopic("europe.north")
	seq, dup, err := e.js.Publish(ctx, sink.StoryEvent(s), sink.PublishOptions{Topic: "europe.north"})
	if err != nil || dup || seq != 2 {
		t.Fatalf("announce on europe.north = (%d, %v, %v), want (2, false, nil)", seq, dup, err)
	}
	m := e.rawMsg(t, seq)
	if m.Subject != "news.europe.north" || m.Header.Get(jetstream.MsgIDHeader) != "story:s001@europe.north" {
		t.Errorf("announcement: subject %q, id %q; want news.europe.north, story:s001@europe.north",
			m.Subject, m.Header.Get(jetstream.MsgIDHeader))
	}
	if _, dup, err := e.js.Publish(ctx, sink.StoryEvent(s), sink.PublishOptions{Topic: "europe.north"}); err != nil || !dup {
		t.Errorf("second announcement on europe.north: duplicate %v, %v; want absorbed", dup, err)
	}
	s.Revision, s.Text = 1, s.Text+"\n\nA third paragraph."
	if _, _, err := e.js.Publish(ctx, sink.StoryEvent(s), sink.PublishOptions{Revision: "update-1", Topic: "europe.north"}); err != nil {
		t.Fatal(err)
	}
	if id := e.rawMsg(t, 3).Header.Get(jetstream.MsgIDHeader); id != "story:s001:update-1@europe.north" {
		t.Errorf("revision on another topic: id %q, want story:s001:update-1@europe.north", id)
	}

	st := openStore(t, sink.StoreOptions{})
	for q := uint64(1); q <= 3; q++ {
		raw := e.rawMsg(t, q)
		ev, err := e.js.Decode(raw.Subject, raw.Data, q)
		if err != nil {
			t.Fatalf("Decode seq %d: %v", q, err)
		}
		if ev.Story == nil || ev.Story.Topic != "world" {
			t.Fatalf("seq %d decoded as %+v, want the story on its own topic world", q, ev.Story)
		}
		if want := map[uint64]string{1: "world", 2: "europe.north", 3: "europe.north"}[q]; ev.Topic != want {
			t.Errorf("seq %d: event topic %q, want %q", q, ev.Topic, want)
		}
		if err := st.PutEvent(ev); err != nil {
			t.Fatal(err)
		}
	}
	other := newStory(2, "europe")
	if err := st.PutEvent(storyEvent(4, other)); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		topic string
		want  []string
	}{
		{"", []string{"s002", "s001"}},
		{"world", []string{"s001"}},
		{"europe", []string{"s002", "s001"}},
		{"europe.north", []string{"s001"}},
		{"sport", nil},
	} {
		got, err := st.Stories(sink.StoryFilter{Topic: tc.topic})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(ids(got), tc.want) {
			t.Errorf("Stories(topic %q) = %q, want %q", tc.topic, ids(got), tc.want)
		}
	}
	got, _, err := st.Story(ctx, "s001")
	if err != nil || got.Revision != 1 || !slices.Equal(got.AllTopics(), []string{"world", "europe.north"}) {
		t.Errorf("stored story: revision %d, topics %q, %v; want revision 1 on world and europe.north", got.Revision, got.AllTopics(), err)
	}

	if n, _, err := st.Expire(ctx, baseTime.Add(90*time.Minute)); err != nil || n != 1 {
		t.Fatalf("Expire = %d, %v; want the first story", n, err)
	}
	for _, topic := range []string{"world", "europe.north"} {
		if got, err := st.Stories(sink.StoryFilter{Topic: topic}); err != nil || len(got) != 0 {
			t.Errorf("after Expire, Stories(topic %q) = %q, %v; want none", topic, ids(got), err)
		}
	}
}

func TestStoryTopicsInvalid(t *testing.T) {
	e := newEnv(t, sink.JetStreamOptions{})
	st := openStore(t, sink.StoreOptions{})
	for _, tc := range []struct {
		name   string
		topics []string
		on     string
	}{
		{"a topic it is not announced on", nil, "sport"},
		{"topics not led by its own", []string{"europe", "world"}, ""},
		{"a topic listed twice", []string{"world", "europe", "europe"}, ""},
		{"an invalid topic in the list", []string{"world", "europe.*"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newStory(1, "world")
			s.Topics = tc.topics
			_, _, err := e.js.Publish(t.Context(), sink.StoryEvent(s), sink.PublishOptions{Topic: tc.on})
			if !errors.Is(err, sink.ErrInvalidEvent) {
				t.Errorf("Publish = %v, want ErrInvalidEvent", err)
			}
			if tc.on == "" {
				if err := st.PutEvent(storyEvent(1, s)); !errors.Is(err, sink.ErrInvalidEvent) {
					t.Errorf("PutEvent = %v, want ErrInvalidEvent", err)
				}
			}
		})
	}
	if _, err := sink.DecodeEvent("news.sport", []byte(`{"v":1,"id":"s1","topic":"world","topics":["world","europe"]}`), 1, "", ""); !errors.Is(err, sink.ErrInvalidEvent) {
		t.Errorf("DecodeEvent of a story on a topic not its own = %v, want ErrInvalidEvent", err)
	}
	if _, _, err := e.js.Publish(t.Context(), sink.DuplicateEvent(newDuplicate("s1", "world", "f", 1)), sink.PublishOptions{Topic: "world"}); !errors.Is(err, sink.ErrInvalidEvent) {
		t.Errorf("Publish(duplicate) with a topic option = %v, want ErrInvalidEvent", err)
	}
}
