package sink_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/feedsift/feedsift/internal/natstest"
	"github.com/feedsift/feedsift/internal/story"
	"github.com/feedsift/feedsift/sink"
)

func TestNewJetStream_CreatesStream(t *testing.T) {
	e := newEnv(t, sink.JetStreamOptions{})
	cfg := e.streamInfo(t).Config
	if cfg.Name != "FEEDSIFT" {
		t.Errorf("stream name = %q, want FEEDSIFT", cfg.Name)
	}
	if diff := cmp.Diff([]string{"news.>", "feedsift.dupes.>", "feedsift.overrides.>"}, cfg.Subjects); diff != "" {
		t.Errorf("subjects (-want +got):\n%s", diff)
	}
	if cfg.Storage != jetstream.FileStorage {
		t.Errorf("storage = %v, want file", cfg.Storage)
	}
	if cfg.Duplicates != 10*time.Minute || cfg.MaxAge != 30*24*time.Hour || cfg.Replicas != 1 {
		t.Errorf("duplicates, max age, replicas = %s, %s, %d; want 10m, 720h, 1",
			cfg.Duplicates, cfg.MaxAge, cfg.Replicas)
	}
	if cfg.MaxBytes != 8<<30 || cfg.Discard != jetstream.DiscardOld {
		t.Errorf("max bytes %d, discard %v; want 8 GiB, old", cfg.MaxBytes, cfg.Discard)
	}
}

