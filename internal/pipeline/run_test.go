package pipeline_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/feedsift/feedsift/fetcher"
	"github.com/feedsift/feedsift/internal/feedfarm"
	"github.com/feedsift/feedsift/internal/pipeline"
	"github.com/feedsift/feedsift/internal/story"
	"github.com/feedsift/feedsift/parser"
)

// brokenFeed is an RSS document cut off in the middle of an item.
const brokenFeed = `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Broken</title>
<item><title>Half an item</title><link>http://example.invalid/a</link><description>It stops he`

// badFeeds serves a feed that is not found and one that does not parse,
// next to the demo courier feed, and returns the three feeds.
func badFeeds(t *testing.T, interval time.Duration) (missing, broken, good story.Feed) {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /missing.xml", http.NotFound)
	mux.HandleFunc("GET /broken.xml", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		_, _ = w.Write([]byte(brokenFeed))
	})
	srv := serve(t, mux)
	sc := feedfarm.Scenario{Sites: []feedfarm.Site{{Name: "courier", Format: feedfarm.FormatRSS, Topic: "local",
		Entries: []feedfarm.Entry{{Article: demoArticles()["tram-line-3-opens"], GUID: "c-1"}}}}}
	farm := feedfarm.New(sc)
	good = farmFeeds(sc, farm, serveFarm(t, farm, nil).URL, interval)[0]
	missing = story.Feed{ID: "gone-daily", URL: srv.URL + "/missing.xml", Topic: "local", Interval: interval}
	broken = story.Feed{ID: "broken-weekly", URL: srv.URL + "/broken.xml", Topic: "local", Interval: interval}
	return missing, broken, good
}

// TestBadFeeds checks that a feed that cannot be fetched or parsed gives
// an error naming it, and that it does not keep Run from publishing the
// stories of a good feed.
func TestBadFeeds(t *testing.T) {
	t.Run("poll", func(t *testing.T) {
		e := newEnv(t, nil)
		missing, broken, _ := badFeeds(t, time.Minute)
		p := e.pipeline(t, pipeline.Options{Feeds: []story.Feed{missing, broken}})
		for _, tc := range []struct {
			feed  story.Feed
			kind  string
			cause func(error) bool
		}{
			{missing, pipeline.ErrKindFetch, func(err error) bool {
				var se *fetcher.StatusError
				return errors.As(err, &se) && se.Code == http.StatusNotFound
			}},
			{broken, pipeline.ErrKindParse, func(err error) bool { return errors.Is(err, parser.ErrMalformed) }},
		} {
			t.Run(tc.kind, func(t *testing.T) {
				res, err := p.Poll(t.Context(), tc.feed)
				var pe *pipeline.PollError
				if !errors.As(err, &pe) {
					t.Fatalf("Poll(%s) returned %v, want a *PollError", tc.feed.ID, err)
				}
				if pe.FeedID != tc.feed.ID || pe.Kind != tc.kind || !tc.cause(err) {
					t.Errorf("PollError feed %q kind %q cause %v; want %q %q and the underlying cause",
						pe.FeedID, pe.Kind, pe.Err, tc.feed.ID, tc.kind)
				}
				for _, want := range []string{"pipeline: feed " + tc.feed.ID, tc.kind, tc.feed.URL} {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("error %q does not name %q", err, want)
					}
				}
				if res.Published != 0 {
					t.Errorf("a failed poll published %d stories", res.Published)
				}
				st := e.state(t, tc.feed.ID)
				if st.Failures != 1 || st.LastError != err.Error() {
					t.Errorf("stored state: failures %d, last error %q; want 1 and %q", st.Failures, st.LastError, err)
				}
			})
		}
	})

	t.Run("run", func(t *testing.T) {
		e := newEnv(t, nil)
		missing, broken, good := badFeeds(t, 200*time.Millisecond)
		p := e.pipeline(t, pipeline.Options{
			Feeds: []story.Feed{missing, broken, good}, Workers: 2, MaxBackoff: time.Second, DrainTimeout: 5 * time.Second,
		})
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		done := start(ctx, p)
		e.waitStream(t, 1, done)
		cancel()
		waitDone(t, done, 15*time.Second)

		stories, dupes := e.read(t)
		if len(stories) != 1 || len(dupes) != 0 || stories[0].FeedID != good.ID {
			t.Errorf("stream has %d stories and %d duplicates, want the one story of %s", len(stories), len(dupes), good.ID)
		}
		if st := e.state(t, good.ID); st.Failures != 0 || st.LastSuccess.IsZero() || st.ETag == "" {
			t.Errorf("good feed state %+v, want a success with validators", st)
		}
		for _, f := range []story.Feed{missing, broken} {
			st := e.state(t, f.ID)
			if st.Failures < 1 || !strings.Contains(st.LastError, f.ID) || !st.LastSuccess.IsZero() {
				t.Errorf("feed %s state: failures %d, last error %q, last success %v; want a failure naming it",
					f.ID, st.Failures, st.LastError, st.LastSuccess)
			}
		}
		if got := e.counter(t, "feedsift_errors_total", pipeline.ErrKindFetch); got < 1 {
			t.Errorf("feedsift_errors_total{kind=fetch} = %v, want at least 1", got)
		}
		if got := e.counter(t, "feedsift_errors_total", pipeline.ErrKindParse); got < 1 {
			t.Errorf("feedsift_errors_total{kind=parse} = %v, want at least 1", got)
		}
	})
}

