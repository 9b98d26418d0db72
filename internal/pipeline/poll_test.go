package pipeline_test

import (
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/feedsift/feedsift/fetcher"
	"github.com/feedsift/feedsift/internal/conncount"
	"github.com/feedsift/feedsift/internal/feedfarm"
	"github.com/feedsift/feedsift/internal/ledger"
	"github.com/feedsift/feedsift/internal/pipeline"
	"github.com/feedsift/feedsift/internal/story"
	"github.com/feedsift/feedsift/internal/testwait"
)

// TestPollDemoScenario polls every feed of the demo farm once per round
// and checks the stream against the scenario's expectations, then polls
// again and checks that nothing more is published.
func TestPollDemoScenario(t *testing.T) {
	e := newEnv(t, nil)
	sc := feedfarm.DemoScenario()
	farm := feedfarm.New(sc)
	srv := serveFarm(t, farm, nil)
	feeds := farmFeeds(sc, farm, srv.URL, time.Minute)
	p := e.pipeline(t, pipeline.Options{Feeds: feeds})
	exp := sc.Expected()

	for round := range 2 {
		farm.SetRound(round)
		var published, dupes int
		for _, f := range feeds {
			res, err := p.Poll(t.Context(), f)
			if err != nil {
				t.Fatalf("round %d: Poll(%s): %v", round, f.ID, err)
			}
			if res.FeedID != f.ID || (round == 0 && (res.Status != http.StatusOK || res.NotModified)) {
				t.Errorf("round %d: Poll(%s) = %+v, want a result for that feed (a 200 in round 0)", round, f.ID, res)
			}
			published += res.Published
			dupes += res.Duplicates
		}
		var want struct{ stories, dupes, newStories, newDupes int }
		for _, x := range exp {
			orig := x.Kind == feedfarm.KindOriginal
			switch {
			case x.Round > round:
			case orig:
				want.stories++
			default:
				want.dupes++
			}
			if x.Round == round && orig {
				want.newStories++
			} else if x.Round == round {
				want.newDupes++
			}
		}
		if published != want.newStories || dupes != want.newDupes {
			t.Errorf("round %d: polls report %d published and %d duplicates, want %d and %d",
				round, published, dupes, want.newStories, want.newDupes)
		}
		stories, dupRecs := e.read(t)
		if len(stories) != want.stories || len(dupRecs) != want.dupes {
			t.Fatalf("round %d: stream has %d stories and %d duplicates, want %d and %d",
				round, len(stories), len(dupRecs), want.stories, want.dupes)
		}
	}

	stories, dupRecs := e.read(t)
	checkAgainstScenario(t, exp, stories, dupRecs)

	// A second poll of every feed finds nothing new.
	notModified := e.counter(t, "feedsift_polls_total", "not_modified")
	for _, f := range feeds {
		res, err := p.Poll(t.Context(), f)
		if err != nil {
			t.Fatalf("repeat Poll(%s): %v", f.ID, err)
		}
		if res.Published != 0 || res.Duplicates != 0 || res.New != 0 {
			t.Errorf("repeat Poll(%s) = %+v, want nothing new", f.ID, res)
		}
		if !res.NotModified {
			t.Errorf("repeat Poll(%s): status %d, want 304 (the validators were stored)", f.ID, res.Status)
		}
	}
	again, dupAgain := e.read(t)
	if len(again) != len(stories) || len(dupAgain) != len(dupRecs) {
		t.Errorf("after the repeat polls the stream has %d stories and %d duplicates, want %d and %d",
			len(again), len(dupAgain), len(stories), len(dupRecs))
	}
	if got := e.counter(t, "feedsift_polls_total", "not_modified") - notModified; got != float64(len(feeds)) {
		t.Errorf("feedsift_polls_total{result=not_modified} grew by %v, want %d", got, len(feeds))
	}
}