// TestNewJetStream_MaxBytes checks the size limit on a real server: the
// stream is made with it, a later start with another limit (or none)
// updates the existing stream, and past the limit the oldest messages go.
func TestNewJetStream_MaxBytes(t *testing.T) {
	srv := natstest.RunJetStream(t)
	nc := natstest.Connect(t, srv)
	raw, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	info := func() jetstream.StreamInfo {
		t.Helper()
		st, err := raw.Stream(t.Context(), "S")
		if err != nil {
			t.Fatal(err)
		}
		i, err := st.Info(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		return *i
	}
	var last *sink.JetStream
	for _, step := range []struct {
		set, want int64
	}{
		{3 << 30, 3 << 30},
		{1 << 20, 1 << 20}, // updated in place, smaller
		{-1, -1},           // no limit
		{0, sink.DefaultMaxBytes},
		{1 << 20, 1 << 20},
	} {
		j, err := sink.NewJetStream(t.Context(), nc, sink.JetStreamOptions{Stream: "S", MaxBytes: step.set})
		if err != nil {
			t.Fatalf("NewJetStream(max bytes %d): %v", step.set, err)
		}
		if got := info().Config.MaxBytes; got != step.want {
			t.Fatalf("after NewJetStream(max bytes %d): stream max bytes %d, want %d", step.set, got, step.want)
		}
		last = j
	}
	// 1 MiB holds a few hundred stories of 4 KiB, not 600: the oldest go.
	for i := range 600 {
		s := newStory(i, "world")
		s.Text = strings.Repeat("x", 4<<10)
		if _, _, err := last.Publish(t.Context(), sink.StoryEvent(s), sink.PublishOptions{}); err != nil {
			t.Fatalf("Publish(story) %d: %v", i, err)
		}
	}
	st := info().State
	if st.Bytes > 1<<20 || st.Msgs >= 600 || st.FirstSeq == 1 || st.LastSeq != 600 {
		t.Errorf("after 600 stories of 4 KiB under a 1 MiB limit: %d messages, %d bytes, sequences %d-%d",
			st.Msgs, st.Bytes, st.FirstSeq, st.LastSeq)
	}
}

// TestNewJetStream_MaxBytesTooLarge: a limit the server cannot reserve
// fails with a message that names the option to lower.
func TestNewJetStream_MaxBytesTooLarge(t *testing.T) {
	srv := natstest.RunJetStream(t)
	nc := natstest.Connect(t, srv)
	_, err := sink.NewJetStream(t.Context(), nc, sink.JetStreamOptions{Stream: "S", MaxBytes: 1 << 62})
	if err == nil || !strings.Contains(err.Error(), "lower nats.max_bytes") {
		t.Errorf("NewJetStream(max bytes 4 EiB) = %v, want an error that says to lower nats.max_bytes", err)
	}
}

func TestNewJetStream_UpdatesStream(t *testing.T) {
	srv := natstest.RunJetStream(t)
	nc := natstest.Connect(t, srv)
	ctx := t.Context()
	if _, err := sink.NewJetStream(ctx, nc, sink.JetStreamOptions{Stream: "S", SubjectPrefix: "a"}); err != nil {
		t.Fatalf("first NewJetStream: %v", err)
	}
	j, err := sink.NewJetStream(ctx, nc, sink.JetStreamOptions{Stream: "S", SubjectPrefix: "b", DuplicateWindow: time.Minute})
	if err != nil {
		t.Fatalf("second NewJetStream: %v", err)
	}
	raw, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	st, err := raw.Stream(ctx, j.Stream())
	if err != nil {
		t.Fatal(err)
	}
	cfg := st.CachedInfo().Config
	if diff := cmp.Diff([]string{"b.>", "feedsift.dupes.>", "feedsift.overrides.>"}, cfg.Subjects); diff != "" || cfg.Duplicates != time.Minute {
		t.Errorf("after update: subjects diff %s, duplicates %s", diff, cfg.Duplicates)
	}
}

func TestNewJetStream_InvalidOptions(t *testing.T) {
	srv := natstest.RunJetStream(t)
	nc := natstest.Connect(t, srv)
	tests := []struct {
		name string
		opts sink.JetStreamOptions
	}{
		{"stream with dot", sink.JetStreamOptions{Stream: "A.B"}},
		{"stream with space", sink.JetStreamOptions{Stream: "A B"}},
		{"wildcard prefix", sink.JetStreamOptions{SubjectPrefix: "news.*"}},
		{"empty token dupes", sink.JetStreamOptions{DupesPrefix: "a..b"}},
		{"same prefixes", sink.JetStreamOptions{SubjectPrefix: "x", DupesPrefix: "x"}},
		{"dupes under stories", sink.JetStreamOptions{SubjectPrefix: "news", DupesPrefix: "news.dupes"}},
		{"overrides prefix is the story prefix", sink.JetStreamOptions{SubjectPrefix: "x.overrides", DupesPrefix: "x.dupes"}},
		{"negative replicas", sink.JetStreamOptions{Replicas: -1}},
		{"negative window", sink.JetStreamOptions{DuplicateWindow: -time.Second}},
		{"window beyond age", sink.JetStreamOptions{DuplicateWindow: 2 * time.Hour, MaxAge: time.Hour}},
		{"max bytes below -1", sink.JetStreamOptions{MaxBytes: -2}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := sink.NewJetStream(t.Context(), nc, tc.opts)
			if !errors.Is(err, sink.ErrInvalidOption) {
				t.Errorf("NewJetStream(%+v) = %v, want ErrInvalidOption", tc.opts, err)
			}
		})
	}
	if _, err := sink.NewJetStream(t.Context(), nil, sink.JetStreamOptions{}); !errors.Is(err, sink.ErrInvalidOption) {
		t.Errorf("NewJetStream(nil conn) = %v, want ErrInvalidOption", err)
	}
}

func TestPublishStory(t *testing.T) {
	e := newEnv(t, sink.JetStreamOptions{})
	ctx := t.Context()
	s := newStory(1, "world.europe")
	s.Version = 0 // Publish fills it in

	seq, dup, err := e.js.Publish(ctx, sink.StoryEvent(s), sink.PublishOptions{})
	if err != nil || dup || seq != 1 {
		t.Fatalf("Publish(story) = (%d, %v, %v), want (1, false, nil)", seq, dup, err)
	}
	m := e.rawMsg(t, seq)
	if m.Subject != "news.world.europe" {
		t.Errorf("subject = %q, want news.world.europe", m.Subject)
	}
	if got := m.Header.Get(jetstream.MsgIDHeader); got != "story:s001" {
		t.Errorf("Nats-Msg-Id = %q, want story:s001", got)
	}
	ev, err := e.js.Decode(m.Subject, m.Data, m.Sequence)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	want := newStory(1, "world.europe")
	if diff := cmp.Diff(&want, ev.Story); diff != "" {
		t.Errorf("stored story (-want +got):\n%s", diff)
	}

	t.Run("republish is absorbed", func(t *testing.T) {
		s.Title = "changed title, same id"
		seq2, dup, err := e.js.Publish(ctx, sink.StoryEvent(s), sink.PublishOptions{})
		if err != nil || !dup || seq2 != seq {
			t.Fatalf("republish = (%d, %v, %v), want (%d, true, nil)", seq2, dup, err, seq)
		}
		if n := e.streamInfo(t).State.Msgs; n != 1 {
			t.Errorf("stream holds %d messages, want 1", n)
		}
	})
}

