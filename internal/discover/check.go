package discover

import (
	"bytes"
	"context"
	"crypto/sha256"
	"log/slog"
	"mime"
	"net/url"
	"strings"
	"sync"

	"github.com/feedsift/feedsift/fetcher"
	"github.com/feedsift/feedsift/parser"
)

// acceptFeed is sent when fetching a candidate feed.
const acceptFeed = "application/rss+xml, application/atom+xml, application/rdf+xml, " +
	"application/feed+json, application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"

// mightBeFeed reports whether a response is worth handing to the feed
// parser: its media type is a feed, XML or JSON type, or its first bytes
// look like XML or JSON.
func mightBeFeed(contentType string, body []byte) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err == nil {
		switch {
		case mt == "text/html", mt == "application/xhtml+xml":
			// fall through to sniffing: servers label feeds text/html
		case strings.HasSuffix(mt, "+xml"), strings.HasSuffix(mt, "+json"),
			mt == "application/xml", mt == "text/xml", mt == "application/json":
			return true
		}
	}
	head := bytes.TrimLeft(bytes.TrimPrefix(body[:min(len(body), 1024)], []byte("\xef\xbb\xbf")), " \t\r\n")
	for _, p := range []string{"<?xml", "<rss", "<feed", "<rdf:", "{"} {
		if len(head) >= len(p) && strings.EqualFold(string(head[:len(p)]), p) {
			return true
		}
	}
	return false
}

// asFeed parses a response as a feed. The returned key identifies the
// body, to drop one feed served at two URLs.
func (f *Finder) asFeed(resp *fetcher.Response) (Feed, [32]byte, bool) {
	pf, err := parser.Parse(resp.Body, resp.ContentType, resp.URL)
	if err != nil {
		f.log.Debug("not a feed", slog.String("url", redact(resp.URL)), slog.Any("error", err))
		return Feed{}, [32]byte{}, false
	}
	typ := pf.Format
	switch {
	case typ == TypeRSS && isRDF(resp.Body):
		typ = TypeRDF
	case typ != TypeAtom && typ != TypeJSON:
		typ = TypeRSS
	}
	u := resp.URL
	if pu, err := parseSiteURL(resp.URL); err == nil {
		u = canonical(pu)
	}
	return Feed{URL: u, Title: pf.Title, Type: typ}, sha256.Sum256(resp.Body), true
}

// isRDF reports whether the document's root element is RDF (RSS 1.0).
func isRDF(body []byte) bool {
	b := bytes.TrimPrefix(body[:min(len(body), 4096)], []byte("\xef\xbb\xbf"))
	for {
		i := bytes.IndexByte(b, '<')
		if i < 0 || i+1 >= len(b) {
			return false
		}
		b = b[i+1:]
		switch {
		case bytes.HasPrefix(b, []byte("?")):
			b = skipPast(b, "?>")
		case bytes.HasPrefix(b, []byte("!--")):
			b = skipPast(b, "-->")
		case bytes.HasPrefix(b, []byte("!")):
			b = skipPast(b, ">")
		default:
			end := bytes.IndexAny(b, " \t\r\n/>")
			if end < 0 {
				end = len(b)
			}
			name := b[:end]
			if j := bytes.LastIndexByte(name, ':'); j >= 0 {
				name = name[j+1:]
			}
			return string(name) == "RDF"
		}
		if b == nil {
			return false
		}
	}
}

func skipPast(b []byte, marker string) []byte {
	i := bytes.Index(b, []byte(marker))
	if i < 0 {
		return nil
	}
	return b[i+len(marker):]
}

// checkAll fetches candidates, at most f.concurrency at a time, and
// returns those that parse as feeds, in candidate order, deduplicated by
// canonical URL and by body. A candidate equal to skip is not fetched.
// The only error is ctx's.
func (f *Finder) checkAll(ctx context.Context, candidates []string, source, skip string) ([]Feed, error) {
	type result struct {
		feed Feed
		key  [32]byte
		ok   bool
	}
	results := make([]result, len(candidates))
	sem := make(chan struct{}, f.concurrency)
	var wg sync.WaitGroup
	seen := make(map[string]bool)
	for i, u := range candidates {
		if u == skip || seen[u] {
			continue
		}
		seen[u] = true
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			wg.Wait()
			return nil, ctx.Err()
		}
		wg.Go(func() {
			defer func() { <-sem }()
			feed, key, ok := f.check(ctx, u)
			results[i] = result{feed, key, ok}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var feeds []Feed
	seenURL := make(map[string]bool)
	seenBody := make(map[[32]byte]bool)
	for _, r := range results {
		if !r.ok || seenURL[r.feed.URL] || seenBody[r.key] {
			continue
		}
		seenURL[r.feed.URL], seenBody[r.key] = true, true
		r.feed.Source = source
		feeds = append(feeds, r.feed)
	}
	return feeds, nil
}

// check fetches one candidate within the probe timeout and parses it.
func (f *Finder) check(ctx context.Context, u string) (Feed, [32]byte, bool) {
	ctx, cancel := context.WithTimeout(ctx, f.probeTimeout)
	defer cancel()
	resp, err := f.fetch.Fetch(ctx, fetcher.Request{URL: u, Accept: acceptFeed})
	if err != nil {
		f.log.Debug("candidate fetch failed", slog.String("url", redact(u)), slog.Any("error", err))
		return Feed{}, [32]byte{}, false
	}
	if resp.NotModified || len(resp.Body) == 0 {
		return Feed{}, [32]byte{}, false
	}
	return f.asFeed(resp)
}

// redact hides a password in u for logging.
func redact(u string) string {
	if pu, err := url.Parse(u); err == nil {
		return pu.Redacted()
	}
	return "(unparsable url)"
}