// checkAgainstScenario checks that every original is one story with its
// headline and every copy or repost is merged into its original's story.
func checkAgainstScenario(t *testing.T, exp []feedfarm.Expectation, stories []story.Story, dupes []story.Duplicate) {
	t.Helper()
	byURL := func(path string) (story.Story, int) {
		var found story.Story
		n := 0
		for _, s := range stories {
			if strings.HasSuffix(s.URL, path) {
				found = s
				n++
			}
		}
		return found, n
	}
	for _, x := range exp {
		if x.Kind == feedfarm.KindOriginal {
			s, n := byURL(x.URL)
			if n != 1 {
				t.Errorf("original %s: %d stories, want 1", x.URL, n)
				continue
			}
			if s.Title != x.Title || s.FeedID != x.Site || s.Text == "" {
				t.Errorf("original %s: story title %q feed %q (text %d bytes), want %q from %q with text",
					x.URL, s.Title, s.FeedID, len(s.Text), x.Title, x.Site)
			}
			continue
		}
		orig, _ := byURL(x.Original)
		n := 0
		for _, d := range dupes {
			if strings.HasSuffix(d.URL, x.URL) {
				n++
				if d.StoryID != orig.ID || d.FeedID != x.Site || d.Reason == "" {
					t.Errorf("%s %s: merged into %s by %s (%q), want story %s of %s",
						x.Kind, x.URL, d.StoryID, d.FeedID, d.Reason, orig.ID, x.Original)
				}
			}
		}
		if n != 1 {
			t.Errorf("%s %s: %d duplicate records, want 1", x.Kind, x.URL, n)
		}
	}
}

// TestPollPublishFailureLosesNothing fails one publish in the middle of a
// poll and checks that the validators stay where they were and that the
// next poll publishes exactly the story that was refused.
func TestPollPublishFailureLosesNothing(t *testing.T) {
	e := newEnv(t, nil)
	arts := demoArticles()
	site := feedfarm.Site{Name: "multi", Format: feedfarm.FormatRSS, Topic: "local", Entries: []feedfarm.Entry{
		{Article: arts["tram-line-3-opens"], GUID: "m-1"},
		{Article: arts["river-aske-floods-lowbridge"], GUID: "m-2", FromRound: 1},
		{Article: arts["merrow-ferry-strike-ends"], GUID: "m-3", FromRound: 1},
		{Article: arts["kestrel-2-reaches-orbit"], GUID: "m-4", FromRound: 1},
	}}
	sc := feedfarm.Scenario{Sites: []feedfarm.Site{site}}
	if err := sc.Validate(); err != nil {
		t.Fatal(err)
	}
	farm := feedfarm.New(sc)
	srv := serveFarm(t, farm, nil)
	feed := farmFeeds(sc, farm, srv.URL, time.Minute)[0]
	pub := &flakyPublisher{next: e.js}
	p, _ := e.pipelineWith(t, pipeline.Options{Feeds: []story.Feed{feed}}, ledger.Options{Publisher: pub})

	// Round 0: one story, validators stored.
	if _, err := p.Poll(t.Context(), feed); err != nil {
		t.Fatalf("round 0: %v", err)
	}
	st0 := e.state(t, feed.ID)
	if st0.ETag == "" || st0.LastModified == "" {
		t.Fatalf("round 0 stored no validators: %+v", st0)
	}

	// Round 1: three new stories, the second publish fails.
	farm.SetRound(1)
	pub.arm(2)
	res, err := p.Poll(t.Context(), feed)
	var pe *pipeline.PollError
	if !errors.As(err, &pe) || !errors.Is(err, pipeline.ErrIncomplete) || !errors.Is(err, errPublishDown) {
		t.Fatalf("Poll with a failing publish returned %v, want a *PollError wrapping ErrIncomplete and the publish error", err)
	}
	if pe.FeedID != feed.ID || pe.Kind != pipeline.ErrKindPublish {
		t.Errorf("PollError feed %q kind %q, want %q %q", pe.FeedID, pe.Kind, feed.ID, pipeline.ErrKindPublish)
	}
	if res.New != 3 || res.Published != 2 {
		t.Errorf("failed poll: new %d published %d, want 3 and 2", res.New, res.Published)
	}
	st1 := e.state(t, feed.ID)
	if st1.ETag != st0.ETag || st1.LastModified != st0.LastModified {
		t.Errorf("validators advanced by a failed poll: ETag %q→%q, Last-Modified %q→%q",
			st0.ETag, st1.ETag, st0.LastModified, st1.LastModified)
	}
	if st1.Failures != 1 || !strings.Contains(st1.LastError, errPublishDown.Error()) {
		t.Errorf("after the failed poll: failures %d, last error %q; want 1 and the publish error", st1.Failures, st1.LastError)
	}
	if !st1.LastSuccess.Equal(st0.LastSuccess) {
		t.Errorf("LastSuccess moved on a failed poll: %v → %v", st0.LastSuccess, st1.LastSuccess)
	}
	// The feed answered; only the stream failed: the next poll comes
	// within seconds, not after the feed's interval, and the item waiting
	// for it is counted.
	if wait := st1.NextCheck.Sub(st1.LastFetch); wait <= 0 || wait > 5*time.Second || !res.NextCheck.Equal(st1.NextCheck) {
		t.Errorf("after a failed publish the next check is %v after the poll (result says %v), want within 5s (interval %v)",
			wait, res.NextCheck.Sub(st1.LastFetch), feed.Interval)
	}
	if n := e.counter(t, "feedsift_items_pending", ""); n != 1 {
		t.Errorf("feedsift_items_pending = %v after one refused publish, want 1", n)
	}
	refused := pub.refused()
	if len(refused) != 1 {
		t.Fatalf("publisher refused %d stories, want 1", len(refused))
	}
	stories, _ := e.read(t)
	if len(stories) != 3 {
		t.Fatalf("stream has %d stories after the failed poll, want 3", len(stories))
	}

	// The publisher recovers: the next poll publishes the missing story only.
	pub.disarm()
	res, err = p.Poll(t.Context(), feed)
	if err != nil {
		t.Fatalf("poll after recovery: %v", err)
	}
	if res.NotModified || res.New != 1 || res.Published != 1 {
		t.Errorf("poll after recovery = %+v, want a 200 with 1 new item published", res)
	}
	if n := e.counter(t, "feedsift_items_pending", ""); n != 0 {
		t.Errorf("feedsift_items_pending = %v after the recovery, want 0", n)
	}
	stories, dupes := e.read(t)
	if len(stories) != 4 || len(dupes) != 0 {
		t.Fatalf("stream has %d stories and %d duplicates, want 4 and 0", len(stories), len(dupes))
	}
	if last := stories[len(stories)-1]; last.ID != refused[0] {
		t.Errorf("recovery published story %s, want the refused %s", last.ID, refused[0])
	}
	st2 := e.state(t, feed.ID)
	if st2.ETag == "" || st2.ETag == st0.ETag || st2.Failures != 0 || st2.LastError != "" {
		t.Errorf("after recovery: ETag %q (round 0 %q), failures %d, error %q; want the new ETag and no failure",
			st2.ETag, st0.ETag, st2.Failures, st2.LastError)
	}
	res, err = p.Poll(t.Context(), feed)
	if err != nil || !res.NotModified {
		t.Errorf("poll after the validators advanced: %+v, %v; want 304", res, err)
	}
}

