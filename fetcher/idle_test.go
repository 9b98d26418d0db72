package fetcher_test

import (
	"fmt"
	"net"
	"net/http"
	"testing"

	"github.com/feedsift/feedsift/fetcher"
	"github.com/feedsift/feedsift/internal/conncount"
)

// TestMaxIdleConnsKeepsManyHostsConnected fetches from 150 hosts (each a
// loopback address of its own) twice: with room for that many idle
// connections the second round dials nothing, while the default keeps
// only 100 and dials again for the rest.
func TestMaxIdleConnsKeepsManyHostsConnected(t *testing.T) {
	t.Parallel()
	const hosts = 150
	ln, err := net.Listen("tcp4", "0.0.0.0:0")
	if err != nil {
		t.Skipf("cannot listen on the wildcard address: %v", err)
	}
	var dialled conncount.Counts
	srv := &http.Server{
		Handler:   http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok")) }),
		ConnState: dialled.Track,
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	port := ln.Addr().(*net.TCPAddr).Port

	for _, tc := range []struct {
		name       string
		maxIdle    int
		wantRedial bool
	}{
		{"default", 0, true},
		{"one per host", hosts, false},
	} {
		c := newClient(t, fetcher.Options{MaxIdleConns: tc.maxIdle})
		round := func() int64 {
			before := dialled.Opened()
			for i := range hosts {
				u := fmt.Sprintf("http://127.3.%d.%d:%d/", i/200, i%200+10, port)
				if _, err := c.Fetch(t.Context(), fetcher.Request{URL: u}); err != nil {
					t.Fatalf("%s: fetch %s: %v", tc.name, u, err)
				}
			}
			return dialled.Opened() - before
		}
		if n := round(); n != hosts {
			t.Fatalf("%s: first round dialled %d connections, want %d", tc.name, n, hosts)
		}
		redialled := round()
		if tc.wantRedial && redialled == 0 || !tc.wantRedial && redialled != 0 {
			t.Errorf("%s (MaxIdleConns %d): second round dialled %d connections", tc.name, tc.maxIdle, redialled)
		}
	}
}