// barrier holds each of n first requests for feed paths until all n have
// arrived, so that n polls are in flight at once.
type barrier struct {
	paths map[string]bool
	mu    sync.Mutex
	seen  map[string]bool
	all   chan struct{}
}

func newBarrier(paths ...string) *barrier {
	b := &barrier{paths: map[string]bool{}, seen: map[string]bool{}, all: make(chan struct{})}
	for _, p := range paths {
		b.paths[p] = true
	}
	return b
}

func (b *barrier) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if b.paths[r.URL.Path] {
			b.mu.Lock()
			if !b.seen[r.URL.Path] {
				b.seen[r.URL.Path] = true
				if len(b.seen) == len(b.paths) {
					close(b.all)
				}
			}
			b.mu.Unlock()
			select {
			case <-b.all:
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		}
		h.ServeHTTP(w, r)
	})
}

// TestRunConcurrentCopies polls two feeds that carry the same article in
// different wrappers at the same moment: one story and one duplicate. The
// interleaving is up to the scheduler, so it is tried a few times.
func TestRunConcurrentCopies(t *testing.T) {
	flood := demoArticles()["river-aske-floods-lowbridge"]
	scA := feedfarm.Scenario{Sites: []feedfarm.Site{{Name: "courier", Format: feedfarm.FormatRSS, Topic: "regional",
		Template: feedfarm.TemplateNewsroom, Entries: []feedfarm.Entry{{Article: flood, GUID: "courier-77"}}}}}
	scB := feedfarm.Scenario{Sites: []feedfarm.Site{{Name: "wire", Format: feedfarm.FormatJSON, Topic: "regional",
		Template: feedfarm.TemplateWire, Entries: []feedfarm.Entry{{
			Article: flood, GUID: "wire-0388", Slug: "2026/03/lowbridge-evacuated",
			Header: []string{"This story was first published by the Vellmouth Courier and is republished with permission."},
			Footer: []string{"More from our partner newsrooms: coastlinewire.example/partners"},
		}}}}}
	for attempt := range 3 {
		t.Run(fmt.Sprint("attempt ", attempt), func(t *testing.T) {
			e := newEnv(t, nil)
			farmA, farmB := feedfarm.New(scA), feedfarm.New(scB)
			b := newBarrier("/courier/feed.xml", "/wire/feed.json")
			feedA := farmFeeds(scA, farmA, serveFarm(t, farmA, b.wrap).URL, time.Hour)[0]
			feedB := farmFeeds(scB, farmB, serveFarm(t, farmB, b.wrap).URL, time.Hour)[0]

			p := e.pipeline(t, pipeline.Options{Feeds: []story.Feed{feedA, feedB}, Workers: 2, DrainTimeout: 5 * time.Second})
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			done := start(ctx, p)
			e.waitStream(t, 2, done)
			// Both polls are done (the next ones are an hour away).
			cancel()
			waitDone(t, done, 15*time.Second)

			stories, dupes := e.read(t)
			if len(stories) != 1 || len(dupes) != 1 {
				t.Fatalf("stream has %d stories and %d duplicates, want 1 and 1", len(stories), len(dupes))
			}
			if d := dupes[0]; d.StoryID != stories[0].ID || d.FeedID == stories[0].FeedID || d.Method != "content" {
				t.Errorf("duplicate %+v of story %s from %s, want a content match from the other feed",
					d, stories[0].ID, stories[0].FeedID)
			}
		})
	}
}