// TestPollArticleFallback checks what happens to a summary-only item whose
// page cannot be had: for good (404) its summary is published, for now
// (500) it is left for the next poll.
func TestPollArticleFallback(t *testing.T) {
	e := newEnv(t, nil)
	arts := demoArticles()
	flood, tram := arts["river-aske-floods-lowbridge"], arts["tram-line-3-first-day"]
	site := feedfarm.Site{
		Name: "ledger", Format: feedfarm.FormatAtom, Topic: "regional", SummaryOnly: true,
		Template: feedfarm.TemplateBlog,
		Entries: []feedfarm.Entry{
			{Article: flood, GUID: "ledger-1"},
			{Article: tram, GUID: "ledger-2"},
		},
	}
	sc := feedfarm.Scenario{Sites: []feedfarm.Site{site}}
	farm := feedfarm.New(sc)
	gonePage := "/ledger/" + flood.Slug + ".html"
	flakyPage := "/ledger/" + tram.Slug + ".html"
	var broken atomic.Bool
	broken.Store(true)
	srv := serveFarm(t, farm, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch {
			case r.URL.Path == gonePage:
				http.NotFound(w, r)
			case r.URL.Path == flakyPage && broken.Load():
				http.Error(w, "upstream on fire", http.StatusInternalServerError)
			default:
				h.ServeHTTP(w, r)
			}
		})
	})
	// An interval far longer than the recheck after a failed page.
	feed := farmFeeds(sc, farm, srv.URL, time.Hour)[0]
	p := e.pipeline(t, pipeline.Options{Feeds: []story.Feed{feed}})

	res, err := p.Poll(t.Context(), feed)
	var pe *pipeline.PollError
	var se *fetcher.StatusError
	if !errors.As(err, &pe) || !errors.Is(err, pipeline.ErrIncomplete) || !errors.As(err, &se) {
		t.Fatalf("Poll with a 500 page returned %v, want a *PollError wrapping ErrIncomplete and the 500", err)
	}
	if pe.Kind != pipeline.ErrKindArticle || se.Code != http.StatusInternalServerError || !strings.Contains(err.Error(), flakyPage) {
		t.Errorf("error kind %q, status %d, message %q; want kind article, 500 and the page URL", pe.Kind, se.Code, err)
	}
	if res.Published != 1 {
		t.Errorf("first poll published %d, want 1 (the summary of the 404 item)", res.Published)
	}
	stories, _ := e.read(t)
	if len(stories) != 1 {
		t.Fatalf("stream has %d stories, want 1", len(stories))
	}
	s := stories[0]
	if s.Source != "summary" || !strings.HasSuffix(s.URL, gonePage) || s.Text == "" {
		t.Errorf("404 item published as source %q url %s text %q; want the summary", s.Source, s.URL, s.Text)
	}
	if first := strings.SplitN(s.Text, " ", 6); !strings.HasPrefix(flood.Paragraphs[0], strings.Join(first[:len(first)-1], " ")) {
		t.Errorf("summary text %q does not start the article's first paragraph %q", s.Text, flood.Paragraphs[0])
	}
	st := e.state(t, feed.ID)
	if st.ETag != "" || st.LastModified != "" || st.Failures != 1 {
		t.Errorf("after a transient page failure: ETag %q Last-Modified %q failures %d; want no validators and 1 failure",
			st.ETag, st.LastModified, st.Failures)
	}
	// The feed answered; only a page failed: the item waiting on it is
	// tried again within a minute, not after the feed's hour.
	if wait := st.NextCheck.Sub(st.LastFetch); wait <= 0 || wait > time.Minute || !res.NextCheck.Equal(st.NextCheck) {
		t.Errorf("after a failed page the next check is %v after the poll (result says %v), want within a minute (interval %v)",
			wait, res.NextCheck.Sub(st.LastFetch), feed.Interval)
	}

	// The page is back: the item is published from it, and the 404 item
	// is not published again.
	broken.Store(false)
	res, err = p.Poll(t.Context(), feed)
	if err != nil {
		t.Fatalf("second poll: %v", err)
	}
	if res.Published != 1 || res.New != 1 {
		t.Errorf("second poll = %+v, want 1 new item published", res)
	}
	stories, dupes := e.read(t)
	if len(stories) != 2 || len(dupes) != 0 {
		t.Fatalf("stream has %d stories and %d duplicates, want 2 and 0", len(stories), len(dupes))
	}
	if s := stories[1]; s.Source != "article" || !strings.HasSuffix(s.URL, flakyPage) || !strings.Contains(s.Text, tram.Paragraphs[1]) {
		t.Errorf("recovered item: source %q url %s, text holds paragraph 2: %v; want the article",
			s.Source, s.URL, strings.Contains(s.Text, tram.Paragraphs[1]))
	}
	if st := e.state(t, feed.ID); st.ETag == "" || st.Failures != 0 {
		t.Errorf("after the recovered poll: ETag %q failures %d, want validators and 0", st.ETag, st.Failures)
	}
}

