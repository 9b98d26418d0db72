package fetcher

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"sync/atomic"
	"testing"
	"time"
)

func TestCrawlDelay(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, robots string
		want         time.Duration
	}{
		{"none", "User-agent: *\nDisallow: /private\n", 0},
		{"star", "User-agent: *\nCrawl-delay: 5\n", 5 * time.Second},
		{"fraction", "user-agent: *\ncrawl-delay: 1.5 # seconds\n", 1500 * time.Millisecond},
		{"capped", "User-agent: *\nCrawl-delay: 3600\n", maxCrawlDelay},
		{"own group wins", "User-agent: *\nCrawl-delay: 10\n\nUser-agent: FeedSift\nCrawl-delay: 2\n", 2 * time.Second},
		{"own group without a delay replaces star's", "User-agent: feedsift\nDisallow: /x\n\nUser-agent: *\nCrawl-delay: 10\n", 0},
		{"other agent's group", "User-agent: otherbot\nCrawl-delay: 20\n", 0},
		{"agents sharing a group", "User-agent: otherbot\nUser-agent: feedsift\nCrawl-delay: 4\n", 4 * time.Second},
		{"a new group after rules", "User-agent: feedsift\nDisallow: /a\nUser-agent: otherbot\nCrawl-delay: 9\n", 0},
		{"garbage values", "User-agent: *\nCrawl-delay: soon\nCrawl-delay: -1\nCrawl-delay: NaN\nCrawl-delay: 3\n", 3 * time.Second},
		{"no colon lines", "hello\n<html>\n", 0},
	} {
		if got := crawlDelay([]byte(tc.robots), "feedsift"); got != tc.want {
			t.Errorf("%s: crawlDelay = %v, want %v", tc.name, got, tc.want)
		}
	}
	if a := newRobotsCache("FeedSift/1.2 (+https://x)").agent; a != "feedsift" {
		t.Errorf("agent token %q, want feedsift", a)
	}
}

// TestRobotsCrawlDelay fetches three pages of a host whose robots.txt asks
// for a 7s Crawl-delay: robots.txt is read once, before the first page,
// and the host's spacing becomes 7s; without Options.CrawlDelay it is
// never asked for.
func TestRobotsCrawlDelay(t *testing.T) {
	t.Parallel()
	var robots, pages atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			robots.Add(1)
			fmt.Fprint(w, "User-agent: *\nCrawl-delay: 7\n")
			return
		}
		pages.Add(1)
		fmt.Fprint(w, "page")
	}))
	t.Cleanup(srv.Close)
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	loopback := []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
	for _, on := range []bool{true, false} {
		robots.Store(0)
		c, err := New(Options{CrawlDelay: on, PerHostInterval: -1, PerHostConcurrency: 4, AllowNetworks: loopback})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Fetch(t.Context(), Request{URL: srv.URL + "/a"}); err != nil {
			t.Fatal(err)
		}
		c.limiter.mu.Lock()
		h := c.limiter.hosts[limiterKey(u)]
		delay := h.delay
		c.limiter.mu.Unlock()
		for _, p := range []string{"/b", "/c"} {
			// The spacing would hold each page 7s: the test checks the
			// spacing set and the robots.txt reads, it does not wait.
			c.limiter.mu.Lock()
			h.next = time.Time{}
			c.limiter.mu.Unlock()
			if _, err := c.Fetch(t.Context(), Request{URL: srv.URL + p}); err != nil {
				t.Fatal(err)
			}
		}
		want, wantReads := 7*time.Second, int32(1)
		if !on {
			want, wantReads = 0, 0
		}
		if delay != want || robots.Load() != wantReads {
			t.Errorf("CrawlDelay %v: host spacing %v after %d robots.txt reads, want %v after %d", on, delay, robots.Load(), want, wantReads)
		}
		c.CloseIdleConnections()
	}
}
