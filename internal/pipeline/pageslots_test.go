package pipeline_test

import (
	"net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/feedsift/feedsift/internal/feedfarm"
	"github.com/feedsift/feedsift/internal/pipeline"
)

// TestPageSlotsBoundPagesInFlight polls four summary-only feeds at once
// with one page slot: no two article pages are ever fetched or waiting
// for extraction at the same time, and every item is still published.
func TestPageSlotsBoundPagesInFlight(t *testing.T) {
	e := newEnv(t, nil)
	sc, err := feedfarm.Generate(feedfarm.GenOptions{Seed: 3, Feeds: 4, Items: 3, Rounds: 1, NewPerRound: -1, Formats: []string{feedfarm.FormatRSS}})
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for i := range sc.Sites {
		sc.Sites[i].SummaryOnly = true
		total += len(sc.Sites[i].Entries)
	}
	farm := feedfarm.New(sc)
	farm.SetRound(1)
	var inFlight, most atomic.Int32
	srv := serveFarm(t, farm, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !strings.HasSuffix(r.URL.Path, ".html") {
				h.ServeHTTP(w, r)
				return
			}
			n := inFlight.Add(1)
			defer inFlight.Add(-1)
			for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
			}
			for range 200 {
				runtime.Gosched() // lets the other polls run while this page is open: a second page, if admitted, would be asked for now
			}
			h.ServeHTTP(w, r)
		})
	})
	feeds := farmFeeds(sc, farm, srv.URL, time.Minute)
	p := e.pipeline(t, pipeline.Options{Feeds: feeds, PageSlots: 1})
	var wg sync.WaitGroup
	for _, f := range feeds {
		wg.Go(func() {
			if _, err := p.Poll(t.Context(), f); err != nil {
				t.Errorf("poll %s: %v", f.ID, err)
			}
		})
	}
	wg.Wait()
	if m := most.Load(); m != 1 {
		t.Errorf("%d article pages were requested at once with one page slot, want 1", m)
	}
	stories, dupes := e.read(t)
	if len(stories)+len(dupes) != total {
		t.Errorf("%d stories and %d copies on the stream, want %d items in all", len(stories), len(dupes), total)
	}
}
