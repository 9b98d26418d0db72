package fetcher_test

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/feedsift/feedsift/fetcher"
)

// TestRequestsToOneHostShareAConnection fetches a host's robots.txt, its
// feed and its pages one after another: every request after the first
// goes out on the first one's kept-alive connection, whatever the status
// robots.txt is served with and whether a body is read to its end.
func TestRequestsToOneHostShareAConnection(t *testing.T) {
	t.Parallel()
	for _, robots := range []int{http.StatusOK, http.StatusNotFound, http.StatusForbidden, http.StatusInternalServerError} {
		var conns atomic.Int64
		srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/robots.txt" {
				w.WriteHeader(robots)
				_, _ = w.Write([]byte(strings.Repeat("# robots.txt, or an error page in its place\n", 40)))
				return
			}
			_, _ = w.Write([]byte("<p>" + strings.Repeat("a page of the site. ", 200) + "</p>"))
		}))
		srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
			if s == http.StateNew {
				conns.Add(1)
			}
		}
		srv.Start()
		c := newClient(t, fetcher.Options{CrawlDelay: true, Retries: -1})
		for _, path := range []string{"/feed", "/a", "/b", "/c"} {
			if _, err := c.Fetch(t.Context(), fetcher.Request{URL: srv.URL + path}); err != nil {
				t.Fatalf("robots.txt %d: fetch %s: %v", robots, path, err)
			}
		}
		srv.Close()
		if n := conns.Load(); n != 1 {
			t.Errorf("robots.txt served with %d: robots.txt and 4 pages took %d connections, want 1", robots, n)
		}
	}
}