// TestRunDrain cancels Run while a poll waits for a slow server.
func TestRunDrain(t *testing.T) {
	tram := demoArticles()["tram-line-3-opens"]
	scenario := func(name string) feedfarm.Scenario {
		return feedfarm.Scenario{Sites: []feedfarm.Site{{Name: name, Format: feedfarm.FormatRSS, Topic: "local",
			Entries: []feedfarm.Entry{{Article: tram, GUID: name + "-1"}}}}}
	}
	// slow holds the first feed request until release is closed or the
	// client gives up, after signalling arrived.
	slow := func(arrived chan<- struct{}, release <-chan struct{}) func(http.Handler) http.Handler {
		var once sync.Once
		return func(h http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				first := false
				once.Do(func() { first = true })
				if first {
					close(arrived)
					select {
					case <-release:
					case <-r.Context().Done():
						return
					}
				}
				h.ServeHTTP(w, r)
			})
		}
	}

	t.Run("in-flight poll completes", func(t *testing.T) {
		e := newEnv(t, nil)
		arrived, release := make(chan struct{}), make(chan struct{})
		scSlow, scQueued := scenario("slowpoke"), scenario("queued")
		farmSlow, farmQueued := feedfarm.New(scSlow), feedfarm.New(scQueued)
		slowFeed := farmFeeds(scSlow, farmSlow, serveFarm(t, farmSlow, slow(arrived, release)).URL, time.Hour)[0]
		queuedFeed := farmFeeds(scQueued, farmQueued, serveFarm(t, farmQueued, nil).URL, time.Hour)[0]
		// One worker: the second feed waits behind the slow one and must
		// not be started once Run is told to stop.
		drain := 10 * time.Second
		p := e.pipeline(t, pipeline.Options{Feeds: []story.Feed{slowFeed, queuedFeed}, Workers: 1, DrainTimeout: drain})
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		done := start(ctx, p)
		select {
		case <-arrived:
		case <-time.After(10 * time.Second):
			t.Fatal("the slow feed was not requested within 10s")
		}
		cancel()
		select {
		case err := <-done:
			t.Fatalf("Run returned %v while a poll was in flight, before the drain timeout", err)
		case <-time.After(100 * time.Millisecond):
		}
		close(release)
		waitDone(t, done, drain+5*time.Second)

		stories, _ := e.read(t)
		if len(stories) != 1 || stories[0].FeedID != slowFeed.ID {
			t.Errorf("stream has %d stories, want the one of the drained poll", len(stories))
		}
		if st := e.state(t, slowFeed.ID); st.Failures != 0 || st.ETag == "" || st.LastSuccess.IsZero() {
			t.Errorf("drained feed state %+v, want a completed poll with validators", st)
		}
		if n := farmQueued.Stats().Requests["/queued/feed.xml"]; n != 0 {
			t.Errorf("the queued feed was requested %d times after Run was cancelled, want 0", n)
		}
		if _, ok, _ := e.store.FeedState(t.Context(), queuedFeed.ID); ok {
			t.Errorf("the queued feed has a state, but it was never polled")
		}
	})

	t.Run("drain timeout cancels the poll", func(t *testing.T) {
		e := newEnv(t, nil)
		arrived, release := make(chan struct{}), make(chan struct{})
		defer close(release)
		sc := scenario("stuck")
		farm := feedfarm.New(sc)
		feed := farmFeeds(sc, farm, serveFarm(t, farm, slow(arrived, release)).URL, time.Hour)[0]
		drain := 300 * time.Millisecond
		p := e.pipeline(t, pipeline.Options{Feeds: []story.Feed{feed}, DrainTimeout: drain})
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		done := start(ctx, p)
		<-arrived
		cancel()
		waitDone(t, done, drain+10*time.Second)

		if stories, _ := e.read(t); len(stories) != 0 {
			t.Errorf("stream has %d stories, want none from a cancelled poll", len(stories))
		}
		st := e.state(t, feed.ID)
		if st.Failures != 1 || st.ETag != "" || !strings.Contains(st.LastError, "context canceled") {
			t.Errorf("cancelled feed state: failures %d ETag %q error %q; want 1 failure, no validators, context canceled",
				st.Failures, st.ETag, st.LastError)
		}
	})
}
