package fetcher

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"strings"
	"time"
)

// Defaults used for zero-valued Options fields.
const (
	DefaultTimeout            = 20 * time.Second
	DefaultMaxBodySize        = 15 << 20 // 15 MiB
	DefaultMaxRedirects       = 5
	DefaultUserAgent          = "feedsift/dev (+https://github.com/feedsift/feedsift)"
	DefaultPerHostConcurrency = 2
	DefaultMaxIdleConns       = 100
	DefaultPerHostInterval    = time.Second
	DefaultRetries            = 2
	DefaultRetryBaseDelay     = 500 * time.Millisecond
	DefaultRetryMaxDelay      = 30 * time.Second
)

// Options configures a Client. Every zero value means the documented
// default.
type Options struct {
	// Timeout bounds one attempt: connect, TLS, headers and the whole body.
	// Default 20s.
	Timeout time.Duration
	// MaxBodySize caps the decoded body; the body as received is capped at
	// the same size plus a small allowance for compression framing.
	// Default 15 MiB.
	MaxBodySize int64
	// MaxRedirects is the longest redirect chain followed. Default 5;
	// negative follows none.
	MaxRedirects int
	// UserAgent is sent with every request. Default DefaultUserAgent.
	UserAgent string
	// PerHostConcurrency is the most requests in flight to one host name
	// (port ignored). Default 2.
	PerHostConcurrency int
	// PerHostInterval is the least time between two request starts to one
	// host name. Default 1s; negative means no spacing.
	PerHostInterval time.Duration
	// MaxIdleConns is the most idle keep-alive connections kept, over all
	// hosts (each closed after 90s unused, or by CloseIdle). Default 100. A caller fetching
	// from many hosts at once sets it to about the number of hosts it
	// works on at a time, so that a polite host's next request, a second
	// or so later, reuses its connection instead of dialling (and
	// handshaking) again.
	MaxIdleConns int
	// Retries is how many extra attempts Fetch makes after a retryable
	// failure. Default 2; negative means none.
	Retries int
	// RetryBaseDelay is the base of the exponential backoff between
	// attempts (full jitter). Default 500ms.
	RetryBaseDelay time.Duration
	// RetryMaxDelay caps the backoff and the Retry-After that Fetch waits
	// out itself; a longer Retry-After ends Fetch at once. Default 30s.
	RetryMaxDelay time.Duration
	// CrawlDelay reads each host's robots.txt (once a day, within the
	// host's politeness) and spaces request starts to the host by its
	// Crawl-delay, up to 30s, when that is longer than PerHostInterval.
	CrawlDelay bool
	// AllowNetworks are exempt from the private-address guard, e.g.
	// 127.0.0.0/8 and ::1/128 for tests and demos.
	AllowNetworks []netip.Prefix
	// Resolver looks up host names; nil means net.DefaultResolver. The
	// address guard checks every address the resolver returns, at connect
	// time, so an answer that changes between lookups (DNS rebinding)
	// cannot reach a refused address.
	Resolver *net.Resolver
	// Logger receives debug records of attempts and retries. Nil discards.
	Logger *slog.Logger
}

// withDefaults validates o and fills in defaults.
func (o Options) withDefaults() (Options, error) {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%w: "+format, append([]any{ErrInvalidOptions}, args...)...))
	}
	nonNegative(&o.Timeout, DefaultTimeout, "timeout", bad)
	nonNegative(&o.MaxBodySize, DefaultMaxBodySize, "max body size", bad)
	switch {
	case o.MaxRedirects < 0:
		o.MaxRedirects = 0
	case o.MaxRedirects == 0:
		o.MaxRedirects = DefaultMaxRedirects
	}
	if o.UserAgent == "" {
		o.UserAgent = DefaultUserAgent
	} else if strings.ContainsFunc(o.UserAgent, func(r rune) bool { return r < ' ' || r == 0x7f }) {
		bad("user agent %q contains control characters", o.UserAgent)
	}
	nonNegative(&o.PerHostConcurrency, DefaultPerHostConcurrency, "per-host concurrency", bad)
	nonNegative(&o.MaxIdleConns, DefaultMaxIdleConns, "idle connections", bad)
	if o.PerHostInterval == 0 {
		o.PerHostInterval = DefaultPerHostInterval
	}
	switch {
	case o.Retries < 0:
		o.Retries = 0
	case o.Retries == 0:
		o.Retries = DefaultRetries
	}
	nonNegative(&o.RetryBaseDelay, DefaultRetryBaseDelay, "retry base delay", bad)
	nonNegative(&o.RetryMaxDelay, DefaultRetryMaxDelay, "retry max delay", bad)
	if o.RetryMaxDelay > 0 && o.RetryBaseDelay > o.RetryMaxDelay {
		bad("retry base delay %s exceeds retry max delay %s", o.RetryBaseDelay, o.RetryMaxDelay)
	}
	for i, p := range o.AllowNetworks {
		if !p.IsValid() {
			bad("allow network %d is not a valid prefix", i)
		}
	}
	o.AllowNetworks = append([]netip.Prefix(nil), o.AllowNetworks...)
	for i, p := range o.AllowNetworks {
		o.AllowNetworks[i] = p.Masked()
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o, errors.Join(errs...)
}

// nonNegative reports a negative *v through bad and replaces zero with def.
func nonNegative[T ~int | ~int64](v *T, def T, name string, bad func(format string, args ...any)) {
	switch {
	case *v < 0:
		bad("%s %v is negative", name, *v)
	case *v == 0:
		*v = def
	}
}