func TestPublishStory_Invalid(t *testing.T) {
	e := newEnv(t, sink.JetStreamOptions{})
	tests := []struct {
		name    string
		mutate  func(*story.Story)
		wantErr error
	}{
		{"empty topic", func(s *story.Story) { s.Topic = "" }, story.ErrInvalidTopic},
		{"wildcard topic", func(s *story.Story) { s.Topic = "world.*" }, story.ErrInvalidTopic},
		{"space in topic", func(s *story.Story) { s.Topic = "world news" }, story.ErrInvalidTopic},
		{"trailing dot", func(s *story.Story) { s.Topic = "world." }, story.ErrInvalidTopic},
		{"empty id", func(s *story.Story) { s.ID = "" }, sink.ErrInvalidEvent},
		{"newline in id", func(s *story.Story) { s.ID = "a\nb" }, sink.ErrInvalidEvent},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newStory(1, "world")
			tc.mutate(&s)
			_, _, err := e.js.Publish(t.Context(), sink.StoryEvent(s), sink.PublishOptions{})
			if !errors.Is(err, tc.wantErr) {
				t.Errorf("Publish(story) = %v, want %v", err, tc.wantErr)
			}
			if sink.Retryable(err) {
				t.Errorf("Retryable(%v) = true, want false", err)
			}
		})
	}
	if n := e.streamInfo(t).State.Msgs; n != 0 {
		t.Errorf("stream holds %d messages after invalid publishes, want 0", n)
	}
}

func TestSubject(t *testing.T) {
	e := newEnv(t, sink.JetStreamOptions{SubjectPrefix: "feeds.out", DupesPrefix: "dupes"})
	got, err := e.js.Subject("tech.go")
	if err != nil || got != "feeds.out.tech.go" {
		t.Errorf(`Subject("tech.go") = %q, %v; want "feeds.out.tech.go", nil`, got, err)
	}
	if _, err := e.js.Subject("tech.>"); !errors.Is(err, story.ErrInvalidTopic) {
		t.Errorf(`Subject("tech.>") = %v, want ErrInvalidTopic`, err)
	}
	got, err = e.js.DuplicateSubject("tech")
	if err != nil || got != "dupes.tech" {
		t.Errorf(`DuplicateSubject("tech") = %q, %v; want "dupes.tech", nil`, got, err)
	}
}

func TestPublishDuplicate(t *testing.T) {
	e := newEnv(t, sink.JetStreamOptions{})
	ctx := t.Context()
	d := newDuplicate("s001", "world", "feed-b", 1)
	seq, dup, err := e.js.Publish(ctx, sink.DuplicateEvent(d), sink.PublishOptions{})
	if err != nil || dup {
		t.Fatalf("Publish(duplicate) = (%d, %v, %v)", seq, dup, err)
	}
	m := e.rawMsg(t, seq)
	if m.Subject != "feedsift.dupes.world" {
		t.Errorf("subject = %q, want feedsift.dupes.world", m.Subject)
	}
	wantID := "dupe:s001:" + d.MemberKey()
	if got := m.Header.Get(jetstream.MsgIDHeader); got != wantID {
		t.Errorf("Nats-Msg-Id = %q, want %q", got, wantID)
	}

	// Same identity (feed, URL, GUID) again: absorbed, even with a new score.
	d.Similarity = 0.99
	if _, dup, err := e.js.Publish(ctx, sink.DuplicateEvent(d), sink.PublishOptions{}); err != nil || !dup {
		t.Errorf("same duplicate again: dup=%v err=%v, want dup=true", dup, err)
	}
	// Another feed's copy of the same story is a different member.
	d2 := newDuplicate("s001", "world", "feed-c", 1)
	if _, dup, err := e.js.Publish(ctx, sink.DuplicateEvent(d2), sink.PublishOptions{}); err != nil || dup {
		t.Errorf("other member: dup=%v err=%v, want dup=false", dup, err)
	}
	if n := e.streamInfo(t).State.Msgs; n != 2 {
		t.Errorf("stream holds %d messages, want 2", n)
	}
	if _, _, err := e.js.Publish(ctx, sink.DuplicateEvent(newDuplicate("", "world", "f", 1)), sink.PublishOptions{}); !errors.Is(err, sink.ErrInvalidEvent) {
		t.Errorf("duplicate without story id: %v, want ErrInvalidEvent", err)
	}
}

