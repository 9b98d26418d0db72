package sink_test

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/feedsift/feedsift/internal/story"
	"github.com/feedsift/feedsift/sink"
)

// applyLog records the sequences Consume reports as applied (its debug
// record "sink: event applied").
type applyLog struct {
	mu   sync.Mutex
	seqs map[uint64]int
}

func (a *applyLog) Enabled(context.Context, slog.Level) bool { return true }
func (a *applyLog) WithAttrs([]slog.Attr) slog.Handler       { return a }
func (a *applyLog) WithGroup(string) slog.Handler            { return a }
func (a *applyLog) Handle(_ context.Context, r slog.Record) error {
	if r.Message != "sink: event applied" {
		return nil
	}
	r.Attrs(func(at slog.Attr) bool {
		if at.Key == "seq" {
			a.mu.Lock()
			a.seqs[at.Value.Uint64()]++
			a.mu.Unlock()
		}
		return true
	})
	return nil
}

func (a *applyLog) counts() map[uint64]int {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make(map[uint64]int, len(a.seqs))
	for k, v := range a.seqs {
		out[k] = v
	}
	return out
}

// runConsume starts Consume and returns a stop function that cancels it and
// waits for it to return, failing the test on a non-nil result.
func runConsume(t *testing.T, s *sink.Store, j *sink.JetStream, durable string) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- s.Consume(ctx, j, durable) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("Consume returned %v, want nil on cancel", err)
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// waitSeq waits for the store to apply seq. The bound is above the
// consumer's ack wait (30s): a message the server handed to a consumer that
// was stopped before it could apply it is redelivered only after that.
func waitSeq(t *testing.T, s *sink.Store, seq uint64) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 45*time.Second)
	defer cancel()
	if err := s.WaitSeq(ctx, seq); err != nil {
		t.Fatalf("WaitSeq(%d): %v", seq, err)
	}
}

func TestConsume_EndToEnd(t *testing.T) {
	e := newEnv(t, sink.JetStreamOptions{})
	ctx := t.Context()
	applied := &applyLog{seqs: map[uint64]int{}}
	s := openStore(t, sink.StoreOptions{Logger: slog.New(applied)})

	publish := func(st story.Story) uint64 {
		t.Helper()
		seq, _, err := e.js.Publish(ctx, sink.StoryEvent(st), sink.PublishOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return seq
	}
	s1, s2, s3 := newStory(1, "world"), newStory(2, "world.europe"), newStory(3, "tech")
	publish(s1)
	publish(s2)
	publish(s3)
	d := newDuplicate(s1.ID, "world", "feed-b", 1)
	last, _, err := e.js.Publish(ctx, sink.DuplicateEvent(d), sink.PublishOptions{})
	if err != nil {
		t.Fatal(err)
	}

	stop := runConsume(t, s, e.js, "store-test")
	waitSeq(t, s, last)

	// Readers work while the consumer runs.
	got, err := s.Stories(sink.StoryFilter{Topic: "world"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]story.Story{s2, s1}, got); diff != "" {
		t.Errorf("Stories(world) (-want +got):\n%s", diff)
	}
	rep, err := s.Report(sink.StoryFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]sink.ReportEntry{{Story: s1, Members: []story.Duplicate{d}}}, rep); diff != "" {
		t.Errorf("Report (-want +got):\n%s", diff)
	}
	stop()

	// Restart with the same durable: only new messages are applied.
	s4 := newStory(4, "tech")
	publish(s4)
	publish(s1) // absorbed by the duplicate window, not a new message
	last = publish(newStory(5, "world"))
	stop = runConsume(t, s, e.js, "store-test")
	waitSeq(t, s, last)
	stop()

	all, err := s.Stories(sink.StoryFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"s005", "s004", "s003", "s002", "s001"}, ids(all)); diff != "" {
		t.Errorf("stories after restart (-want +got):\n%s", diff)
	}
	want := map[uint64]int{1: 1, 2: 1, 3: 1, 4: 1, 5: 1, 6: 1}
	if diff := cmp.Diff(want, applied.counts()); diff != "" {
		t.Errorf("applications per stream sequence (-want +got):\n%s", diff)
	}
	cons, err := e.raw.Consumer(ctx, e.js.Stream(), "store-test")
	if err != nil {
		t.Fatal(err)
	}
	info, err := cons.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.Delivered.Consumer != 6 || info.AckFloor.Stream != 6 || info.NumAckPending != 0 {
		t.Errorf("consumer delivered %d times, ack floor %d, %d pending; want 6, 6, 0",
			info.Delivered.Consumer, info.AckFloor.Stream, info.NumAckPending)
	}
}

func TestConsume_PoisonMessage(t *testing.T) {
	e := newEnv(t, sink.JetStreamOptions{})
	ctx := t.Context()
	s := openStore(t, sink.StoreOptions{})
	if _, err := e.raw.Publish(ctx, "news.world", []byte("not json")); err != nil {
		t.Fatal(err)
	}
	if _, err := e.raw.Publish(ctx, "news.world", []byte(`{"v":1,"id":"x","topic":"tech"}`)); err != nil {
		t.Fatal(err)
	}
	last, _, err := e.js.Publish(ctx, sink.StoryEvent(newStory(1, "world")), sink.PublishOptions{})
	if err != nil {
		t.Fatal(err)
	}
	stop := runConsume(t, s, e.js, "")
	waitSeq(t, s, last)
	stop()
	all, err := s.Stories(sink.StoryFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"s001"}, ids(all)); diff != "" {
		t.Errorf("stories (-want +got):\n%s", diff)
	}
	cons, err := e.raw.Consumer(ctx, e.js.Stream(), sink.DefaultDurable)
	if err != nil {
		t.Fatal(err)
	}
	info, err := cons.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.AckFloor.Stream != last || info.NumAckPending != 0 {
		t.Errorf("ack floor %d with %d pending, want %d and 0 (poison terminated)",
			info.AckFloor.Stream, info.NumAckPending, last)
	}
}

func TestConsume_InvalidDurable(t *testing.T) {
	e := newEnv(t, sink.JetStreamOptions{})
	s := openStore(t, sink.StoreOptions{})
	for _, name := range []string{"a.b", "a b", "a*"} {
		if err := s.Consume(t.Context(), e.js, name); err == nil {
			t.Errorf("Consume(durable %q) = nil, want an error", name)
		}
	}
	if err := s.Consume(t.Context(), nil, "x"); err == nil {
		t.Error("Consume(nil JetStream) = nil, want an error")
	}
}
