// Package discover finds the feeds a web site offers, given the URL of one
// of its pages (usually the home page).
//
// Find works in this order and stops at the first step that finds a feed:
//
//  1. Self: the URL is itself a feed. The page is fetched; when its
//     Content-Type names a feed, XML or JSON type, or its first bytes look
//     like XML or JSON, it is parsed with package parser, and a feed that
//     parses is returned alone, under its final URL (after redirects).
//  2. Link: the page's <link rel="alternate"> elements whose type is
//     application/rss+xml, application/atom+xml, application/rdf+xml,
//     application/feed+json, or application/json with a feed-ish title or
//     href (one mentioning "feed", "rss" or "atom"). They are returned in
//     document order without being fetched; Type comes from the type
//     attribute and Title from the title attribute.
//  3. Anchor: when the page has no such <link>, its <a href> links whose
//     path ends like a feed (/feed, /rss, /atom.xml, /index.xml, .rss,
//     ?feed=rss2, ...). Each is fetched and kept only if it parses as a
//     feed.
//  4. Probe: the common paths in Options.ProbePaths (by default
//     DefaultProbePaths) at the root of the page's host, fetched and kept
//     only if they parse as feeds.
//
// Relative hrefs are resolved against the document's first <base href>
// (itself resolved against the page's final URL), else the page's final
// URL; only http and https results are kept. Results are deduplicated by
// canonical URL (scheme and host lower-cased, default port and fragment
// dropped); fetched candidates (anchors and probes) are also deduplicated
// by body, so /feed and /?feed=rss2 serving the same document count once.
// At most MaxLinks links and MaxAnchors anchors are taken from one page.
//
// Anchor and probe fetches run at most Options.Concurrency at a time, each
// bounded by Options.ProbeTimeout; a failed or non-feed candidate is
// skipped and logged at debug level. The fetcher's own limits (body size,
// redirects, address guard, per-host politeness) apply to every request.
//
// # Errors
//
// Errors start with "discover: " and name the site URL. A page that cannot
// be fetched wraps the fetcher's error (for example fetcher.ErrTooLarge or
// fetcher.ErrTooManyRedirects); a site with no feed wraps ErrNoFeed.
//
// # Concurrency
//
// A Finder holds only its options and is safe for concurrent use. Find
// starts goroutines for anchor checks and probes and waits for all of them
// before it returns.
package discover
