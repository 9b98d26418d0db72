package pipeline

import (
	"context"
	"errors"
	"net/netip"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/feedsift/feedsift/dedupe"
	"github.com/feedsift/feedsift/fetcher"
	"github.com/feedsift/feedsift/internal/ledger"
	"github.com/feedsift/feedsift/internal/pollq"
	"github.com/feedsift/feedsift/internal/story"
	"github.com/feedsift/feedsift/sink"
)

// recordingQueue records what the scheduler enqueues and runs nothing.
type recordingQueue struct {
	mu    sync.Mutex
	polls []enqueued
}

type enqueued struct {
	feed string
	due  time.Time
}

func (q *recordingQueue) Enqueue(_ context.Context, feedID string, due time.Time) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.polls = append(q.polls, enqueued{feedID, due})
	return nil
}

func (q *recordingQueue) Run(ctx context.Context, _ int, _ pollq.Handler) error {
	<-ctx.Done()
	return nil
}

// dues returns the distinct due times feed was enqueued with, in order.
func (q *recordingQueue) dues(feed string) []time.Time {
	q.mu.Lock()
	defer q.mu.Unlock()
	var out []time.Time
	for _, p := range q.polls {
		if p.feed == feed && !slices.ContainsFunc(out, p.due.Equal) {
			out = append(out, p.due)
		}
	}
	return out
}

// refusingPublisher refuses every publish: the scheduler never publishes.
type refusingPublisher struct{}

func (refusingPublisher) Publish(context.Context, sink.Event, sink.PublishOptions) (uint64, bool, error) {
	return 0, false, errors.New("test: the scheduler published")
}

// refusingLedger is a ledger over an empty index whose publisher refuses
// everything.
func refusingLedger(t *testing.T) *ledger.Ledger {
	t.Helper()
	ix, err := dedupe.NewIndex(dedupe.Options{})
	if err != nil {
		t.Fatal(err)
	}
	l, err := ledger.New(ledger.Options{Index: ix, Publisher: refusingPublisher{}})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// TestScheduleOnFakeClock runs the scheduler for hours of fake time
// (testing/synctest) over a real feed-state store: a feed never polled and
// an overdue feed are enqueued at once, under the current period's due
// time; a feed due in an hour is left alone until then and enqueued under
// its own NextCheck; an overdue feed nobody polls is enqueued again under
// a new period once RequeueAfter has passed.
func TestScheduleOnFakeClock(t *testing.T) {
	store, err := sink.OpenStore(filepath.Join(t.TempDir(), "state.db"), sink.StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	synctest.Test(t, func(t *testing.T) {
		t0 := time.Now() // the bubble's clock: midnight UTC, 2000-01-01
		feed := func(id string) story.Feed {
			return story.Feed{ID: id, URL: "http://127.0.0.1:1/" + id, Topic: "local", Interval: 15 * time.Minute}
		}
		for id, next := range map[string]time.Time{"later": t0.Add(time.Hour), "overdue": t0.Add(-10 * time.Minute)} {
			if err := store.PutFeedState(t.Context(), story.FeedState{FeedID: id, NextCheck: next}); err != nil {
				t.Fatal(err)
			}
		}
		l := refusingLedger(t)
		client, err := fetcher.New(fetcher.Options{})
		if err != nil {
			t.Fatal(err)
		}
		q := &recordingQueue{}
		p, err := New(Options{Feeds: []story.Feed{feed("new"), feed("later"), feed("overdue")}, Fetcher: client,
			State: store, Ledger: l, Queue: q, SchedulerTick: time.Second, RequeueAfter: time.Minute})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		go func() {
			defer close(done)
			p.schedule(ctx, q)
		}()

		synctest.Wait()
		for _, id := range []string{"new", "overdue"} {
			if got := q.dues(id); len(got) != 1 || !got[0].Equal(t0) {
				t.Errorf("at start %s was enqueued with dues %v, want [%v]", id, got, t0)
			}
		}
		if got := q.dues("later"); len(got) != 0 {
			t.Errorf("at start the feed due in an hour was enqueued with dues %v", got)
		}

		time.Sleep(59 * time.Minute)
		synctest.Wait()
		if got := q.dues("later"); len(got) != 0 {
			t.Errorf("a minute before it is due, the feed was enqueued with dues %v", got)
		}
		if got := q.dues("overdue"); len(got) < 2 || !got[1].Equal(t0.Add(time.Minute)) {
			t.Errorf("an overdue feed nobody polled was enqueued with dues %v, want a new one each minute from %v", got, t0)
		}

		time.Sleep(time.Minute + 2*time.Second)
		synctest.Wait()
		if got := q.dues("later"); len(got) != 1 || !got[0].Equal(t0.Add(time.Hour)) {
			t.Errorf("once due, the feed was enqueued with dues %v, want [%v]", got, t0.Add(time.Hour))
		}
		cancel()
		<-done
	})
}

// countingState counts the reads of a feed-state store.
type countingState struct {
	StateStore
	mu    sync.Mutex
	reads int
}

func (c *countingState) FeedState(ctx context.Context, feedID string) (story.FeedState, bool, error) {
	c.mu.Lock()
	c.reads++
	c.mu.Unlock()
	return c.StateStore.FeedState(ctx, feedID)
}

// TestHandlePollReadsStateOnce: a poll the queue delivers reads the
// feed's shared state once, to check it is still due and to poll from
// it (in a cluster each read is a round trip to the KV bucket), and
// records its outcome.
func TestHandlePollReadsStateOnce(t *testing.T) {
	store, err := sink.OpenStore(filepath.Join(t.TempDir(), "state.db"), sink.StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	l := refusingLedger(t)
	client, err := fetcher.New(fetcher.Options{AllowNetworks: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}, Retries: -1})
	if err != nil {
		t.Fatal(err)
	}
	// Nothing listens on port 1: the poll fails at once, and its failure
	// is what it records.
	feed := story.Feed{ID: "refused", URL: "http://127.0.0.1:1/feed.xml", Topic: "local", Interval: 15 * time.Minute}
	state := &countingState{StateStore: store}
	p, err := New(Options{Feeds: []story.Feed{feed}, Fetcher: client, State: state, Ledger: l, Queue: &recordingQueue{}})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.handlePoll(t.Context(), feed.ID, time.Now()); err != nil {
		t.Fatalf("handlePoll: %v", err)
	}
	if state.reads != 1 {
		t.Errorf("the poll read the feed state %d times, want 1", state.reads)
	}
	st, ok, err := store.FeedState(t.Context(), feed.ID)
	if err != nil || !ok || st.Failures != 1 || st.LastFetch.IsZero() {
		t.Errorf("recorded state %+v (found %v, %v), want one failed poll", st, ok, err)
	}
}
