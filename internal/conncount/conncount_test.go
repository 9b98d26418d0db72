package conncount_test

import (
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/feedsift/feedsift/internal/conncount"
	"github.com/feedsift/feedsift/internal/testwait"
)

// TestCounts: two requests on one kept-alive connection count one
// connection opened; closing the client's idle connections counts it
// closed; a client that does not keep connections alive opens one per
// request.
func TestCounts(t *testing.T) {
	srv, counts := conncount.Start(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("ok"))
	}))
	get := func(c *http.Client) {
		t.Helper()
		resp, err := c.Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
	}
	tr := &http.Transport{}
	kept := &http.Client{Transport: tr}
	get(kept)
	get(kept)
	if n := counts.Opened(); n != 1 {
		t.Errorf("two requests on a kept-alive connection opened %d connections, want 1", n)
	}
	tr.CloseIdleConnections()
	testwait.Until(t, "the idle connection counted closed", time.Minute, func() bool { return counts.Closed() == 1 })

	single := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	get(single)
	get(single)
	if n := counts.Opened(); n != 3 {
		t.Errorf("after two requests without keep-alive the server counted %d connections, want 3", n)
	}
}