// TestPublishEventShape checks that Publish takes exactly one kind of
// event, a revision only for a story, and that a story's revision is a
// message of its own while a plain republish is absorbed.
func TestPublishEventShape(t *testing.T) {
	e := newEnv(t, sink.JetStreamOptions{})
	ctx := t.Context()
	s := newStory(1, "world")
	d := newDuplicate(s.ID, "world", "f", 1)
	for _, tc := range []struct {
		name string
		ev   sink.Event
		o    sink.PublishOptions
	}{
		{"empty event", sink.Event{}, sink.PublishOptions{}},
		{"two kinds", sink.Event{Story: &s, Duplicate: &d}, sink.PublishOptions{}},
		{"revision of a duplicate", sink.DuplicateEvent(d), sink.PublishOptions{Revision: "r1"}},
		{"revision with a newline", sink.StoryEvent(s), sink.PublishOptions{Revision: "r\n1"}},
	} {
		if _, _, err := e.js.Publish(ctx, tc.ev, tc.o); !errors.Is(err, sink.ErrInvalidEvent) {
			t.Errorf("%s: Publish = %v, want ErrInvalidEvent", tc.name, err)
		}
	}
	for _, step := range []struct {
		name     string
		o        sink.PublishOptions
		seq      uint64
		absorbed bool
	}{
		{"first", sink.PublishOptions{}, 1, false},
		{"republished", sink.PublishOptions{}, 1, true},
		{"a revision", sink.PublishOptions{Revision: "r1"}, 2, false},
		{"the revision again", sink.PublishOptions{Revision: "r1"}, 2, true},
	} {
		seq, dup, err := e.js.Publish(ctx, sink.StoryEvent(s), step.o)
		if err != nil || seq != step.seq || dup != step.absorbed {
			t.Errorf("%s: seq %d, absorbed %v, %v; want seq %d, absorbed %v", step.name, seq, dup, err, step.seq, step.absorbed)
		}
	}
	if n := e.streamInfo(t).State.Msgs; n != 2 {
		t.Errorf("stream holds %d messages, want 2", n)
	}
}

func TestReplay(t *testing.T) {
	e := newEnv(t, sink.JetStreamOptions{})
	ctx := t.Context()

	t.Run("empty stream returns at once", func(t *testing.T) {
		calls := 0
		if err := e.js.Replay(ctx, func(sink.Event) error { calls++; return nil }); err != nil || calls != 0 {
			t.Errorf("Replay on empty stream = %v with %d calls, want nil and 0", err, calls)
		}
	})

	var want []string
	for i := 1; i <= 5; i++ {
		if _, _, err := e.js.Publish(ctx, sink.StoryEvent(newStory(i, "world")), sink.PublishOptions{}); err != nil {
			t.Fatal(err)
		}
		want = append(want, fmt.Sprintf("%d story s%03d", 2*i-1, i))
		if _, _, err := e.js.Publish(ctx, sink.DuplicateEvent(newDuplicate(fmt.Sprintf("s%03d", i), "world", "f2", i)), sink.PublishOptions{}); err != nil {
			t.Fatal(err)
		}
		want = append(want, fmt.Sprintf("%d dupe s%03d", 2*i, i))
	}
	// A message that is not a story is skipped, not fatal.
	if _, err := e.raw.Publish(ctx, "news.world", []byte("{not json")); err != nil {
		t.Fatal(err)
	}

	t.Run("all events in order", func(t *testing.T) {
		var got []string
		err := e.js.Replay(ctx, func(ev sink.Event) error {
			switch {
			case ev.Story != nil:
				got = append(got, fmt.Sprintf("%d story %s", ev.Seq, ev.Story.ID))
			case ev.Duplicate != nil:
				got = append(got, fmt.Sprintf("%d dupe %s", ev.Seq, ev.Duplicate.StoryID))
			}
			return nil
		})
		if err != nil {
			t.Fatalf("Replay: %v", err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("replayed events (-want +got):\n%s", diff)
		}
	})

	t.Run("callback error stops replay", func(t *testing.T) {
		stop := errors.New("stop")
		calls := 0
		err := e.js.Replay(ctx, func(sink.Event) error { calls++; return stop })
		if !errors.Is(err, stop) || calls != 1 {
			t.Errorf("Replay = %v after %d calls, want stop after 1", err, calls)
		}
	})

	t.Run("cancelled context", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if err := e.js.Replay(cctx, func(sink.Event) error { return nil }); !errors.Is(err, context.Canceled) {
			t.Errorf("Replay(cancelled) = %v, want context.Canceled", err)
		}
	})
}

