package pipeline_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/feedsift/feedsift/fetcher"
	"github.com/feedsift/feedsift/internal/pipeline"
	"github.com/feedsift/feedsift/internal/story"
	"github.com/feedsift/feedsift/internal/testwait"
)

// TestPoliteHostParksOnlyItsOwnPolls runs twenty sites, each with its
// feed on one loopback address and its article pages on another, two new
// items per feed, and a per-host interval of an hour: once a poll has
// fetched its first article, its second waits an hour for its host. Every
// site's first article must still be fetched. A poll parked by one host's
// politeness holds no worker that another host's poll needs; with the
// polls bounded by a small pool (the old default, eight), the twelve sites
// after the first eight were never polled and the test fails.
func TestPoliteHostParksOnlyItsOwnPolls(t *testing.T) {
	const sites = 20
	e := newEnv(t, func(o *fetcher.Options) {
		o.PerHostInterval = time.Hour
		o.PerHostConcurrency = 1
	})
	var mu sync.Mutex
	articleHosts := map[string]bool{} // article hosts that served a page
	feeds := make([]story.Feed, 0, sites)
	for i := range sites {
		pages := serveOn(t, fmt.Sprintf("127.0.%d.2", 10+i), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			articleHosts[r.Host] = true
			mu.Unlock()
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, politeArticle(i, r.URL.Path))
		}))
		feed := serveOn(t, fmt.Sprintf("127.0.%d.3", 10+i), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/rss+xml")
			fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Site %d</title><link>%s/</link>
<item><title>First story of site %d</title><link>%s/first</link><guid>site-%d-first</guid><description>The first.</description></item>
<item><title>Second story of site %d</title><link>%s/second</link><guid>site-%d-second</guid><description>The second.</description></item>
</channel></rss>`, i, pages.URL, i, pages.URL, i, i, pages.URL, i)
		}))
		feeds = append(feeds, story.Feed{ID: fmt.Sprintf("site-%02d", i), URL: feed.URL + "/feed.xml", Topic: "local",
			Interval: time.Hour, FetchArticle: true})
	}

	p := e.pipeline(t, pipeline.Options{Feeds: feeds, DrainTimeout: 100 * time.Millisecond})
	ctx, cancel := context.WithCancel(t.Context())
	done := start(ctx, p)
	served := 0
	ok := testwait.Poll(60*time.Second, func() bool {
		mu.Lock()
		defer mu.Unlock()
		served = len(articleHosts)
		return served == sites
	})
	cancel()
	waitDone(t, done, 30*time.Second)
	if !ok {
		t.Fatalf("%d of %d sites had their first article fetched: polls parked on a polite host held the workers the others needed", served, sites)
	}
}

// serveOn serves h on addr (a loopback address, any port) until cleanup.
func serveOn(t testing.TB, addr string, h http.Handler) *httptest.Server {
	t.Helper()
	ln, err := net.Listen("tcp", addr+":0")
	if err != nil {
		t.Skipf("cannot listen on %s (a loopback address other than 127.0.0.1): %v", addr, err)
	}
	srv := httptest.NewUnstartedServer(h)
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

// politeArticle is an article page of site i at path, with enough text to
// be extracted.
func politeArticle(i int, path string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<html><head><title>Story %s of site %d</title></head><body><article><h1>Story %s of site %d</h1>", path, i, path, i)
	for n := range 4 {
		fmt.Fprintf(&b, "<p>Paragraph %d of story %s of site %d tells what the council of town number %d decided on the ferry timetable, the harbour lights and the new school bus routes, and what the people who spoke at the meeting said about each of them.</p>", n, path, i, i)
	}
	b.WriteString("</article></body></html>")
	return b.String()
}