// TestPollBackoff checks the delay before a failing feed is polled again.
func TestPollBackoff(t *testing.T) {
	t0 := time.Date(2026, time.November, 1, 12, 0, 0, 0, time.UTC)
	now := func() time.Time { return t0 }

	t.Run("grows and is capped", func(t *testing.T) {
		e := newEnv(t, nil)
		var healthy atomic.Bool
		sc := feedfarm.Scenario{Sites: []feedfarm.Site{{Name: "courier", Format: feedfarm.FormatRSS, Topic: "local",
			Entries: []feedfarm.Entry{{Article: demoArticles()["tram-line-3-opens"], GUID: "c-1"}}}}}
		farm := feedfarm.New(sc)
		srv := serveFarm(t, farm, func(h http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if !healthy.Load() {
					http.Error(w, "down", http.StatusServiceUnavailable)
					return
				}
				h.ServeHTTP(w, r)
			})
		})
		interval, maxBackoff := time.Minute, 5*time.Minute
		feed := farmFeeds(sc, farm, srv.URL, interval)[0]
		p := e.pipeline(t, pipeline.Options{Feeds: []story.Feed{feed}, MaxBackoff: maxBackoff, Now: now})
		// Delays before jitter: 1m, 2m, 4m, then the 5m cap. Jitter is ±20%
		// but never past the cap.
		for failures := 1; failures <= 6; failures++ {
			res, err := p.Poll(t.Context(), feed)
			if err == nil {
				t.Fatalf("poll %d of a 503 feed succeeded", failures)
			}
			base := min(interval<<(failures-1), maxBackoff)
			lo, hi := base*8/10, min(base*12/10, maxBackoff)
			got := res.NextCheck.Sub(t0)
			if got < lo || got > hi {
				t.Errorf("after %d failures NextCheck is now+%v, want within [%v, %v]", failures, got, lo, hi)
			}
			st := e.state(t, feed.ID)
			if st.Failures != failures || !st.NextCheck.Equal(res.NextCheck) {
				t.Errorf("stored state after %d failures: failures %d next %v; want %d and %v",
					failures, st.Failures, st.NextCheck, failures, res.NextCheck)
			}
		}
		healthy.Store(true)
		res, err := p.Poll(t.Context(), feed)
		if err != nil {
			t.Fatalf("poll of the recovered feed: %v", err)
		}
		if got := res.NextCheck.Sub(t0); got < interval*9/10 || got > interval*11/10 {
			t.Errorf("after a success NextCheck is now+%v, want the interval %v ±10%%", got, interval)
		}
		if st := e.state(t, feed.ID); st.Failures != 0 || st.LastError != "" {
			t.Errorf("after a success: failures %d error %q, want reset", st.Failures, st.LastError)
		}
	})

	t.Run("retry-after beyond the interval", func(t *testing.T) {
		e := newEnv(t, func(o *fetcher.Options) { o.Retries = 2 })
		var hits atomic.Int32
		srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			hits.Add(1)
			w.Header().Set("Retry-After", "7200")
			http.Error(w, "slow down", http.StatusTooManyRequests)
		}))
		feed := story.Feed{ID: "busy", URL: srv.URL + "/feed.xml", Topic: "local", Interval: time.Minute}
		p := e.pipeline(t, pipeline.Options{Feeds: []story.Feed{feed}, MaxBackoff: time.Hour, Now: now})
		res, err := p.Poll(t.Context(), feed)
		var pe *pipeline.PollError
		if !errors.As(err, &pe) || pe.Kind != pipeline.ErrKindFetch || fetcher.RetryAfter(err) != 2*time.Hour {
			t.Fatalf("Poll of a 429 feed returned %v, want a fetch PollError carrying Retry-After 2h", err)
		}
		if hits.Load() != 1 {
			t.Errorf("server asked %d times, want 1 (a Retry-After over RetryMaxDelay is not waited out)", hits.Load())
		}
		if got := res.NextCheck.Sub(t0); got < 2*time.Hour {
			t.Errorf("NextCheck is now+%v, want at least the server's Retry-After of 2h", got)
		}
		if st := e.state(t, feed.ID); !st.NextCheck.Equal(res.NextCheck) || st.Failures != 1 {
			t.Errorf("stored state: next %v failures %d, want %v and 1", st.NextCheck, st.Failures, res.NextCheck)
		}
	})
}

