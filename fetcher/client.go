package fetcher

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// acceptEncoding is what the client can decode itself.
const acceptEncoding = "gzip, deflate, br"

// maxPause caps the pause a host's Retry-After imposes on its other
// requests, so that a wrong or hostile value (a date years ahead) cannot
// silence a host for good.
const maxPause = 6 * time.Hour

// Client fetches feeds and article pages. It is safe for concurrent use;
// one Client should be shared so that its connection pool and per-host
// limits apply across all callers.
type Client struct {
	opts      Options
	dialer    *net.Dialer
	transport *http.Transport
	limiter   *hostLimiter
	robots    *robotsCache // nil unless Options.CrawlDelay
	hc        *http.Client
	log       *slog.Logger
	conns     connSet // the open connections, by host (see CloseIdle)
}

// New returns a Client configured by opts, or an error wrapping
// ErrInvalidOptions that lists every invalid field.
func New(opts Options) (*Client, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	c := &Client{opts: o, log: o.Logger}
	c.dialer = &net.Dialer{
		Timeout:        o.Timeout,
		KeepAlive:      30 * time.Second,
		ControlContext: c.control,
		Resolver:       o.Resolver,
	}
	c.transport = &http.Transport{
		Proxy:                  nil, // a proxy would defeat the address guard
		DialContext:            c.dialContext,
		ForceAttemptHTTP2:      true,
		DisableCompression:     true, // we ask for and decode encodings ourselves
		MaxIdleConns:           o.MaxIdleConns,
		MaxIdleConnsPerHost:    max(o.PerHostConcurrency, 2),
		IdleConnTimeout:        90 * time.Second,
		TLSHandshakeTimeout:    min(o.Timeout, 10*time.Second),
		ResponseHeaderTimeout:  o.Timeout,
		ExpectContinueTimeout:  time.Second,
		MaxResponseHeaderBytes: 1 << 20,
	}
	c.limiter = newHostLimiter(o.PerHostConcurrency, o.PerHostInterval, o.RetryMaxDelay)
	if o.CrawlDelay {
		c.robots = newRobotsCache(o.UserAgent)
	}
	c.hc = &http.Client{
		Transport:     &limitedTransport{base: c.transport, limiter: c.limiter},
		CheckRedirect: c.checkRedirect,
	}
	return c, nil
}

// CloseIdleConnections closes the pooled connections not in use.
func (c *Client) CloseIdleConnections() {
	c.transport.CloseIdleConnections()
}

// Request is one GET.
type Request struct {
	// URL is the absolute http or https URL to fetch.
	URL string
	// ETag, when set, is sent as If-None-Match.
	ETag string
	// LastModified, when set, is sent as If-Modified-Since.
	LastModified string
	// Accept is sent as the Accept header; empty sends "*/*".
	Accept string
	// Admit, when set, is called once the request's turn at its host has
	// come, right before it is sent (and again before each retry): the
	// caller's own admission, for example a bound on pages fetched but not
	// yet processed. Time spent in it pushes the host's next turn back, so
	// requests to one host stay spaced by its interval. An error from it
	// ends the fetch.
	Admit func(ctx context.Context) error
}

// Response is the outcome of a Fetch that reached a server.
type Response struct {
	// URL is the final URL, after redirects.
	URL string
	// StatusCode is the final HTTP status.
	StatusCode int
	// NotModified is true for a 304: a result, not an error. Body is empty.
	NotModified bool
	// Body is the decoded body, at most Options.MaxBodySize bytes.
	Body []byte
	// ContentType is the Content-Type header as sent.
	ContentType string
	// ETag and LastModified are the validators to send next time. On a 304
	// without them, they repeat the ones in the Request.
	ETag, LastModified string
	// Links are the values of the response's Link headers (RFC 8288), as
	// sent: WebSub hubs and self URLs are advertised there.
	Links []string
	// RetryAfter is the wait asked for by Retry-After on a 429 or 503
	// (such a Response comes with a *StatusError), else 0.
	RetryAfter time.Duration
	// Attempts is how many requests Fetch made, retries included.
	Attempts int
	// Elapsed is the wall time of the whole Fetch, waits included.
	Elapsed time.Duration
}

