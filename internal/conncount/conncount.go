// Package conncount counts the connections an HTTP server accepts and the
// ones that close, for tests of connection reuse: the fetcher keeps one
// kept-alive connection per host and closes a finished site's idle one,
// and a test checks both by what the server saw. It imports only the
// standard library and testing.
package conncount

import (
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
)

// Counts holds a server's connection counts. The zero value is ready to
// use; set Track as the server's ConnState hook.
type Counts struct {
	opened, closed atomic.Int64
}

// Track counts a connection when the server accepts it and when it
// closes. Its signature is http.Server's ConnState.
func (c *Counts) Track(_ net.Conn, s http.ConnState) {
	switch s {
	case http.StateNew:
		c.opened.Add(1)
	case http.StateClosed, http.StateHijacked:
		c.closed.Add(1)
	}
}

// Opened returns how many connections the server has accepted.
func (c *Counts) Opened() int64 { return c.opened.Load() }

// Closed returns how many of them have closed.
func (c *Counts) Closed() int64 { return c.closed.Load() }

// Start serves h on a loopback httptest server whose connections are
// counted. The server closes when the test ends; closing it earlier is
// allowed.
func Start(t testing.TB, h http.Handler) (*httptest.Server, *Counts) {
	t.Helper()
	counts := &Counts{}
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ConnState = counts.Track
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, counts
}
