package pipeline_test

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/feedsift/feedsift/internal/feedfarm"
	"github.com/feedsift/feedsift/internal/pipeline"
	"github.com/feedsift/feedsift/internal/story"
)

// TestSetFeedsInvalid checks SetFeeds refuses what New refuses, naming
// the problem, and leaves the feed list as it was.
func TestSetFeedsInvalid(t *testing.T) {
	e := newEnv(t, nil)
	good := story.Feed{ID: "good", URL: "http://127.0.0.1:1/feed.xml", Topic: "local", Interval: time.Minute}
	p := e.pipeline(t, pipeline.Options{Feeds: []story.Feed{good}})
	tests := []struct {
		name  string
		feeds []story.Feed
		want  string
	}{
		{"empty id", []story.Feed{{URL: good.URL, Topic: "local", Interval: time.Minute}}, "empty ID"},
		{"id twice", []story.Feed{good, good}, "ID used twice"},
		{"no url", []story.Feed{{ID: "x", Topic: "local", Interval: time.Minute}}, "empty URL"},
		{"bad topic", []story.Feed{{ID: "x", URL: good.URL, Topic: "world news", Interval: time.Minute}}, "invalid topic"},
		{"zero interval", []story.Feed{{ID: "x", URL: good.URL, Topic: "local"}}, "not positive"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := p.SetFeeds(tc.feeds)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "pipeline: ") {
				t.Errorf("SetFeeds: %v, want an error naming %q", err, tc.want)
			}
			if diff := cmp.Diff([]story.Feed{good}, p.Feeds()); diff != "" {
				t.Errorf("feeds changed by a refused SetFeeds (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSetFeedsRun changes the feeds of a running pipeline whose scheduler
// ticks once a minute: an added feed is polled at once (woken by
// SetFeeds, not by a tick), and a removed feed is no longer polled even
// when its state says it is due.
func TestSetFeedsRun(t *testing.T) {
	e := newEnv(t, nil)
	arts := demoArticles()
	var feeds []story.Feed
	var hits []*atomic.Int64
	for i, slug := range []string{"tram-line-3-opens", "kestrel-2-reaches-orbit", "merrow-ferry-strike-ends"} {
		a, ok := arts[slug]
		if !ok {
			t.Fatalf("no demo article %q", slug)
		}
		name := []string{"alpha", "bravo", "charlie"}[i]
		sc := feedfarm.Scenario{Sites: []feedfarm.Site{{Name: name, Format: feedfarm.FormatRSS, Topic: "local",
			Entries: []feedfarm.Entry{{Article: a, GUID: name + "-1"}}}}}
		farm := feedfarm.New(sc)
		n := new(atomic.Int64)
		hits = append(hits, n)
		count := func(h http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if strings.Contains(r.URL.Path, "feed") {
					n.Add(1)
				}
				h.ServeHTTP(w, r)
			})
		}
		feeds = append(feeds, farmFeeds(sc, farm, serveFarm(t, farm, count).URL, time.Hour)...)
	}
	alpha, bravo, charlie := feeds[0], feeds[1], feeds[2]

	p := e.pipeline(t, pipeline.Options{Feeds: []story.Feed{alpha}, Workers: 2, SchedulerTick: time.Minute})
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := start(ctx, p)
	e.waitStream(t, 1, done) // the first look at the feeds is at once

	if err := p.SetFeeds([]story.Feed{alpha, bravo}); err != nil {
		t.Fatal(err)
	}
	e.waitStream(t, 2, done)
	if diff := cmp.Diff([]story.Feed{alpha, bravo}, p.Feeds()); diff != "" {
		t.Errorf("Feeds (-want +got):\n%s", diff)
	}

	// Drop alpha and make it due; add charlie. The pass that schedules
	// charlie would schedule alpha too if it were still listed.
	if err := p.SetFeeds([]story.Feed{bravo}); err != nil {
		t.Fatal(err)
	}
	st := e.waitState(t, alpha.ID)
	alphaHits := hits[0].Load()
	st.NextCheck = time.Now().Add(-time.Minute)
	if err := e.store.PutFeedState(t.Context(), st); err != nil {
		t.Fatal(err)
	}
	if err := p.SetFeeds([]story.Feed{bravo, charlie}); err != nil {
		t.Fatal(err)
	}
	e.waitStream(t, 3, done)
	cancel()
	waitDone(t, done, 15*time.Second)

	if got := hits[0].Load(); got != alphaHits {
		t.Errorf("removed feed alpha was fetched %d more times", got-alphaHits)
	}
	stories, _ := e.read(t)
	var got []string
	for _, s := range stories {
		got = append(got, s.FeedID)
	}
	if diff := cmp.Diff([]string{"alpha", "bravo", "charlie"}, got); diff != "" {
		t.Errorf("stories by feed (-want +got):\n%s", diff)
	}
	if st, _, _ := e.store.FeedState(t.Context(), bravo.ID); st.LastFetch.IsZero() {
		t.Error("bravo has no recorded poll")
	}
}