// Fetch GETs req.URL, following redirects, and retries transient failures
// (see Retryable) with exponential backoff and full jitter, at most
// Options.Retries times, never after ctx is done.
//
// A 2xx or a 304 returns a Response and nil. Any other final status returns
// a *StatusError together with a Response that has StatusCode, RetryAfter,
// Attempts and Elapsed set and no Body. Every other failure returns a nil
// Response and an error that names the URL.
func (c *Client) Fetch(ctx context.Context, req Request) (*Response, error) {
	start := time.Now()
	u, err := parseURL(req.URL)
	if err != nil {
		return nil, fmt.Errorf("fetcher: GET %q: %w", req.URL, err)
	}
	name := u.Redacted()
	for attempt := 1; ; attempt++ {
		attemptStart := time.Now()
		resp, err := c.attempt(ctx, u, req)
		c.log.LogAttrs(ctx, slog.LevelDebug, "fetch attempt",
			slog.String("url", name), slog.Int("attempt", attempt),
			slog.Int("status", statusOf(resp)), slog.Duration("duration", time.Since(attemptStart)),
			slog.Any("error", err))
		if err == nil {
			resp.Attempts = attempt
			resp.Elapsed = time.Since(start)
			return resp, nil
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("fetcher: GET %s: %w", name, ctx.Err())
		}
		delay, retry := c.retryDelay(attempt, err)
		if !retry {
			return c.fail(name, start, attempt, resp, err)
		}
		c.log.LogAttrs(ctx, slog.LevelDebug, "fetch retry",
			slog.String("url", name), slog.Int("attempt", attempt), slog.Duration("delay", delay))
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("fetcher: GET %s: %w (while waiting to retry after: %w)", name, ctx.Err(), err)
		}
	}
}

// fail builds Fetch's result for a final failure.
func (c *Client) fail(name string, start time.Time, attempts int, resp *Response, err error) (*Response, error) {
	if se, ok := errors.AsType[*StatusError](err); ok && resp != nil {
		resp.Attempts = attempts
		resp.Elapsed = time.Since(start)
		return resp, se
	}
	if attempts > 1 {
		return nil, fmt.Errorf("fetcher: GET %s: after %d attempts: %w", name, attempts, err)
	}
	return nil, fmt.Errorf("fetcher: GET %s: %w", name, err)
}

// retryDelay says whether to try again after the attempt-th failure, and
// after how long.
func (c *Client) retryDelay(attempt int, err error) (time.Duration, bool) {
	if attempt > c.opts.Retries || !Retryable(err) {
		return 0, false
	}
	if ra := RetryAfter(err); ra > 0 {
		if ra > c.opts.RetryMaxDelay {
			return 0, false // the caller's scheduler waits, not us
		}
		return ra, true
	}
	return backoff(c.opts.RetryBaseDelay, c.opts.RetryMaxDelay, attempt), true
}

// backoff is full-jitter exponential backoff: a uniform random wait in
// [0, min(maxDelay, base*2^(attempt-1))].
func backoff(base, maxDelay time.Duration, attempt int) time.Duration {
	ceiling := maxDelay
	if shift := attempt - 1; shift < 62 && base <= maxDelay>>shift {
		ceiling = base << shift
	}
	if ceiling <= 0 {
		return 0
	}
	return rand.N(ceiling + 1)
}

func statusOf(r *Response) int {
	if r == nil {
		return 0
	}
	return r.StatusCode
}

// parseURL checks that raw is an absolute http(s) URL with a host.
func parseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		if ue, ok := errors.AsType[*url.Error](err); ok {
			err = ue.Err
		}
		return nil, detail(ErrInvalidURL, "invalid url: %v", err)
	}
	if err := checkScheme(u); err != nil {
		return nil, err
	}
	return u, nil
}

func checkScheme(u *url.URL) error {
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
	default:
		return detail(ErrUnsupportedScheme, "unsupported scheme %q (want http or https)", u.Scheme)
	}
	if u.Hostname() == "" {
		return detail(ErrInvalidURL, "url has no host")
	}
	return nil
}

// checkRedirect bounds the chain and re-checks each target's scheme. The
// address guard runs again when the target is dialled.
func (c *Client) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > c.opts.MaxRedirects {
		return detail(ErrTooManyRedirects, "stopped after %d redirects", c.opts.MaxRedirects)
	}
	return checkScheme(req.URL)
}

