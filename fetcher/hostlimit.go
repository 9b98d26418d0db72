package fetcher

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// pruneAbove is the number of host entries above which idle ones are
// swept. An entry is idle when nothing is in flight for the host and its
// next start slot is in the past, so dropping it changes no behaviour.
const pruneAbove = 256

// hostLimiter bounds requests in flight per host and spaces their starts.
type hostLimiter struct {
	concurrency int
	interval    time.Duration // <= 0: no spacing

	mu    sync.Mutex
	hosts map[string]*hostState
}

type hostState struct {
	sem  chan struct{} // one token per request in flight
	next time.Time     // earliest start of the next request
	refs int           // acquirers holding or waiting on this entry
}

func newHostLimiter(concurrency int, interval time.Duration) *hostLimiter {
	return &hostLimiter{concurrency: concurrency, interval: interval, hosts: make(map[string]*hostState)}
}

// limiterKey is the limiter's key for u: its host name, case folded,
// without a trailing dot (the port does not count).
func limiterKey(u *url.URL) string {
	return strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
}

// heldHostKey is the context key under which Client.attempt records the
// host whose slot it already holds for the request: the transport lets
// requests to that host through without waiting again (a redirect hop to
// the same host rides on the first request's slot).
type heldHostKey struct{}

// acquire waits for a free slot for host and for its next start time, and
// returns the function that frees the slot. It returns ctx's error if ctx
// ends first.
func (l *hostLimiter) acquire(ctx context.Context, host string) (release func(), err error) {
	l.mu.Lock()
	h := l.hosts[host]
	if h == nil {
		if len(l.hosts) >= pruneAbove {
			l.pruneLocked(time.Now())
		}
		h = &hostState{sem: make(chan struct{}, l.concurrency)}
		l.hosts[host] = h
	}
	h.refs++
	l.mu.Unlock()

	unref := func() {
		l.mu.Lock()
		h.refs--
		l.mu.Unlock()
	}

	select {
	case h.sem <- struct{}{}:
	case <-ctx.Done():
		unref()
		return nil, ctx.Err()
	}
	free := func() {
		<-h.sem
		unref()
	}

	if l.interval > 0 {
		l.mu.Lock()
		now := time.Now()
		start := h.next
		if start.Before(now) {
			start = now
		}
		h.next = start.Add(l.interval)
		l.mu.Unlock()
		if wait := time.Until(start); wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
				free()
				return nil, ctx.Err()
			}
		}
	}
	var once sync.Once
	return func() { once.Do(free) }, nil
}

func (l *hostLimiter) pruneLocked(now time.Time) {
	for k, h := range l.hosts {
		if h.refs == 0 && !h.next.After(now) {
			delete(l.hosts, k)
		}
	}
}

// size returns the number of host entries (for tests).
func (l *hostLimiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.hosts)
}

// limitedTransport applies the host limiter to every request the
// http.Client sends, redirect hops included. A slot is held until the
// response body is closed, so a slow body counts as in flight.
type limitedTransport struct {
	base    http.RoundTripper
	limiter *hostLimiter
}

func (t *limitedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	host := limiterKey(req.URL)
	if held, _ := req.Context().Value(heldHostKey{}).(string); held == host {
		return t.base.RoundTrip(req)
	}
	release, err := t.limiter.acquire(req.Context(), host)
	if err != nil {
		return nil, err
	}
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		release()
		return nil, err
	}
	resp.Body = &releasingBody{ReadCloser: resp.Body, release: release}
	return resp, nil
}

// releasingBody frees the host slot when closed.
type releasingBody struct {
	io.ReadCloser
	release func()
}

func (b *releasingBody) Close() error {
	err := b.ReadCloser.Close()
	b.release()
	return err
}
