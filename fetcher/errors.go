package fetcher

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"syscall"
	"time"
)

// Sentinel errors. Errors returned by Fetch wrap them with the URL and the
// details, so match them with errors.Is, never by their text.
var (
	// ErrTooLarge means the response body, raw or decoded, exceeded
	// Options.MaxBodySize. Not retryable.
	ErrTooLarge = errors.New("fetcher: body too large")

	// ErrPrivateAddress means the host resolved to an address the SSRF
	// guard refuses (loopback, private, link-local, ...) and that is not
	// inside Options.AllowNetworks. Not retryable.
	ErrPrivateAddress = errors.New("fetcher: private address refused")

	// ErrTooManyRedirects means the chain of redirects was longer than
	// Options.MaxRedirects. Not retryable.
	ErrTooManyRedirects = errors.New("fetcher: too many redirects")

	// ErrUnsupportedScheme means the URL, or a redirect target, does not
	// use http or https. Not retryable.
	ErrUnsupportedScheme = errors.New("fetcher: unsupported scheme")

	// ErrBadContentEncoding means the Content-Encoding is unknown or the
	// body could not be decoded with it. Not retryable.
	ErrBadContentEncoding = errors.New("fetcher: bad content encoding")

	// ErrInvalidURL means Request.URL could not be parsed or has no host.
	ErrInvalidURL = errors.New("fetcher: invalid url")

	// ErrInvalidOptions is wrapped by every error New returns.
	ErrInvalidOptions = errors.New("fetcher: invalid options")

	// ErrTimeout means one attempt ran longer than Options.Timeout (headers
	// and body included). Errors wrapping it also satisfy net.Error with
	// Timeout() true. Retryable.
	ErrTimeout = errors.New("fetcher: timeout")

	// ErrHostPaused means the host asked for a pause (Retry-After on a 429
	// or 503) that lasts longer than Options.RetryMaxDelay from now: the
	// request was not sent. It is carried by a *PausedError. Retryable,
	// after RetryAfter.
	ErrHostPaused = errors.New("fetcher: host asked for a pause")
)

// PausedError is returned, without a request being sent, for a host that
// asked every client to wait (see the package doc, Politeness).
type PausedError struct {
	Host string
	// RetryAfter is how long the pause still lasts.
	RetryAfter time.Duration
}

func (e *PausedError) Error() string {
	return fmt.Sprintf("%v: %s asked for a pause; %s left", ErrHostPaused, e.Host, e.RetryAfter.Round(time.Second))
}

func (e *PausedError) Unwrap() error { return ErrHostPaused }

// StatusError is returned for a final response whose status is neither 2xx
// nor 304.
type StatusError struct {
	// URL is the URL that answered with Code (after redirects).
	URL string
	// Code is the HTTP status code.
	Code int
	// RetryAfter is the wait the server asked for with Retry-After on a 429
	// or 503, or 0.
	RetryAfter time.Duration
}

// Error returns a message like "fetcher: GET https://x/feed: 404 Not Found".
func (e *StatusError) Error() string {
	msg := fmt.Sprintf("fetcher: GET %s: %d", e.URL, e.Code)
	if text := http.StatusText(e.Code); text != "" {
		msg += " " + text
	}
	if e.RetryAfter > 0 {
		msg += fmt.Sprintf(" (retry after %s)", e.RetryAfter)
	}
	return msg
}

// Retryable reports whether err is worth trying again later: timeouts,
// connection resets and refusals, unexpected EOFs, temporary DNS failures and
// the statuses 408, 425, 429 and 5xx. It is false for nil, for
// context.Canceled, for other 4xx statuses and for ErrTooLarge,
// ErrPrivateAddress, ErrTooManyRedirects, ErrUnsupportedScheme,
// ErrBadContentEncoding and ErrInvalidURL.
func Retryable(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, ErrHostPaused) {
		return true
	}
	if se, ok := errors.AsType[*StatusError](err); ok {
		switch {
		case se.Code == http.StatusRequestTimeout, se.Code == http.StatusTooEarly,
			se.Code == http.StatusTooManyRequests, se.Code >= 500 && se.Code <= 599:
			return true
		}
		return false
	}
	for _, permanent := range []error{
		ErrTooLarge, ErrPrivateAddress, ErrTooManyRedirects, ErrUnsupportedScheme,
		ErrBadContentEncoding, ErrInvalidURL, ErrInvalidOptions,
	} {
		if errors.Is(err, permanent) {
			return false
		}
	}
	if errors.Is(err, ErrTimeout) {
		return true
	}
	// Canceled is checked before the generic net.Error test: a canceled
	// dial is reported as a *net.OpError.
	if errors.Is(err, context.Canceled) {
		return false
	}
	if dnsErr, ok := errors.AsType[*net.DNSError](err); ok {
		return dnsErr.IsTimeout || dnsErr.IsTemporary
	}
	if ne, ok := errors.AsType[net.Error](err); ok && ne.Timeout() {
		return true
	}
	for _, transient := range []error{
		syscall.ECONNRESET, syscall.ECONNREFUSED, syscall.ECONNABORTED, syscall.EPIPE,
		syscall.EHOSTUNREACH, syscall.ENETUNREACH, syscall.ETIMEDOUT,
		io.ErrUnexpectedEOF, io.EOF,
	} {
		if errors.Is(err, transient) {
			return true
		}
	}
	return false
}

// RetryAfter returns the wait a server asked for with Retry-After (carried
// by a *StatusError or a *PausedError in err's chain), or 0.
func RetryAfter(err error) time.Duration {
	if se, ok := errors.AsType[*StatusError](err); ok {
		return se.RetryAfter
	}
	if pe, ok := errors.AsType[*PausedError](err); ok {
		return pe.RetryAfter
	}
	return 0
}

// detailError gives a sentinel a specific message while keeping it
// matchable with errors.Is.
type detailError struct {
	msg string
	err error
}

func (e *detailError) Error() string { return e.msg }
func (e *detailError) Unwrap() error { return e.err }

func detail(sentinel error, format string, args ...any) error {
	return &detailError{msg: fmt.Sprintf(format, args...), err: sentinel}
}

// timeoutError is one attempt running past Options.Timeout.
type timeoutError struct {
	after time.Duration
	what  string // the transport's own message, if it noticed first
}

func (e *timeoutError) Error() string {
	if e.what != "" {
		return fmt.Sprintf("timed out after %s (%s)", e.after, e.what)
	}
	return fmt.Sprintf("timed out after %s", e.after)
}
func (e *timeoutError) Unwrap() error   { return ErrTimeout }
func (e *timeoutError) Timeout() bool   { return true }
func (e *timeoutError) Temporary() bool { return true }

// addrError is the SSRF guard refusing an address.
type addrError struct {
	host   string // as in the URL, before resolution
	addr   string // resolved address
	reason string // "loopback", "private", ...
}

func (e *addrError) Error() string {
	return fmt.Sprintf("host %q resolves to %s address %s: private address refused", e.host, e.reason, e.addr)
}
func (e *addrError) Unwrap() error { return ErrPrivateAddress }
