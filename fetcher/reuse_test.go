package fetcher_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/feedsift/feedsift/fetcher"
	"github.com/feedsift/feedsift/internal/conncount"
	"github.com/feedsift/feedsift/internal/testwait"
)

// TestRequestsToOneHostShareAConnection fetches a host's robots.txt, its
// feed and its pages one after another: every request after the first
// goes out on the first one's kept-alive connection, whatever the status
// robots.txt is served with and whether a body is read to its end.
func TestRequestsToOneHostShareAConnection(t *testing.T) {
	t.Parallel()
	for _, robots := range []int{http.StatusOK, http.StatusNotFound, http.StatusForbidden, http.StatusInternalServerError} {
		srv, conns := conncount.Start(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/robots.txt" {
				w.WriteHeader(robots)
				_, _ = w.Write([]byte(strings.Repeat("# robots.txt, or an error page in its place\n", 40)))
				return
			}
			_, _ = w.Write([]byte("<p>" + strings.Repeat("a page of the site. ", 200) + "</p>"))
		}))
		c := newClient(t, fetcher.Options{CrawlDelay: true, Retries: -1})
		for _, path := range []string{"/feed", "/a", "/b", "/c"} {
			if _, err := c.Fetch(t.Context(), fetcher.Request{URL: srv.URL + path}); err != nil {
				t.Fatalf("robots.txt %d: fetch %s: %v", robots, path, err)
			}
		}
		srv.Close()
		if n := conns.Opened(); n != 1 {
			t.Errorf("robots.txt served with %d: robots.txt and 4 pages took %d connections, want 1", robots, n)
		}
	}
}

// TestCloseIdle closes a host's kept-alive connection once the caller is
// done with it, and only then: not while a request to the host is in
// flight, not for another host. The host's next request dials again and
// succeeds.
func TestCloseIdle(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		close     func(srvURL string) []string // the URLs passed to CloseIdle
		inFlight  bool                         // CloseIdle while a request to the host is in flight
		wantConns int64                        // connections for the two fetches
	}{
		{"host done", func(u string) []string { return []string{u + "/feed"} }, false, 2},
		{"host done, named twice, with a bad URL", func(u string) []string { return []string{"::bad", u + "/a", u + "/b"} }, false, 2},
		{"another host", func(string) []string { return []string{"http://127.0.0.2:1/feed"} }, false, 1},
		{"request in flight", func(u string) []string { return []string{u + "/feed"} }, true, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			entered, unblock := make(chan struct{}, 1), make(chan struct{})
			srv, conns := conncount.Start(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/slow" {
					entered <- struct{}{}
					<-unblock
				}
				_, _ = w.Write([]byte("<p>a page of the site</p>"))
			}))
			c := newClient(t, fetcher.Options{Retries: -1})
			first := "/a"
			if tc.inFlight {
				first = "/slow"
			}
			done := make(chan error, 1)
			go func() {
				_, err := c.Fetch(t.Context(), fetcher.Request{URL: srv.URL + first})
				done <- err
			}()
			if tc.inFlight {
				<-entered
			} else if err := <-done; err != nil {
				t.Fatalf("fetch %s: %v", first, err)
			}
			c.CloseIdle(tc.close(srv.URL)...)
			if tc.inFlight {
				close(unblock)
				if err := <-done; err != nil {
					t.Fatalf("fetch %s, in flight during CloseIdle: %v", first, err)
				}
			}
			if tc.wantConns == 2 {
				testwait.Until(t, "the server to see the idle connection closed", time.Minute, func() bool { return conns.Closed() == 1 })
			}
			if _, err := c.Fetch(t.Context(), fetcher.Request{URL: srv.URL + "/b"}); err != nil {
				t.Fatalf("fetch /b after CloseIdle: %v", err)
			}
			if n := conns.Opened(); n != tc.wantConns {
				t.Errorf("two fetches took %d connections, want %d", n, tc.wantConns)
			}
		})
	}
}
