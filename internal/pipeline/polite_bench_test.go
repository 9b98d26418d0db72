package pipeline_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/feedsift/feedsift/fetcher"
	"github.com/feedsift/feedsift/internal/pipeline"
	"github.com/feedsift/feedsift/internal/story"
)

// BenchmarkPoliteFarm ingests 40 sites of 10 new items each, every site on
// loopback addresses of its own, with the fetcher spacing the requests to
// one host 100ms apart: the politeness bound is about one second (each
// site's ten pages one after another, all sites at once). It runs the
// pipeline with the old default of 8 polls at once, the baseline, and
// with the default (DefaultWorkers), and reports items/s and the wall
// time as a multiple of the politeness bound.
func BenchmarkPoliteFarm(b *testing.B) {
	const (
		sites    = 40
		items    = 10
		interval = 100 * time.Millisecond
	)
	bound := time.Duration(items) * interval
	for _, workers := range []int{8, pipeline.DefaultWorkers} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			var total time.Duration
			for range b.N {
				b.StopTimer()
				e := newEnv(b, func(o *fetcher.Options) { o.PerHostInterval = interval; o.PerHostConcurrency = 1 })
				feeds := politeFarm(b, sites, items)
				p := e.pipeline(b, pipeline.Options{Feeds: feeds, Workers: workers, DrainTimeout: time.Second})
				ctx, cancel := context.WithCancel(b.Context())
				b.StartTimer()
				start := time.Now()
				done := make(chan error, 1)
				go func() { done <- p.Run(ctx) }()
				e.waitStream(b, sites*items, done)
				total += time.Since(start)
				b.StopTimer()
				cancel()
				<-done
			}
			per := total / time.Duration(b.N)
			b.ReportMetric(float64(sites*items)/per.Seconds(), "items/s")
			b.ReportMetric(per.Seconds()/bound.Seconds(), "x-politeness-bound")
		})
	}
}

// politeFarm serves sites feeds of items items each, every feed and every
// site's pages on loopback addresses of their own, and returns the feeds.
func politeFarm(b testing.TB, sites, items int) []story.Feed {
	feeds := make([]story.Feed, 0, sites)
	for i := range sites {
		pages := serveOn(b, fmt.Sprintf("127.1.%d.2", i), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, politeArticle(i, r.URL.Path))
		}))
		feed := serveOn(b, fmt.Sprintf("127.1.%d.3", i), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/rss+xml")
			fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Site %d</title><link>%s/</link>`, i, pages.URL)
			for n := range items {
				fmt.Fprintf(w, `<item><title>Story %d of site %d</title><link>%s/story-%d</link><guid>site-%d-%d</guid></item>`, n, i, pages.URL, n, i, n)
			}
			fmt.Fprint(w, `</channel></rss>`)
		}))
		feeds = append(feeds, story.Feed{ID: fmt.Sprintf("site-%02d", i), URL: feed.URL + "/feed.xml", Topic: "local",
			Interval: time.Hour, FetchArticle: true})
	}
	return feeds
}
