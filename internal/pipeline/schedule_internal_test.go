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
	"github.com/feedsift/feedsift/internal/testwait"
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

// sends returns how many times feed was enqueued, repeats included.
func (q *recordingQueue) sends(feed string) int {
	q.mu.Lock()
	defer q.mu.Unlock()
	n := 0
	for _, p := range q.polls {
		if p.feed == feed {
			n++
		}
	}
	return n
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

// openStateStore opens a bbolt feed-state store in the test's temporary
// directory, closed when the test ends.
func openStateStore(t *testing.T) *sink.Store {
	t.Helper()
	store, err := sink.OpenStore(filepath.Join(t.TempDir(), "state.db"), sink.StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Close() })
	return store
}

// runSchedule runs p's scheduler over q until the returned stop is
// called; stop returns once the scheduler has.
func runSchedule(p *Pipeline, q *recordingQueue) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		p.schedule(ctx, q)
	}()
	return func() {
		cancel()
		<-done
	}
}

// TestScheduleOnFakeClock runs the scheduler for hours of fake time
// (testing/synctest) over a real feed-state store: a feed never polled and
// an overdue feed are enqueued at once, under the current period's due
// time; a feed due in an hour is left alone until then and enqueued under
// its own NextCheck; an overdue feed nobody polls is enqueued again under
// a new period once RequeueAfter has passed.
func TestScheduleOnFakeClock(t *testing.T) {
	store := openStateStore(t)
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
		stop := runSchedule(p, q)
		defer stop()

		synctest.Wait()
		for _, id := range []string{"new", "overdue"} {
			if got := q.dues(id); len(got) != 1 || !got[0].Equal(t0) {
				t.Errorf("at start %s was enqueued with dues %v, want [%v]", id, got, t0)
			}
		}
		if got := q.dues("later"); len(got) != 0 {
			t.Errorf("at start the feed due in an hour was enqueued with dues %v", got)
		}

		testwait.Advance(59 * time.Minute)
		if got := q.dues("later"); len(got) != 0 {
			t.Errorf("a minute before it is due, the feed was enqueued with dues %v", got)
		}
		if got := q.dues("overdue"); len(got) < 2 || !got[1].Equal(t0.Add(time.Minute)) {
			t.Errorf("an overdue feed nobody polled was enqueued with dues %v, want a new one each minute from %v", got, t0)
		}

		testwait.Advance(time.Minute + 2*time.Second)
		if got := q.dues("later"); len(got) != 1 || !got[0].Equal(t0.Add(time.Hour)) {
			t.Errorf("once due, the feed was enqueued with dues %v, want [%v]", got, t0.Add(time.Hour))
		}
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
	store := openStateStore(t)
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
	// The scheduler learns the NextCheck the poll recorded from the poll,
	// not by reading the state again.
	if got := p.takePolled(); len(got) != 1 || !got[feed.ID].Equal(st.NextCheck) {
		t.Errorf("noted for the scheduler %v, want %s at %v", got, feed.ID, st.NextCheck)
	}
}

// TestFeedByIDFollowsSetFeeds: a poll finds its feed by ID in the list
// SetFeeds set last.
func TestFeedByIDFollowsSetFeeds(t *testing.T) {
	feed := func(id string) story.Feed {
		return story.Feed{ID: id, URL: "http://127.0.0.1:1/" + id, Topic: "local", Interval: time.Minute}
	}
	p, err := New(Options{Feeds: []story.Feed{feed("a"), feed("b")}, Fetcher: &fetcher.Client{}, State: &countingState{}, Ledger: refusingLedger(t)})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.SetFeeds([]story.Feed{feed("c"), feed("b")}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		id   string
		want bool
	}{{"a", false}, {"b", true}, {"c", true}, {"d", false}}
	for _, tc := range tests {
		f, ok := p.feedByID(tc.id)
		if ok != tc.want || (ok && f != feed(tc.id)) {
			t.Errorf("feedByID(%q) = %+v, %v; want found %v", tc.id, f, ok, tc.want)
		}
	}
}

// queuedFeed is a scheduler running on a synctest bubble's fake clock
// over one feed due at the bubble's start whose poll nobody runs (the
// queue only records), its state store counting reads.
type queuedFeed struct {
	feed  story.Feed
	state *countingState
	q     *recordingQueue
	p     *Pipeline
	stop  func()
}

