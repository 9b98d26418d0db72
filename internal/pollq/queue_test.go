package pollq_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/feedsift/feedsift/internal/pollq"
	"github.com/feedsift/feedsift/internal/testwait"
)

var due0 = time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)

func TestOpen_Options(t *testing.T) {
	url := server(t)
	_, js := connect(t, url)
	bad := map[string]pollq.Options{
		"stream with dot":         {Stream: "A.B"},
		"consumer with space":     {Consumer: "a b"},
		"wildcard prefix":         {SubjectPrefix: "feedsift.*"},
		"empty prefix token":      {SubjectPrefix: "feedsift..poll"},
		"replicas 6":              {Replicas: 6},
		"negative replicas":       {Replicas: -1},
		"ack wait too short":      {AckWait: 500 * time.Millisecond},
		"negative dup window":     {DuplicateWindow: -time.Second},
		"negative nak delay":      {NakDelay: -time.Second},
		"negative drain":          {DrainTimeout: -time.Second},
		"negative max ack pendng": {MaxAckPending: -1},
	}
	for name, opts := range bad {
		t.Run(name, func(t *testing.T) {
			if _, err := pollq.Open(t.Context(), js, opts); !errors.Is(err, pollq.ErrInvalidOption) {
				t.Errorf("Open(%+v) err = %v, want ErrInvalidOption", opts, err)
			}
		})
	}
	if _, err := pollq.Open(t.Context(), nil, pollq.Options{}); !errors.Is(err, pollq.ErrInvalidOption) {
		t.Errorf("Open(nil js) err = %v, want ErrInvalidOption", err)
	}

	t.Run("defaults and reopen", func(t *testing.T) {
		q, err := pollq.Open(t.Context(), js, pollq.Options{})
		if err != nil {
			t.Fatal(err)
		}
		// A second instance with another ack wait updates the consumer.
		if _, err := pollq.Open(t.Context(), js, pollq.Options{AckWait: 90 * time.Second}); err != nil {
			t.Fatalf("reopen: %v", err)
		}
		s, err := js.Stream(t.Context(), q.Stream())
		if err != nil {
			t.Fatal(err)
		}
		si, err := s.Info(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		c, err := s.Consumer(t.Context(), q.Consumer())
		if err != nil {
			t.Fatal(err)
		}
		ci, err := c.Info(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		type cfg struct {
			Stream, Consumer  string
			Subjects          []string
			Retention         jetstream.RetentionPolicy
			Duplicates        time.Duration
			MaxMsgsPerSubject int64
			DiscardNewPer     bool
			AckPolicy         jetstream.AckPolicy
			AckWait           time.Duration
			MaxDeliver        int
		}
		got := cfg{si.Config.Name, ci.Config.Durable, si.Config.Subjects, si.Config.Retention,
			si.Config.Duplicates, si.Config.MaxMsgsPerSubject, si.Config.DiscardNewPerSubject,
			ci.Config.AckPolicy, ci.Config.AckWait, ci.Config.MaxDeliver}
		want := cfg{"FEEDSIFT_POLLS", "pollers", []string{"feedsift.poll.>"}, jetstream.WorkQueuePolicy,
			2 * time.Minute, 1, true, jetstream.AckExplicitPolicy, 90 * time.Second, -1}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("stream and consumer config (-want +got):\n%s", diff)
		}
	})
}

func TestEnqueue_Invalid(t *testing.T) {
	q := instance(t, server(t), pollq.Options{})
	bad := map[string]string{
		"empty":        "",
		"newline":      "a\nb",
		"invalid utf8": "a\xffb",
		"too long":     strings.Repeat("x", pollq.MaxFeedIDLen+1),
	}
	for name, id := range bad {
		t.Run(name, func(t *testing.T) {
			if err := q.Enqueue(t.Context(), id, due0); !errors.Is(err, pollq.ErrInvalidFeedID) {
				t.Errorf("Enqueue(%q) err = %v, want ErrInvalidFeedID", id, err)
			}
		})
	}
	if err := q.Enqueue(t.Context(), "f", time.Time{}); !errors.Is(err, pollq.ErrInvalidOption) {
		t.Errorf("Enqueue with zero due: err = %v, want ErrInvalidOption", err)
	}
	if err := q.Run(t.Context(), 0, func(context.Context, string, time.Time) error { return nil }); !errors.Is(err, pollq.ErrInvalidOption) {
		t.Errorf("Run with 0 workers: err = %v, want ErrInvalidOption", err)
	}
	if err := q.Run(t.Context(), 1, nil); !errors.Is(err, pollq.ErrInvalidOption) {
		t.Errorf("Run with nil handler: err = %v, want ErrInvalidOption", err)
	}
}

func TestQueue_Subject(t *testing.T) {
	q := instance(t, server(t), pollq.Options{SubjectPrefix: "x.polls"})
	for id, want := range map[string]string{
		"bbc-world":                "x.polls.bbc-world",
		"example.com/news/rss.xml": "x.polls.example=2Ecom=2Fnews=2Frss=2Exml",
		"a*b>c d":                  "x.polls.a=2Ab=3Ec=20d",
		"ü":                        "x.polls.=C3=BC",
	} {
		got, err := q.Subject(id)
		if err != nil || got != want {
			t.Errorf("Subject(%q) = %q, %v; want %q", id, got, err, want)
		}
	}
}

// TestEnqueue_SameDueOnce has three instances enqueue the same due poll
// (and odd feed IDs) at once; each poll is stored and handled once, and
// enqueueing it again after it ran, inside the duplicate window, does
// not queue it again.
func TestEnqueue_SameDueOnce(t *testing.T) {
	url := server(t)
	var qs []*pollq.Queue
	for range 3 {
		qs = append(qs, instance(t, url, pollq.Options{}))
	}
	_, js := connect(t, url)
	feeds := []string{"bbc-world", "example.com/rss.xml", "a b*c>"}
	var wg sync.WaitGroup
	for _, q := range qs {
		for _, f := range feeds {
			wg.Go(func() {
				if err := q.Enqueue(t.Context(), f, due0); err != nil {
					t.Errorf("Enqueue(%s): %v", f, err)
				}
			})
		}
	}
	wg.Wait()
	// Another due of a pending feed is absorbed too: one poll per feed.
	if err := qs[0].Enqueue(t.Context(), feeds[0], due0.Add(time.Minute)); err != nil {
		t.Errorf("Enqueue of a pending feed with another due: %v", err)
	}
	if msgs, _, _ := queueState(t, js, qs[0]); msgs != uint64(len(feeds)) {
		t.Fatalf("stream holds %d polls, want %d", msgs, len(feeds))
	}

	var h handled
	for i, q := range qs {
		run(t, q, 2, func(_ context.Context, feed string, due time.Time) error {
			h.add(fmt.Sprint(i), feed, due)
			return nil
		})
	}
	testwait.Until(t, "every poll acked", waitLimit, func() bool {
		msgs, ackPending, pending := queueState(t, js, qs[0])
		return msgs == 0 && ackPending == 0 && pending == 0
	})
	// The same due poll again, from every instance, after it ran.
	for _, q := range qs {
		if err := q.Enqueue(t.Context(), feeds[1], due0); err != nil {
			t.Fatalf("Enqueue again: %v", err)
		}
	}
	if msgs, ackPending, pending := queueState(t, js, qs[0]); msgs+pending+uint64(ackPending) != 0 {
		t.Errorf("re-enqueued poll was queued again: msgs %d, ack pending %d, pending %d", msgs, ackPending, pending)
	}

	count := map[string]int{}
	for _, p := range h.all() {
		count[p.Feed]++
		if !p.Due.Equal(due0) {
			t.Errorf("poll of %s handled with due %v, want %v", p.Feed, p.Due, due0)
		}
	}
	want := map[string]int{}
	for _, f := range feeds {
		want[f] = 1
	}
	if diff := cmp.Diff(want, count); diff != "" {
		t.Errorf("handled polls per feed (-want +got):\n%s", diff)
	}
}

// TestRun_WorkersBound checks that one Run never has more than its
// workers handlers running, and that the server has no more than that
// many polls delivered to it (none waits in a client buffer).
func TestRun_WorkersBound(t *testing.T) {
	url := server(t)
	q := instance(t, url, pollq.Options{})
	_, js := connect(t, url)
	const workers, feeds = 3, 12
	for i := range feeds {
		if err := q.Enqueue(t.Context(), fmt.Sprintf("feed-%02d", i), due0); err != nil {
			t.Fatal(err)
		}
	}
	var running, peak atomic.Int32
	gate := make(chan struct{})
	var h handled
	run(t, q, workers, func(ctx context.Context, feed string, due time.Time) error {
		n := running.Add(1)
		defer running.Add(-1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		select {
		case <-gate:
		case <-ctx.Done():
			return ctx.Err()
		}
		h.add("a", feed, due)
		return nil
	})
	testwait.Until(t, "all workers busy", waitLimit, func() bool { return running.Load() == workers })
	if _, ackPending, _ := queueState(t, js, q); ackPending != workers {
		t.Errorf("with %d workers busy the server has %d polls delivered, want %d", workers, ackPending, workers)
	}
	close(gate)
	testwait.Until(t, "every feed handled", waitLimit, func() bool { return h.len() == feeds })
	if p := peak.Load(); p != workers {
		t.Errorf("peak concurrent handlers = %d, want %d", p, workers)
	}
}

// TestRun_SpreadsOverInstances runs two instances with two workers each;
// while four polls are held, each instance holds two, and every feed is
// handled exactly once overall.
func TestRun_SpreadsOverInstances(t *testing.T) {
	url := server(t)
	a, b := instance(t, url, pollq.Options{}), instance(t, url, pollq.Options{})
	const feeds = 20
	for i := range feeds {
		if err := a.Enqueue(t.Context(), fmt.Sprintf("feed-%02d", i), due0); err != nil {
			t.Fatal(err)
		}
	}
	var running atomic.Int32
	perInstance := [2]atomic.Int32{}
	gate := make(chan struct{})
	var h handled
	for i, q := range []*pollq.Queue{a, b} {
		run(t, q, 2, func(ctx context.Context, feed string, due time.Time) error {
			running.Add(1)
			perInstance[i].Add(1)
			defer perInstance[i].Add(-1)
			defer running.Add(-1)
			select {
			case <-gate:
			case <-ctx.Done():
				return ctx.Err()
			}
			h.add(fmt.Sprint(i), feed, due)
			return nil
		})
	}
	testwait.Until(t, "four polls held", waitLimit, func() bool { return running.Load() == 4 })
	if pa, pb := perInstance[0].Load(), perInstance[1].Load(); pa != 2 || pb != 2 {
		t.Errorf("held polls per instance = %d and %d, want 2 and 2", pa, pb)
	}
	close(gate)
	testwait.Until(t, "every feed handled", waitLimit, func() bool { return h.len() == feeds })
	seen := map[string]int{}
	byInstance := map[string]int{}
	for _, p := range h.all() {
		seen[p.Feed]++
		byInstance[p.Instance]++
	}
	for f, n := range seen {
		if n != 1 {
			t.Errorf("feed %s handled %d times", f, n)
		}
	}
	if len(seen) != feeds || byInstance["0"] == 0 || byInstance["1"] == 0 {
		t.Errorf("handled %d feeds, by instance %v; want %d spread over both", len(seen), byInstance, feeds)
	}
}

// TestRun_RedeliveryAfterCrash: instance A takes a poll and dies while
// running it (its connection closes, nothing is acked); instance B gets
// the same poll once the ack wait has passed.
func TestRun_RedeliveryAfterCrash(t *testing.T) {
	url := server(t)
	opts := pollq.Options{AckWait: 2 * time.Second, DrainTimeout: 100 * time.Millisecond}
	ncA, jsA := connect(t, url)
	a, err := pollq.Open(t.Context(), jsA, opts)
	if err != nil {
		t.Fatal(err)
	}
	b := instance(t, url, opts)
	if err := b.Enqueue(t.Context(), "slow-feed", due0); err != nil {
		t.Fatal(err)
	}

	started := make(chan struct{})
	var aReturned atomic.Bool
	stopA := run(t, a, 1, func(ctx context.Context, feed string, due time.Time) error {
		close(started)
		<-ctx.Done() // a hung poll: only the drain cancels it
		aReturned.Store(true)
		return ctx.Err()
	})
	select {
	case <-started:
	case <-time.After(20 * time.Second):
		t.Fatal("instance A never got the poll")
	}
	ncA.Close() // the crash: no ack, no nak, no progress reports
	stopA()
	if !aReturned.Load() {
		t.Error("A's handler had not returned when A's Run did")
	}

	got := make(chan handledPoll, 1)
	run(t, b, 1, func(_ context.Context, feed string, due time.Time) error {
		got <- handledPoll{"b", feed, due}
		return nil
	})
	select {
	case p := <-got:
		if want := (handledPoll{"b", "slow-feed", due0}); !p.Due.Equal(due0) || p.Feed != want.Feed {
			t.Errorf("B handled %+v, want %+v", p, want)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("instance B never got the poll A held")
	}
}

// TestRun_HandlerError: a failing poll is naked and runs again; a
// success acks it.
func TestRun_HandlerError(t *testing.T) {
	url := server(t)
	var logs logBuffer
	_, js := connect(t, url)
	q, err := pollq.Open(t.Context(), js, pollq.Options{NakDelay: 50 * time.Millisecond, Logger: logs.logger()})
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Enqueue(t.Context(), "flaky", due0); err != nil {
		t.Fatal(err)
	}
	var calls atomic.Int32
	run(t, q, 1, func(_ context.Context, feed string, _ time.Time) error {
		if calls.Add(1) < 3 {
			return errors.New("feed store unreachable")
		}
		return nil
	})
	testwait.Until(t, "poll acked", waitLimit, func() bool {
		msgs, ackPending, _ := queueState(t, js, q)
		return calls.Load() >= 3 && msgs == 0 && ackPending == 0
	})
	if n := calls.Load(); n != 3 {
		t.Errorf("handler ran %d times, want 3", n)
	}
	for _, line := range []string{"poll failed", "feed store unreachable", "delivered again"} {
		if !strings.Contains(logs.String(), line) {
			t.Errorf("log lacks %q", line)
		}
	}
}

// TestRun_MalformedTerminated: messages on the queue's subjects that are
// not polls are terminated and logged; the polls after them run.
func TestRun_MalformedTerminated(t *testing.T) {
	url := server(t)
	var logs logBuffer
	_, js := connect(t, url)
	q, err := pollq.Open(t.Context(), js, pollq.Options{Logger: logs.logger()})
	if err != nil {
		t.Fatal(err)
	}
	junk := map[string]string{
		"feedsift.poll.junk":       "not json",
		"feedsift.poll.nodue":      `{"feed":"nodue"}`,
		"feedsift.poll.elsewhere":  `{"feed":"other","due":"2026-05-01T12:00:00Z"}`,
		"feedsift.poll.a.b":        `{"feed":"a.b","due":"2026-05-01T12:00:00Z"}`,
		"feedsift.poll.empty-feed": `{"feed":"","due":"2026-05-01T12:00:00Z"}`,
	}
	for subj, body := range junk {
		if _, err := js.Publish(t.Context(), subj, []byte(body)); err != nil {
			t.Fatalf("publish junk on %s: %v", subj, err)
		}
	}
	if err := q.Enqueue(t.Context(), "good", due0); err != nil {
		t.Fatal(err)
	}
	var h handled
	run(t, q, 2, func(_ context.Context, feed string, due time.Time) error {
		h.add("a", feed, due)
		return nil
	})
	testwait.Until(t, "queue empty", waitLimit, func() bool {
		msgs, ackPending, pending := queueState(t, js, q)
		return msgs == 0 && ackPending == 0 && pending == 0 && h.len() > 0
	})
	if diff := cmp.Diff([]handledPoll{{"a", "good", due0}}, h.all()); diff != "" {
		t.Errorf("handled (-want +got):\n%s", diff)
	}
	if n := strings.Count(logs.String(), "terminating message that is not a poll"); n != len(junk) {
		t.Errorf("logged %d terminations, want %d:\n%s", n, len(junk), logs.String())
	}
}

// TestRun_ShutdownNaksForOthers: when A's Run ends while its handler is
// running, the handler's context is cancelled after the drain timeout,
// the poll is naked at once and B runs it.
func TestRun_ShutdownNaksForOthers(t *testing.T) {
	url := server(t)
	opts := pollq.Options{AckWait: 60 * time.Second, DrainTimeout: 200 * time.Millisecond}
	a, b := instance(t, url, opts), instance(t, url, opts)
	if err := a.Enqueue(t.Context(), "f", due0); err != nil {
		t.Fatal(err)
	}
	started := make(chan struct{})
	stopA := run(t, a, 1, func(ctx context.Context, _ string, _ time.Time) error {
		close(started)
		<-ctx.Done()
		return ctx.Err()
	})
	<-started
	stopA()
	got := make(chan string, 1)
	run(t, b, 1, func(_ context.Context, feed string, _ time.Time) error {
		got <- feed
		return nil
	})
	// The ack wait is 60s: only the nak can bring the poll to B in time.
	select {
	case f := <-got:
		if f != "f" {
			t.Errorf("B handled %q, want f", f)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("B never got the poll A gave back")
	}
}
