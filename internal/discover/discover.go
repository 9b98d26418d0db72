package discover

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/feedsift/feedsift/fetcher"
)

// Feed types, as in Feed.Type.
const (
	TypeRSS  = "rss"
	TypeAtom = "atom"
	TypeRDF  = "rdf"
	TypeJSON = "json"
)

// Sources, as in Feed.Source.
const (
	SourceSelf   = "self"   // the site URL is itself a feed
	SourceLink   = "link"   // a <link rel="alternate"> on the page
	SourceAnchor = "anchor" // an <a href> on the page, fetched and parsed
	SourceProbe  = "probe"  // a common feed path, fetched and parsed
)

// Limits on what one page contributes.
const (
	// MaxLinks is the most <link rel="alternate"> feeds taken from a page.
	MaxLinks = 50
	// MaxAnchors is the most <a href> candidates fetched from a page.
	MaxAnchors = 10
)

// Defaults used for zero-valued Options fields.
const (
	DefaultConcurrency  = 4
	DefaultProbeTimeout = 10 * time.Second
)

// DefaultProbePaths are the paths tried at the root of a site that links to
// no feed, in this order.
var DefaultProbePaths = []string{
	"/feed", "/feed/", "/rss", "/rss.xml", "/atom.xml", "/feed.xml",
	"/index.xml", "/feeds/posts/default", "/?feed=rss2",
}

// Fetcher is what Find needs to GET a URL; *fetcher.Client satisfies it.
type Fetcher interface {
	Fetch(ctx context.Context, req fetcher.Request) (*fetcher.Response, error)
}

// Options configures a Finder. Zero values mean the documented defaults.
type Options struct {
	// Fetcher GETs pages and candidate feeds. Required.
	Fetcher Fetcher
	// ProbePaths are tried, in order, at the root of a site whose page
	// links to no feed. Nil means DefaultProbePaths; an empty non-nil
	// slice turns probing off. Each must start with "/".
	ProbePaths []string
	// Concurrency is the most anchor checks or probes in flight at once.
	// Default 4. The fetcher's per-host limit applies on top.
	Concurrency int
	// ProbeTimeout bounds each anchor check or probe, retries included.
	// Default 10s.
	ProbeTimeout time.Duration
	// Logger receives debug records of candidates rejected. Nil discards.
	Logger *slog.Logger
}

// Feed is one feed a site offers.
type Feed struct {
	// URL is absolute (http or https), with its scheme and host in lower
	// case and no fragment.
	URL string
	// Title is the link's title attribute, or the parsed feed's title; may
	// be empty.
	Title string
	// Type is TypeRSS, TypeAtom, TypeRDF or TypeJSON.
	Type string
	// Source is SourceSelf, SourceLink, SourceAnchor or SourceProbe.
	Source string
}

// Finder finds feeds. It is safe for concurrent use.
type Finder struct {
	fetch        Fetcher
	probePaths   []string
	concurrency  int
	probeTimeout time.Duration
	log          *slog.Logger
}

// New returns a Finder configured by opts, or an error wrapping
// ErrInvalidOptions.
func New(opts Options) (*Finder, error) {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%w: "+format, append([]any{ErrInvalidOptions}, args...)...))
	}
	if opts.Fetcher == nil {
		bad("fetcher is nil")
	}
	f := &Finder{
		fetch:        opts.Fetcher,
		concurrency:  opts.Concurrency,
		probeTimeout: opts.ProbeTimeout,
		log:          opts.Logger,
	}
	switch {
	case opts.ProbePaths == nil:
		f.probePaths = append([]string(nil), DefaultProbePaths...)
	default:
		f.probePaths = append([]string(nil), opts.ProbePaths...)
	}
	for i, p := range f.probePaths {
		if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") {
			bad("probe path %d (%q) must start with a single /", i, p)
		}
	}
	switch {
	case f.concurrency < 0:
		bad("concurrency %d is negative", f.concurrency)
	case f.concurrency == 0:
		f.concurrency = DefaultConcurrency
	}
	switch {
	case f.probeTimeout < 0:
		bad("probe timeout %s is negative", f.probeTimeout)
	case f.probeTimeout == 0:
		f.probeTimeout = DefaultProbeTimeout
	}
	if f.log == nil {
		f.log = slog.New(slog.DiscardHandler)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return f, nil
}

// acceptPage is sent when fetching the site's page: HTML or a feed.
const acceptPage = "text/html, application/xhtml+xml;q=0.9, application/rss+xml;q=0.8, " +
	"application/atom+xml;q=0.8, application/feed+json;q=0.8, application/xml;q=0.7, */*;q=0.5"