// scheduleQueuedFeed starts a queuedFeed inside a bubble; the caller
// defers its stop.
func scheduleQueuedFeed(t *testing.T, store *sink.Store) queuedFeed {
	t.Helper()
	feed := story.Feed{ID: "queued", URL: "http://127.0.0.1:1/feed.xml", Topic: "local", Interval: time.Hour}
	if err := store.PutFeedState(t.Context(), story.FeedState{FeedID: feed.ID, NextCheck: time.Now()}); err != nil {
		t.Fatal(err)
	}
	qf := queuedFeed{feed: feed, state: &countingState{StateStore: store}, q: &recordingQueue{}}
	var err error
	qf.p, err = New(Options{Feeds: []story.Feed{feed}, Fetcher: &fetcher.Client{}, State: qf.state, Ledger: refusingLedger(t),
		Queue: qf.q, SchedulerTick: time.Second, RequeueAfter: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	qf.stop = runSchedule(qf.p, qf.q)
	return qf
}

// TestScheduleRecheckBackoff runs the scheduler on a fake clock over a
// feed whose poll stays queued (nobody runs it): it reads the feed's
// state 5 s after enqueueing it, then ever less often while the state
// names the same due time, but never less than twice per RequeueAfter,
// so the poll is still enqueued under a new id each period. A poll this
// instance runs tells the scheduler its NextCheck, which it then keeps
// to the second, however long its wait had grown.
func TestScheduleRecheckBackoff(t *testing.T) {
	store := openStateStore(t)
	synctest.Test(t, func(t *testing.T) {
		t0 := time.Now()
		qf := scheduleQueuedFeed(t, store)
		defer qf.stop()
		feed, state, q, p := qf.feed, qf.state, qf.q, qf.p
		reads := func() int {
			state.mu.Lock()
			defer state.mu.Unlock()
			return state.reads
		}

		testwait.Advance(10*time.Minute + time.Second)
		// Looks at 0, ~5, ~15, ~35 s, then every 30 s: about 23 in ten
		// minutes, where a look every 5 s made 120.
		if n := reads(); n < 20 || n > 30 {
			t.Errorf("the scheduler read the state of a feed whose poll stayed queued %d times in 10 minutes, want 20 to 30", n)
		}
		dues := q.dues(feed.ID)
		for i, due := range dues {
			if want := t0.Add(time.Duration(i) * time.Minute); !due.Equal(want) {
				t.Errorf("due %d = %v, want %v", i, due, want)
			}
		}
		if len(dues) < 10 {
			t.Errorf("enqueued with %d dues in 10 minutes, want one a minute: %v", len(dues), dues)
		}

		// This instance polls the feed: the next check, 3 s away, is
		// noted; the scheduler enqueues the feed then, not when its
		// grown wait ends.
		next := time.Now().Add(3 * time.Second).Truncate(time.Second)
		if err := store.PutFeedState(t.Context(), story.FeedState{FeedID: feed.ID, NextCheck: next}); err != nil {
			t.Fatal(err)
		}
		p.notePolled(feed.ID, next)
		testwait.Advance(3*time.Second + 1500*time.Millisecond) // a tick and its jitter after next
		if dues := q.dues(feed.ID); !dues[len(dues)-1].Equal(next) {
			t.Errorf("after a local poll noted its next check %v, the feed was enqueued with dues %v", next, dues)
		}
	})
}

// TestScheduleEnqueuesEachPollOnce runs the scheduler on a fake clock
// over a feed whose poll stays queued: each look at the feed reads its
// state, but the poll is published once per id (once per RequeueAfter
// period while it is overdue), not once per look: the queue would absorb
// the repeats, and with thousands of feeds queued each was a round trip.
// When a poll of this instance fails to record its outcome, the
// scheduler enqueues the feed again soon, under the same id, for the
// in-process queue forgets a poll once it has run.
func TestScheduleEnqueuesEachPollOnce(t *testing.T) {
	store := openStateStore(t)
	synctest.Test(t, func(t *testing.T) {
		qf := scheduleQueuedFeed(t, store)
		defer qf.stop()
		feed, q, p := qf.feed, qf.q, qf.p

		testwait.Advance(10*time.Minute + time.Second)
		dues, sends := q.dues(feed.ID), q.sends(feed.ID)
		if len(dues) < 10 {
			t.Errorf("enqueued with %d dues in 10 minutes, want one a minute: %v", len(dues), dues)
		}
		if sends != len(dues) {
			t.Errorf("enqueued %d times under %d ids in 10 minutes, want each id once", sends, len(dues))
		}

		// A poll of this instance ran and could not record its outcome:
		// the scheduler enqueues the feed again within seconds.
		before := q.sends(feed.ID)
		p.notePolled(feed.ID, time.Now().Add(maxRecheck))
		testwait.Advance(maxRecheck + 2*time.Second)
		if got := q.sends(feed.ID); got != before+1 {
			t.Errorf("after a local poll that recorded nothing, enqueued %d more times, want 1", got-before)
		}
	})
}
