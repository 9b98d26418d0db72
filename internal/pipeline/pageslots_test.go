package pipeline_test

import (
	"context"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/feedsift/feedsift/internal/feedfarm"
	"github.com/feedsift/feedsift/internal/ledger"
	"github.com/feedsift/feedsift/internal/pipeline"
	"github.com/feedsift/feedsift/sink"
)

// TestPageSlotsBoundPagesInFlight polls four summary-only feeds at once
// with one page slot: no two article pages are ever fetched, extracted or
// waiting for the ledger at the same time (a page is asked for only once
// every page asked for before it is decided and on the stream), and every
// item is still published.
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
	var inFlight, most, requested, early atomic.Int32
	pub := &countingPublisher{next: e.js}
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
			if before := requested.Add(1) - 1; pub.count() < before {
				early.Add(1)
			}
			for range 200 {
				runtime.Gosched() // lets the other polls run while this page is open: a second page, if admitted, would be asked for now
			}
			h.ServeHTTP(w, r)
		})
	})
	feeds := farmFeeds(sc, farm, srv.URL, time.Minute)
	p, _ := e.pipelineWith(t, pipeline.Options{Feeds: feeds, PageSlots: 1}, ledger.Options{Publisher: pub})
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
	if n := early.Load(); n > 0 {
		t.Errorf("%d article pages were requested before the pages asked for earlier were decided, with one page slot", n)
	}
	stories, dupes := e.read(t)
	if len(stories)+len(dupes) != total {
		t.Errorf("%d stories and %d copies on the stream, want %d items in all", len(stories), len(dupes), total)
	}
}

// countingPublisher counts the stories and copies published through it.
type countingPublisher struct {
	next ledger.Publisher
	n    atomic.Int32
}

func (c *countingPublisher) Publish(ctx context.Context, ev sink.Event, o sink.PublishOptions) (uint64, bool, error) {
	seq, dup, err := c.next.Publish(ctx, ev, o)
	if err == nil && (ev.Story != nil || ev.Duplicate != nil) {
		c.n.Add(1)
	}
	return seq, dup, err
}

func (c *countingPublisher) count() int32 { return c.n.Load() }