func TestDecodeEvent(t *testing.T) {
	storyJSON := `{"v":1,"id":"s1","topic":"world","feed":"f","url":"u","canonical_url":"u","title":"T","fetched":"2026-01-02T03:04:05Z","text":"x","source":"summary","future_field":1}`
	dupeJSON := `{"v":1,"story":"s1","topic":"world","feed":"f","url":"u2","title":"T","seen":"2026-01-02T03:04:05Z","method":"url","similarity":1,"reason":"same url"}`
	splitJSON := `{"v":1,"id":"o1","op":"split","story":"s1","member":"m1","new_story":"s9","topic":"world","at":"2026-01-02T03:04:05Z"}`
	mergeJSON := `{"v":1,"id":"o2","op":"merge","story":"s1","other":"s2","topic":"world","at":"2026-01-02T03:04:05Z"}`
	tests := []struct {
		name         string
		subject      string
		data         string
		wantStory    string // ID of the decoded story, "" if none
		wantDupe     string // StoryID of the decoded duplicate
		wantOverride string // ID of the decoded override
		wantErr      bool
	}{
		{"split override", "feedsift.overrides.world", splitJSON, "", "", "o1", false},
		{"merge override", "feedsift.overrides.world", mergeJSON, "", "", "o2", false},
		{"override without op", "feedsift.overrides.world", `{"v":1,"id":"o3","story":"s1","topic":"world","at":"2026-01-02T03:04:05Z"}`, "", "", "", true},
		{"split without member", "feedsift.overrides.world", `{"v":1,"id":"o3","op":"split","story":"s1","new_story":"s2","topic":"world","at":"2026-01-02T03:04:05Z"}`, "", "", "", true},
		{"merge into itself", "feedsift.overrides.world", `{"v":1,"id":"o3","op":"merge","story":"s1","other":"s1","topic":"world","at":"2026-01-02T03:04:05Z"}`, "", "", "", true},
		{"override topic mismatch", "feedsift.overrides.tech", mergeJSON, "", "", "", true},
		{"story", "news.world", storyJSON, "s1", "", "", false},
		{"duplicate", "feedsift.dupes.world", dupeJSON, "", "s1", "", false},
		{"topic from subject when empty", "news.tech", `{"v":1,"id":"s2"}`, "s2", "", "", false},
		{"topic mismatch", "news.tech", storyJSON, "", "", "", true},
		{"unknown subject", "other.world", storyJSON, "", "", "", true},
		{"bare prefix", "news", storyJSON, "", "", "", true},
		{"broken json", "news.world", `{"v":1,`, "", "", "", true},
		{"missing id", "news.world", `{"v":1,"topic":"world"}`, "", "", "", true},
		{"missing version", "news.world", `{"id":"s1","topic":"world"}`, "", "", "", true},
		{"duplicate without story", "feedsift.dupes.world", `{"v":1,"topic":"world"}`, "", "", "", true},
		{"story payload on dupes subject", "feedsift.dupes.world", storyJSON, "", "", "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ev, err := sink.DecodeEvent(tc.subject, []byte(tc.data), 7, "", "")
			if tc.wantErr {
				if !errors.Is(err, sink.ErrInvalidEvent) {
					t.Errorf("DecodeEvent(%q) = %v, want ErrInvalidEvent", tc.subject, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("DecodeEvent(%q) = %v", tc.subject, err)
			}
			if ev.Seq != 7 || ev.Subject != tc.subject {
				t.Errorf("Seq, Subject = %d, %q", ev.Seq, ev.Subject)
			}
			if n := btoi(ev.Story != nil) + btoi(ev.Duplicate != nil) + btoi(ev.Override != nil); n != 1 {
				t.Fatalf("event %+v: want exactly one of Story, Duplicate and Override", ev)
			}
			if ev.Override != nil && ev.Override.ID != tc.wantOverride {
				t.Errorf("override ID = %q, want %q", ev.Override.ID, tc.wantOverride)
			}
			if ev.Override == nil && tc.wantOverride != "" {
				t.Errorf("no override decoded, want %q", tc.wantOverride)
			}
			if ev.Story != nil && ev.Story.ID != tc.wantStory {
				t.Errorf("story ID = %q, want %q", ev.Story.ID, tc.wantStory)
			}
			if ev.Duplicate != nil && ev.Duplicate.StoryID != tc.wantDupe {
				t.Errorf("duplicate StoryID = %q, want %q", ev.Duplicate.StoryID, tc.wantDupe)
			}
		})
	}
	if _, err := sink.DecodeEvent("a.x", []byte(`{"v":1,"id":"s"}`), 1, "a", "a"); !errors.Is(err, sink.ErrInvalidOption) {
		t.Errorf("overlapping prefixes: %v, want ErrInvalidOption", err)
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestOverridesPrefix(t *testing.T) {
	for in, want := range map[string]string{
		"": "feedsift.overrides", "feedsift.dupes": "feedsift.overrides", "dupes": "overrides", "a.b.c": "a.b.overrides",
	} {
		if got := sink.OverridesPrefix(in); got != want {
			t.Errorf("OverridesPrefix(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRetryable(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{nil, false},
		{fmt.Errorf("sink: publish x: %w", nats.ErrTimeout), true},
		{fmt.Errorf("sink: publish x: %w", context.DeadlineExceeded), true},
		{fmt.Errorf("sink: publish x: %w", jetstream.ErrNoStreamResponse), true},
		{nats.ErrNoResponders, true},
		{nats.ErrConnectionReconnecting, true},
		{&jetstream.APIError{Code: 503, Description: "unavailable"}, true},
		{&jetstream.APIError{Code: 400, Description: "bad request"}, false},
		{context.Canceled, false},
		{nats.ErrConnectionClosed, false},
		{fmt.Errorf("x: %w", sink.ErrInvalidEvent), false},
		{story.ErrInvalidTopic, false},
	}
	for _, tc := range tests {
		if got := sink.Retryable(tc.err); got != tc.want {
			t.Errorf("Retryable(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}

func TestPublish_NoStream(t *testing.T) {
	e := newEnv(t, sink.JetStreamOptions{})
	if err := e.raw.DeleteStream(t.Context(), e.js.Stream()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Second)
	defer cancel()
	_, _, err := e.js.Publish(ctx, sink.StoryEvent(newStory(1, "world")), sink.PublishOptions{})
	if err == nil {
		t.Fatal("Publish(story) without a stream succeeded")
	}
	if !sink.Retryable(err) {
		t.Errorf("Retryable(%v) = false, want true (stream may come back)", err)
	}
}

// TestRetryableJetStreamErrors: JetStream's answers that a cluster gives
// while it forms or a node restarts are retryable; a refusal of the
// request itself is not.
func TestRetryableJetStreamErrors(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"temporarily unavailable", &jetstream.APIError{Code: 503, Description: "JetStream system temporarily unavailable"}, true},
		{"no peers for placement", fmt.Errorf("create stream: %w",
			&jetstream.APIError{Code: 400, ErrorCode: 10005, Description: "no suitable peers for placement, peer offline"}), true},
		{"invalid stream config", &jetstream.APIError{Code: 400, ErrorCode: 10052, Description: "stream configuration invalid"}, false},
	}
	for _, tc := range tests {
		if got := sink.Retryable(tc.err); got != tc.want {
			t.Errorf("%s: Retryable(%v) = %v, want %v", tc.name, tc.err, got, tc.want)
		}
	}
}
