package discover

import (
	"bytes"
	"mime"
	"net/url"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/feedsift/feedsift/internal/charset"
)

// maxTokenBuf bounds the tokenizer's buffer: one tag or text run longer
// than this ends the scan.
const maxTokenBuf = 1 << 20

// link is a <link rel="alternate"> to a feed, unresolved.
type link struct {
	href, title, typ string
}

// page is what Find needs from an HTML document.
type page struct {
	base    string   // first <base href>, unresolved
	links   []link   // feed links, document order, at most MaxLinks
	anchors []string // feed-like <a href>, document order, at most MaxAnchors
}

// scanPage reads body as HTML. It never fails: whatever was found before
// the end or an error is returned.
func scanPage(body []byte, contentType string) page {
	var p page
	text, _, err := charset.ToUTF8(body, contentType)
	if err != nil {
		text = body
	}
	z := html.NewTokenizer(bytes.NewReader(text))
	z.SetMaxBuf(maxTokenBuf)
	for {
		switch z.Next() {
		case html.ErrorToken:
			return p
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			if !hasAttr {
				continue
			}
			switch atom.Lookup(name) {
			case atom.Base:
				if a := attrs(z); p.base == "" && strings.TrimSpace(a["href"]) != "" {
					p.base = strings.TrimSpace(a["href"])
				}
			case atom.Link:
				if len(p.links) >= MaxLinks {
					continue
				}
				if l, ok := feedLink(attrs(z)); ok {
					p.links = append(p.links, l)
				}
			case atom.A:
				if len(p.anchors) >= MaxAnchors || len(p.links) > 0 {
					continue
				}
				if href := strings.TrimSpace(attrs(z)["href"]); feedLikePath(href) {
					p.anchors = append(p.anchors, href)
				}
			}
		}
	}
}

// attrs returns the current tag's attributes, keys lower-cased, first
// occurrence kept.
func attrs(z *html.Tokenizer) map[string]string {
	m := make(map[string]string, 4)
	for {
		k, v, more := z.TagAttr()
		key := string(k) // the tokenizer lower-cases names
		if _, dup := m[key]; !dup {
			m[key] = string(v)
		}
		if !more {
			return m
		}
	}
}

// feedLink reports whether a <link>'s attributes describe a feed.
func feedLink(a map[string]string) (link, bool) {
	href := strings.TrimSpace(a["href"])
	if href == "" || !hasToken(a["rel"], "alternate") || hasToken(a["rel"], "stylesheet") {
		return link{}, false
	}
	title := strings.Join(strings.Fields(a["title"]), " ")
	mt := strings.ToLower(strings.TrimSpace(a["type"]))
	if parsed, _, err := mime.ParseMediaType(mt); err == nil {
		mt = parsed
	} else if i := strings.IndexByte(mt, ';'); i >= 0 {
		mt = strings.TrimSpace(mt[:i])
	}
	var typ string
	switch mt {
	case "application/rss+xml", "application/x-rss+xml", "text/rss+xml":
		typ = TypeRSS
	case "application/atom+xml", "application/x-atom+xml", "text/atom+xml":
		typ = TypeAtom
	case "application/rdf+xml", "application/rss+rdf":
		typ = TypeRDF
	case "application/feed+json":
		typ = TypeJSON
	case "application/json":
		if !feedish(title) && !feedish(href) {
			return link{}, false
		}
		typ = TypeJSON
	default:
		return link{}, false
	}
	return link{href: href, title: title, typ: typ}, true
}

// hasToken reports whether the space-separated list contains tok, ignoring
// case.
func hasToken(list, tok string) bool {
	for f := range strings.FieldsSeq(list) {
		if strings.EqualFold(f, tok) {
			return true
		}
	}
	return false
}

func feedish(s string) bool {
	s = strings.ToLower(s)
	return strings.Contains(s, "feed") || strings.Contains(s, "rss") || strings.Contains(s, "atom")
}

// feedSuffixes are path endings that anchors to feeds commonly have.
var feedSuffixes = []string{
	"/feed", "/feed/", "/rss", "/rss/", "/atom", "/atom/",
	"/rss.xml", "/atom.xml", "/feed.xml", "/index.xml", "/index.rss", "/feed.json",
	".rss", ".atom", "/feeds/posts/default",
}

// feedLikePath reports whether href looks like a link to a feed.
func feedLikePath(href string) bool {
	if href == "" {
		return false
	}
	u, err := url.Parse(href)
	if err != nil {
		return false
	}
	if s := strings.ToLower(u.Scheme); s != "" && s != "http" && s != "https" {
		return false
	}
	p := strings.ToLower(u.Path)
	for _, suf := range feedSuffixes {
		if strings.HasSuffix(p, suf) {
			return true
		}
	}
	switch strings.ToLower(u.Query().Get("feed")) {
	case "rss", "rss2", "atom", "rdf":
		return true
	}
	return false
}