// Find returns the feeds offered by the site at siteURL, in a stable
// order: a self feed alone, else links in document order, else anchors in
// document order, else probes in ProbePaths order. A siteURL without a
// scheme is taken as https. It fails with an error wrapping ErrInvalidURL,
// the fetcher's error for the page, ctx's error, or ErrNoFeed.
func (f *Finder) Find(ctx context.Context, siteURL string) ([]Feed, error) {
	site, err := parseSiteURL(siteURL)
	if err != nil {
		return nil, err
	}
	name := site.Redacted()
	resp, err := f.fetch.Fetch(ctx, fetcher.Request{URL: site.String(), Accept: acceptPage})
	if err != nil {
		return nil, fmt.Errorf("discover: %s: %w", name, err)
	}
	pageURL, err := url.Parse(resp.URL)
	if err != nil || !isWeb(pageURL) {
		pageURL = site
	}

	if mightBeFeed(resp.ContentType, resp.Body) {
		if feed, _, ok := f.asFeed(resp); ok {
			feed.Source = SourceSelf
			return []Feed{feed}, nil
		}
	}

	page := scanPage(resp.Body, resp.ContentType)
	base := pageURL
	if page.base != "" {
		if b, err := pageURL.Parse(page.base); err == nil && isWeb(b) {
			base = b
		}
	}

	if feeds := linkFeeds(base, page.links); len(feeds) > 0 {
		return feeds, nil
	}

	var anchors []string
	for _, href := range page.anchors {
		if u := resolve(base, href); u != "" {
			anchors = append(anchors, u)
		}
	}
	feeds, err := f.checkAll(ctx, anchors, SourceAnchor, canonical(pageURL))
	if err != nil {
		return nil, fmt.Errorf("discover: %s: %w", name, err)
	}
	if len(feeds) > 0 {
		return feeds, nil
	}

	root := &url.URL{Scheme: pageURL.Scheme, Host: pageURL.Host, User: pageURL.User}
	var probes []string
	for _, p := range f.probePaths {
		if u, err := root.Parse(p); err == nil {
			probes = append(probes, u.String())
		}
	}
	feeds, err = f.checkAll(ctx, probes, SourceProbe, canonical(pageURL))
	if err != nil {
		return nil, fmt.Errorf("discover: %s: %w", name, err)
	}
	if len(feeds) > 0 {
		return feeds, nil
	}
	return nil, fmt.Errorf("%w at %s: the page is not a feed, links to none (%d feed-like anchors checked), and %d common paths gave none",
		ErrNoFeed, name, len(anchors), len(probes))
}

// parseSiteURL checks the URL given to Find.
func parseSiteURL(raw string) (*url.URL, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return nil, fmt.Errorf("%w: empty", ErrInvalidURL)
	}
	if !strings.Contains(s, "://") {
		// "example.com/blog" or "example.com:8080": a host, maybe a
		// port. Anything else with a colon is a scheme we do not fetch.
		host, _, _ := strings.Cut(s, "/")
		if _, port, ok := strings.Cut(host, ":"); ok && (port == "" || strings.Trim(port, "0123456789") != "") {
			return nil, fmt.Errorf("%w %q: want an http or https url with a host", ErrInvalidURL, raw)
		}
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		if ue, ok := errors.AsType[*url.Error](err); ok {
			err = ue.Err
		}
		return nil, fmt.Errorf("%w %q: %w", ErrInvalidURL, raw, err)
	}
	if !isWeb(u) {
		return nil, fmt.Errorf("%w %q: want an http or https url with a host", ErrInvalidURL, raw)
	}
	return u, nil
}

func isWeb(u *url.URL) bool {
	s := strings.ToLower(u.Scheme)
	return (s == "http" || s == "https") && u.Hostname() != ""
}

// resolve resolves href against base and returns the canonical absolute
// http(s) URL, or "".
func resolve(base *url.URL, href string) string {
	href = strings.TrimSpace(href)
	if href == "" {
		return ""
	}
	u, err := base.Parse(href)
	if err != nil || !isWeb(u) {
		return ""
	}
	return canonical(u)
}

// canonical returns u with scheme and host in lower case, no default port,
// no fragment and a path of at least "/".
func canonical(u *url.URL) string {
	c := *u
	c.Scheme = strings.ToLower(c.Scheme)
	host := strings.ToLower(c.Host)
	if port := c.Port(); (c.Scheme == "http" && port == "80") || (c.Scheme == "https" && port == "443") {
		host = strings.TrimSuffix(host, ":"+port)
	}
	c.Host = host
	c.Fragment, c.RawFragment = "", ""
	if c.Path == "" && c.Opaque == "" {
		c.Path, c.RawPath = "/", ""
	}
	return c.String()
}

// linkFeeds turns the page's feed links into Feeds, deduplicated.
func linkFeeds(base *url.URL, links []link) []Feed {
	var feeds []Feed
	seen := make(map[string]bool)
	for _, l := range links {
		u := resolve(base, l.href)
		if u == "" || seen[u] {
			continue
		}
		seen[u] = true
		feeds = append(feeds, Feed{URL: u, Title: l.title, Type: l.typ, Source: SourceLink})
	}
	return feeds
}
