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
// After a sweep the next waits until the entries left have doubled
// (nextSweep), so a sweep costs an amortised constant per entry added even
// when most entries are busy: a crawl of many hosts at once keeps most
// of them busy, and sweeping them all for each new host was quadratic.
const pruneAbove = 256

// nextSweep is the entry count at which the next sweep of a map left
// with n entries is due.
func nextSweep(n int) int { return max(pruneAbove, 2*n) }

// hostLimiter bounds requests in flight per host, spaces their starts,
// and holds them while the host has asked for a pause.
type hostLimiter struct {
	concurrency int
	interval    time.Duration // <= 0: no spacing
	// maxWait is the longest pause a request waits out; one that lasts
	// longer fails at once with a *PausedError.
	maxWait time.Duration

	mu      sync.Mutex
	hosts   map[string]*hostState
	sweepAt int // sweep idle entries when hosts reaches it (nextSweep)
	sweeps  int // sweeps so far (for tests)
}

type hostState struct {
	sem    chan struct{} // one token per request in flight
	next   time.Time     // earliest start of the next request (spacing)
	paused time.Time     // no request starts before this (Retry-After)
	delay  time.Duration // the host's robots.txt Crawl-delay; 0: none
	refs   int           // acquirers holding or waiting on this entry
}

func newHostLimiter(concurrency int, interval, maxWait time.Duration) *hostLimiter {
	return &hostLimiter{concurrency: concurrency, interval: interval, maxWait: maxWait, hosts: make(map[string]*hostState), sweepAt: pruneAbove}
}

// setCrawlDelay spaces the request starts to host by d when that is
// longer than the limiter's interval (a robots.txt Crawl-delay).
func (l *hostLimiter) setCrawlDelay(host string, d time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entryLocked(host).delay = d
}

// pause holds the requests to host that start from now on until until
// (a Retry-After the host sent); a later start time already set stands.
func (l *hostLimiter) pause(host string, until time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if h := l.entryLocked(host); until.After(h.paused) {
		h.paused = until
	}
}

// entryLocked returns host's entry, adding one (after sweeping idle
// entries, when there are many) when there is none. The caller holds
// l.mu.
func (l *hostLimiter) entryLocked(host string) *hostState {
	h := l.hosts[host]
	if h == nil {
		if len(l.hosts) >= l.sweepAt {
			l.pruneLocked(time.Now())
			l.sweepAt = nextSweep(len(l.hosts))
		}
		h = &hostState{sem: make(chan struct{}, l.concurrency)}
		l.hosts[host] = h
	}
	return h
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
	h := l.entryLocked(host)
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

	l.mu.Lock()
	now := time.Now()
	if left := h.paused.Sub(now); left > l.maxWait {
		// A pause the host asked for, too long to wait out here: the
		// caller's scheduler waits instead.
		l.mu.Unlock()
		free()
		return nil, &PausedError{Host: host, RetryAfter: left}
	}
	start := now
	for _, t := range []time.Time{h.next, h.paused} {
		if t.After(start) {
			start = t
		}
	}
	if iv := max(l.interval, h.delay); iv > 0 {
		h.next = start.Add(iv)
	}
	l.mu.Unlock()
	if err := sleepUntil(ctx, start); err != nil {
		free()
		return nil, err
	}
	// A pause the host asked for while this request waited its turn
	// holds it too.
	l.mu.Lock()
	paused := h.paused
	l.mu.Unlock()
	if left := time.Until(paused); left > l.maxWait {
		free()
		return nil, &PausedError{Host: host, RetryAfter: left}
	}
	if err := sleepUntil(ctx, paused); err != nil {
		free()
		return nil, err
	}
	var once sync.Once
	return func() { once.Do(free) }, nil
}

// started records that a request to host, which had its turn, is only
// being sent now (it waited after its turn, see Request.Admit): the
// host's next turn is at least its interval from now.
func (l *hostLimiter) started(host string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	h, ok := l.hosts[host]
	if !ok {
		return
	}
	if iv := max(l.interval, h.delay); iv > 0 {
		if next := time.Now().Add(iv); next.After(h.next) {
			h.next = next
		}
	}
}

// sleepUntil returns at t, at once when t has passed, or with ctx's error
// when ctx ends first.
func sleepUntil(ctx context.Context, t time.Time) error {
	wait := time.Until(t)
	if wait <= 0 {
		return nil
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (l *hostLimiter) pruneLocked(now time.Time) {
	l.sweeps++
	for k, h := range l.hosts {
		if h.refs == 0 && !h.next.After(now) && !h.paused.After(now) {
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
