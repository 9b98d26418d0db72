package fetcher

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/feedsift/feedsift/internal/testwait"
)

// TestHostSpacing runs the limiter on a fake clock (testing/synctest):
// requests to one host that all ask at once start exactly one interval
// apart, however many slots the host has, and another host's request
// does not wait for them.
func TestHostSpacing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const interval, requests = 100 * time.Millisecond, 4
		l := newHostLimiter(requests, interval, time.Minute)
		start := time.Now()
		var (
			mu     sync.Mutex
			starts []time.Duration
			wg     sync.WaitGroup
		)
		for range requests {
			wg.Go(func() {
				release, err := l.acquire(t.Context(), "news.example")
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				starts = append(starts, time.Since(start))
				mu.Unlock()
				release()
			})
		}
		synctest.Wait() // the first has started, the others wait their turn
		release, err := l.acquire(t.Context(), "other.example")
		if err != nil {
			t.Fatal(err)
		}
		release()
		if d := time.Since(start); d != 0 {
			t.Errorf("another host's request waited %v, want 0", d)
		}
		wg.Wait()
		slices.Sort(starts)
		want := []time.Duration{0, interval, 2 * interval, 3 * interval}
		if !slices.Equal(starts, want) {
			t.Errorf("request starts %v, want %v", starts, want)
		}
	})
}

// TestPerHostIntervalHoldsNextRequest is the end-to-end check that a real
// Fetch goes through the limiter: with an hour between requests to a
// host, a second request waits (the limiter holds it, the server never
// sees it) until its context is cancelled. It waits on conditions only.
func TestPerHostIntervalHoldsNextRequest(t *testing.T) {
	t.Parallel()
	var served atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
		fmt.Fprint(w, "ok")
	}))
	t.Cleanup(srv.Close)
	c, err := New(Options{
		AllowNetworks:      []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")},
		PerHostInterval:    time.Hour,
		PerHostConcurrency: 2,
		Timeout:            time.Minute,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.CloseIdleConnections)
	if _, err := c.Fetch(t.Context(), Request{URL: srv.URL}); err != nil {
		t.Fatalf("first Fetch: %v", err)
	}

	waiting := func() bool {
		c.limiter.mu.Lock()
		defer c.limiter.mu.Unlock()
		for _, h := range c.limiter.hosts {
			if h.refs > 0 {
				return true
			}
		}
		return false
	}
	if waiting() {
		t.Fatal("the first request still holds its host after Fetch returned")
	}

	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := c.Fetch(ctx, Request{URL: srv.URL})
		done <- err
	}()
	testwait.Until(t, "the second request waiting in the host limiter", time.Minute, waiting)
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("second Fetch: %v, want it cancelled while it waited for its turn", err)
	}
	if n := served.Load(); n != 1 {
		t.Errorf("server saw %d requests, want 1 (the second must wait an hour)", n)
	}
}