// TestPollClosesItsIdleConnection: a site's feed and pages go out on one
// kept-alive connection, which the fetcher closes when the poll ends (the
// next poll is an interval away), and the next poll dials again.
func TestPollClosesItsIdleConnection(t *testing.T) {
	e := newEnv(t, nil)
	arts := demoArticles()
	site := feedfarm.Site{
		Name: "ledger", Format: feedfarm.FormatAtom, Topic: "regional", SummaryOnly: true,
		Template: feedfarm.TemplateBlog,
		Entries: []feedfarm.Entry{
			{Article: arts["river-aske-floods-lowbridge"], GUID: "ledger-1"},
			{Article: arts["tram-line-3-first-day"], GUID: "ledger-2"},
		},
	}
	sc := feedfarm.Scenario{Sites: []feedfarm.Site{site}}
	farm := feedfarm.New(sc)
	srv, conns := conncount.Start(t, farm.Handler())
	feed := farmFeeds(sc, farm, srv.URL, time.Minute)[0]
	p := e.pipeline(t, pipeline.Options{Feeds: []story.Feed{feed}})

	for poll := 1; poll <= 2; poll++ {
		res, err := p.Poll(t.Context(), feed)
		if err != nil {
			t.Fatalf("poll %d: %v", poll, err)
		}
		if poll == 1 && res.Published != 2 {
			t.Errorf("poll 1 published %d stories, want 2", res.Published)
		}
		testwait.Until(t, "the poll's connection closed", time.Minute, func() bool { return conns.Closed() == int64(poll) })
		if n := conns.Opened(); n != int64(poll) {
			t.Errorf("after poll %d the site accepted %d connections, want %d: one per poll", poll, n, poll)
		}
	}
}
