// Package fetcher is feedsift's HTTP client for feeds and article pages.
// It knows nothing of feeds or articles: it GETs a URL politely and
// safely and returns the decoded body, the final URL and the validators.
//
// # Conditional GET
//
// Request.ETag and Request.LastModified are sent as If-None-Match and
// If-Modified-Since. A 304 is a result, not an error: Response.NotModified
// is true, Body is empty, and the validators are the server's or, if it
// sent none, the request's, so a caller can always store Response's.
//
// # Address guard (SSRF)
//
// Every connection is checked after DNS resolution, in the net.Dialer's
// ControlContext hook, just before connect(2). The guard therefore applies
// to the first request, to every redirect hop, and to a name that
// resolves differently from one lookup to the next (DNS rebinding). It
// refuses loopback, RFC 1918 and ULA (fc00::/7) private space, link-local
// (including 169.254.169.254 cloud metadata), unspecified, multicast,
// broadcast, CGNAT 100.64.0.0/10, and the documentation, benchmarking and
// reserved ranges of the IANA special-purpose registries; IPv6 forms that
// embed an IPv4 address (::ffff:a.b.c.d, ::a.b.c.d, 64:ff9b::/96, 2002::/16)
// are judged by that address. Addresses inside Options.AllowNetworks are
// exempt. A refusal wraps ErrPrivateAddress and names the host and the
// address. See IsPrivate. Environment proxies are ignored on purpose: a
// proxy would be the only address the guard sees.
//
// # Caps
//
//   - Timeout bounds each attempt from dial to the last body byte, so a
//     server trickling bytes ends with ErrTimeout after about Timeout.
//     The transport's response header timeout equals it.
//   - MaxBodySize caps the decoded body. Decoding streams through a limit of
//     MaxBodySize+1 bytes, so a compression bomb fails with ErrTooLarge
//     after producing at most that much, and memory stays within about
//     twice MaxBodySize whatever the ratio. The body as received is capped
//     too (MaxBodySize, plus a small allowance for compression framing when
//     encoded), and a Content-Length over the cap fails before reading.
//   - Accept-Encoding is "gzip, deflate, br"; the transport's own gzip is off
//     and bodies are decoded here. deflate may be zlib-wrapped or raw.
//     Stacked encodings (up to three) are decoded in reverse order. An
//     unknown or corrupt encoding wraps ErrBadContentEncoding.
//   - At most MaxRedirects redirects are followed (ErrTooManyRedirects), and
//     each target must be http or https (ErrUnsupportedScheme).
//
// # Politeness
//
// Per host name (port ignored, case folded), at most PerHostConcurrency
// requests are in flight, and request starts are at least PerHostInterval
// apart. Each redirect hop to another host counts against that host; a
// hop to the same host rides on the first request's slot. A slot is held
// until the body is read. Waiting for a slot or a start time ends when ctx
// ends, and does not count against Timeout, which bounds the request
// itself: a request queued behind a polite host's other requests is not
// failed for waiting its turn.
//
// With Options.CrawlDelay, the first request to a host (and the first
// after a day) reads the host's robots.txt, within the host's politeness
// like any request, and a Crawl-delay for the client's product token (or
// for "*"), up to 30s, spaces the host's request starts when it is longer
// than PerHostInterval. A robots.txt that is missing (4xx) asks for
// nothing; one that cannot be read is tried again after an hour.
//
// A host that answers 429 or 503 with Retry-After asks every client to
// wait, so all of its requests wait: none starts before the time it gave
// (capped at 6h), including those already queued for its spacing. When
// the pause lasts longer than RetryMaxDelay from now, a request fails at
// once, without being sent, with a *PausedError (ErrHostPaused), which
// is Retryable and whose RetryAfter is the time left, so the caller's
// scheduler comes back then. Idle per-host entries are swept once more
// than a few hundred hosts are tracked, and again each time the entries
// have doubled since, so memory does not grow without bound and a crawl
// of many hosts at once does not sweep its busy entries for every new
// host.
//
// # Retries
//
// Fetch retries errors for which Retryable is true (timeouts, connection
// resets and refusals, 408, 425, 429, 5xx) up to Options.Retries times,
// waiting a uniformly random time in [0, min(RetryMaxDelay,
// RetryBaseDelay*2^(n-1))] before the n-th retry ("full jitter"). For a
// 429 or 503 with Retry-After (seconds or HTTP-date), it waits exactly
// that long when it is at most RetryMaxDelay; a longer Retry-After ends
// Fetch at once with a *StatusError whose RetryAfter says how long the
// caller's scheduler should wait. Fetch never starts an attempt or a wait
// once ctx is done, and returns ctx's error then.
//
// # Errors
//
// Errors start with "fetcher: GET <url>: " (passwords redacted) and wrap
// the sentinels in errors.go or a *StatusError; match them with errors.Is
// and errors.As. Use Retryable and RetryAfter to classify.
//
// # Concurrency
//
// A Client is safe for concurrent use by many goroutines and should be
// shared: it owns one http.Transport (connection pool) and the per-host
// limiter. It starts no goroutines of its own beyond those net/http runs.
//
// # Connections
//
// Requests to one host reuse a kept-alive connection. An idle one is
// closed after 90s unused, when the pool holds Options.MaxIdleConns
// others, or by Client.CloseIdle, which a caller done with a host for a
// while calls (the pipeline, when a poll ends): it closes the host's
// connections unless a request to the host is in flight or waiting for
// its turn, and the host's next request dials again.
package fetcher