// attempt makes one request, following redirects, and reads the body. A
// non-nil error is either a *StatusError (with a Response) or a cause for
// Fetch to wrap with the URL.
func (c *Client) attempt(ctx context.Context, u *url.URL, req Request) (*Response, error) {
	// Wait for the host before the timeout starts: Timeout bounds the
	// request, not its turn behind the host's other requests, which
	// only ctx bounds.
	host := limiterKey(u)
	if c.robots != nil {
		if err := c.ensureRobots(ctx, u); err != nil {
			return nil, err
		}
	}
	release, err := c.limiter.acquire(ctx, host)
	if err != nil {
		return nil, err
	}
	defer release()
	if req.Admit != nil {
		if err := req.Admit(ctx); err != nil {
			return nil, fmt.Errorf("fetcher: GET %s: not admitted: %w", u.Redacted(), err)
		}
		c.limiter.started(host)
	}
	ctx = context.WithValue(ctx, heldHostKey{}, host)
	actx, cancel := context.WithTimeoutCause(ctx, c.opts.Timeout, &timeoutError{after: c.opts.Timeout})
	defer cancel()

	hreq, err := http.NewRequestWithContext(actx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, detail(ErrInvalidURL, "invalid url: %v", err)
	}
	h := hreq.Header
	h.Set("User-Agent", c.opts.UserAgent)
	h.Set("Accept-Encoding", acceptEncoding)
	if req.Accept != "" {
		h.Set("Accept", req.Accept)
	} else {
		h.Set("Accept", "*/*")
	}
	if req.ETag != "" {
		h.Set("If-None-Match", req.ETag)
	}
	if req.LastModified != "" {
		h.Set("If-Modified-Since", req.LastModified)
	}

	hresp, err := c.hc.Do(hreq)
	if err != nil {
		// On a CheckRedirect error hresp is non-nil but its body is
		// already closed.
		return nil, cause(ctx, actx, u, c.opts.Timeout, err)
	}
	defer c.closeBody(ctx, hresp)

	resp := &Response{
		URL:          hresp.Request.URL.String(),
		StatusCode:   hresp.StatusCode,
		ContentType:  hresp.Header.Get("Content-Type"),
		ETag:         hresp.Header.Get("ETag"),
		LastModified: hresp.Header.Get("Last-Modified"),
		Links:        hresp.Header.Values("Link"),
	}
	switch code := hresp.StatusCode; {
	case code == http.StatusNotModified:
		resp.NotModified = true
		if resp.ETag == "" {
			resp.ETag = req.ETag
		}
		if resp.LastModified == "" {
			resp.LastModified = req.LastModified
		}
		return resp, nil
	case code >= 200 && code <= 299:
		body, err := readBody(hresp.Body, hresp.Header.Get("Content-Encoding"), c.opts.MaxBodySize, hresp.ContentLength)
		if err != nil {
			return nil, cause(ctx, actx, u, c.opts.Timeout, err)
		}
		resp.Body = body
		return resp, nil
	default:
		if code == http.StatusTooManyRequests || code == http.StatusServiceUnavailable {
			now := time.Now()
			resp.RetryAfter = parseRetryAfter(hresp.Header.Get("Retry-After"), now)
			if resp.RetryAfter > 0 {
				// The host asked every client to wait, not only this
				// request: its other requests wait too.
				c.limiter.pause(limiterKey(hresp.Request.URL), now.Add(min(resp.RetryAfter, maxPause)))
			}
		}
		// Read a little so that the connection can be reused.
		if _, err := io.CopyN(io.Discard, hresp.Body, 4<<10); err != nil && !errors.Is(err, io.EOF) {
			c.log.LogAttrs(ctx, slog.LevelDebug, "drain error body",
				slog.String("url", hresp.Request.URL.Redacted()), slog.Any("error", err))
		}
		return resp, &StatusError{URL: hresp.Request.URL.Redacted(), Code: code, RetryAfter: resp.RetryAfter}
	}
}

// closeBody closes a response body; a failure only matters for
// connection reuse, so it is logged at debug level.
func (c *Client) closeBody(ctx context.Context, hresp *http.Response) {
	if err := hresp.Body.Close(); err != nil {
		c.log.LogAttrs(ctx, slog.LevelDebug, "close body",
			slog.String("url", hresp.Request.URL.Redacted()), slog.Any("error", err))
	}
}

// cause turns an error from the HTTP client or the body reader into the
// cause Fetch reports: the caller's ctx error, a timeout, or the underlying
// error without net/http's wrapping (naming the redirect hop that failed).
func cause(ctx, actx context.Context, u *url.URL, timeout time.Duration, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if _, ours := errors.AsType[*detailError](err); !ours && actx.Err() != nil {
		return context.Cause(actx)
	}
	hop := ""
	if ue, ok := errors.AsType[*url.Error](err); ok {
		if ue.URL != stripPassword(u) {
			hop = ue.URL
		}
		err = ue.Err
	}
	if ne, ok := errors.AsType[net.Error](err); ok && ne.Timeout() {
		// The transport's response header timeout, equal to ours, fired
		// first.
		err = &timeoutError{after: timeout, what: err.Error()}
	}
	if ae, ok := errors.AsType[*addrError](err); ok {
		err = ae // drop the *net.OpError layers: the message says it all
	}
	if hop != "" {
		return fmt.Errorf("redirect to %s: %w", hop, err)
	}
	return err
}

// stripPassword renders u the way net/http names it in a *url.Error.
func stripPassword(u *url.URL) string {
	if _, has := u.User.Password(); has {
		return strings.Replace(u.String(), u.User.String()+"@", u.User.Username()+":***@", 1)
	}
	return u.String()
}

// parseRetryAfter reads a Retry-After value, in seconds or as an HTTP-date.
// It returns 0 when the value is absent, invalid or in the past.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		if secs > int64(math.MaxInt64/time.Second) {
			return time.Duration(math.MaxInt64)
		}
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}
