package parser

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"html"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/atom"
	ext "github.com/mmcdole/gofeed/extensions"
	"github.com/mmcdole/gofeed/rss"

	"github.com/feedsift/feedsift/internal/charset"
	"github.com/feedsift/feedsift/internal/story"
)

// Feed is a parsed feed document.
type Feed struct {
	Title    string
	Link     string // the site the feed belongs to: absolute, or empty
	Language string
	// Format is the format gofeed detected: "rss" (also for RSS 1.0/RDF),
	// "atom" or "json".
	Format string
	Items  []story.Item
}

// Parse converts body to UTF-8 (using the charset parameter of contentType
// when the document does not declare its own encoding), parses it and
// translates each entry into a story.Item. baseURL is the URL the body was
// finally fetched from; it may be empty.
//
// Errors start with "parser: " and match ErrEmpty, ErrUnknownFormat or
// ErrMalformed with errors.Is.
func Parse(body []byte, contentType, baseURL string) (feed *Feed, err error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, ErrEmpty
	}
	defer func() {
		if r := recover(); r != nil {
			feed, err = nil, fmt.Errorf("%w: gofeed panicked: %v", ErrMalformed, r)
		}
	}()

	text, _, err := charset.ToUTF8(body, contentType)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	fp := gofeed.NewParser()
	fp.KeepOriginalFeed = true
	gf, err := fp.Parse(bytes.NewReader(text))
	switch {
	case errors.Is(err, gofeed.ErrFeedTypeNotDetected):
		return nil, fmt.Errorf("%w (%w)", ErrUnknownFormat, err)
	case err != nil:
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	case gf == nil:
		return nil, fmt.Errorf("%w: no feed", ErrMalformed)
	}
	return translate(gf, baseURL), nil
}

// translate maps gofeed's universal feed onto Feed.
func translate(gf *gofeed.Feed, baseURL string) *Feed {
	fetchBase := absoluteBase(baseURL)
	feed := &Feed{
		Title:    cleanTitle(gf.Title),
		Link:     resolve(fetchBase, gf.Link),
		Language: clean(gf.Language),
		Format:   gf.FeedType,
	}

	// Relative item links: Atom (RFC 4287) resolves against the document's
	// URL; RSS and JSON Feed say nothing, and the site's link is what
	// publishers mean in practice.
	var siteBase *url.URL
	if feed.Link != "" {
		siteBase, _ = url.Parse(feed.Link)
	}
	bases := []*url.URL{siteBase, fetchBase}
	if gf.FeedType == "atom" {
		bases = []*url.URL{fetchBase, siteBase}
	}

	var rssItems []*rss.Item
	var atomEntries []*atom.Entry
	switch orig := gf.OriginalFeed().(type) {
	case *rss.Feed:
		rssItems = orig.Items
	case *atom.Feed:
		atomEntries = orig.Entries
	}

	feed.Items = make([]story.Item, 0, len(gf.Items))
	for i, gi := range gf.Items {
		if gi == nil {
			continue
		}
		var ri *rss.Item
		var ae *atom.Entry
		if len(rssItems) == len(gf.Items) {
			ri = rssItems[i]
		}
		if len(atomEntries) == len(gf.Items) {
			ae = atomEntries[i]
		}
		it := story.Item{
			GUID:       clean(cmp.Or(gi.GUID, dcIdentifier(gi))),
			Title:      cleanTitle(gi.Title),
			Summary:    clean(gi.Description),
			Content:    clean(gi.Content),
			Author:     author(gi),
			Published:  utc(gi.PublishedParsed),
			Updated:    utc(gi.UpdatedParsed),
			Categories: categories(gi.Categories),
		}
		it.URL = itemURL(gi, ri, ae, bases)
		it.Source = itemSource(ri, ae, bases)
		if it.GUID == "" && it.URL == "" && it.Title == "" {
			continue
		}
		feed.Items = append(feed.Items, it)
	}
	return feed
}

// dcIdentifier returns an item's Dublin Core identifier, which RSS 1.0
// (RDF) feeds use for what RSS 2.0 calls the guid.
func dcIdentifier(gi *gofeed.Item) string {
	if gi.DublinCoreExt == nil {
		return ""
	}
	for _, id := range gi.DublinCoreExt.Identifier {
		if id = strings.TrimSpace(id); id != "" {
			return id
		}
	}
	return ""
}

// itemURL picks the item's link, resolves it and falls back to a GUID that
// is a permalink.
func itemURL(gi *gofeed.Item, ri *rss.Item, ae *atom.Entry, bases []*url.URL) string {
	for _, c := range linkCandidates(gi, ri, ae) {
		if u := resolve(bases[0], c); u != "" {
			return u
		}
		if u := resolve(bases[1], c); u != "" {
			return u
		}
	}
	if ri != nil && ri.GUID != nil && strings.EqualFold(strings.TrimSpace(ri.GUID.IsPermalink), "false") {
		return ""
	}
	return resolve(nil, gi.GUID)
}

// itemSource returns the absolute address of the feed an item credits as
// its origin: RSS <source url="...">, or the first link of an Atom entry's
// <source> (its alternate link when it has one).
func itemSource(ri *rss.Item, ae *atom.Entry, bases []*url.URL) string {
	var ref string
	switch {
	case ri != nil && ri.Source != nil:
		ref = ri.Source.URL
	case ae != nil && ae.Source != nil:
		for _, l := range ae.Source.Links {
			if l != nil && (ref == "" || l.Rel == "alternate") {
				ref = l.Href
			}
		}
	}
	if ref = strings.TrimSpace(ref); ref == "" {
		return ""
	}
	return cmp.Or(resolve(bases[0], ref), resolve(bases[1], ref))
}

// linkCandidates lists the item's links, best first: alternate links of an
// HTML type (or no type), other alternate links, then the rest.
func linkCandidates(gi *gofeed.Item, ri *rss.Item, ae *atom.Entry) []string {
	var out []string
	switch {
	case ae != nil:
		var other []string
		for _, l := range ae.Links {
			if l == nil || l.Rel != "alternate" {
				continue
			}
			if isHTMLType(l.Type) {
				out = append(out, l.Href)
			} else {
				other = append(other, l.Href)
			}
		}
		out = append(out, other...)
	case ri != nil:
		// An atom:link inside an RSS item: alternate (or no rel) first.
		for _, l := range atomLinks(ri.Extensions) {
			rel := l.Attrs["rel"]
			if (rel == "" || rel == "alternate") && isHTMLType(l.Attrs["type"]) {
				out = append(out, l.Attrs["href"])
			}
		}
		// Plain <link> elements, in document order.
		out = append(out, ri.Links...)
	}
	out = append(out, gi.Link)
	out = append(out, gi.Links...)
	return out
}

func atomLinks(e ext.Extensions) []ext.Extension {
	if e == nil {
		return nil
	}
	var out []ext.Extension
	for _, prefix := range []string{"atom", "atom03"} {
		out = append(out, e[prefix]["link"]...)
	}
	return out
}

func isHTMLType(t string) bool {
	t = strings.ToLower(strings.TrimSpace(t))
	return t == "" || t == "text/html" || t == "application/xhtml+xml"
}

// absoluteBase parses raw as an absolute http(s) URL, or returns nil.
func absoluteBase(raw string) *url.URL {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || !isWebURL(u) {
		return nil
	}
	return u
}

// resolve returns ref resolved against base as an absolute http(s) URL, or
// "" when that is not possible.
func resolve(base *url.URL, ref string) string {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return ""
	}
	u, err := url.Parse(ref)
	if err != nil {
		return ""
	}
	if !u.IsAbs() && base != nil {
		u = base.ResolveReference(u)
	}
	if !isWebURL(u) {
		return ""
	}
	return strings.ToValidUTF8(u.String(), "")
}

func isWebURL(u *url.URL) bool {
	return u != nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

func utc(t *time.Time) time.Time {
	if t == nil || t.IsZero() {
		return time.Time{}
	}
	return t.UTC()
}

// clean trims white space and replaces invalid UTF-8.
func clean(s string) string {
	return strings.TrimSpace(strings.ToValidUTF8(s, "\uFFFD"))
}

// MaxTitleLen is the longest title, author name or category Parse
// returns, in bytes. A longer one is cut at a word (or else a character)
// boundary and ends with "…", so that a hostile feed cannot push a
// multi-megabyte title into every story built from it.
const MaxTitleLen = 1024

// maxRawTitle is the length to which a title is cut before cleaning.
const maxRawTitle = 64 * MaxTitleLen

// cleanTitle decodes HTML entities (titles are often escaped twice),
// collapses runs of white space to one space and cuts the result to
// MaxTitleLen bytes. It stops collecting words once past the limit, so the
// work after unescaping does not depend on the size of a huge title.
func cleanTitle(s string) string {
	if len(s) > maxRawTitle {
		// Far too long: cut before unescaping so that a multi-megabyte
		// title is not copied again. Entities and runs of white space
		// shrink at most about 32 times, so what remains still fills
		// MaxTitleLen unless the title is almost all white space.
		n := maxRawTitle
		for n > 0 && !utf8.RuneStart(s[n]) {
			n--
		}
		s = s[:n]
	}
	var b strings.Builder
	for w := range strings.FieldsSeq(html.UnescapeString(clean(s))) {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(w)
		if b.Len() > MaxTitleLen {
			return cutTitle(b.String())
		}
	}
	return b.String()
}

// cutTitle shortens s, longer than MaxTitleLen bytes, to at most that
// many: at the last space in the final quarter of the allowed length if
// there is one, else at a rune boundary, and appends "…".
func cutTitle(s string) string {
	const ellipsis = "…"
	n := MaxTitleLen - len(ellipsis)
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	s = s[:n]
	if i := strings.LastIndexByte(s, ' '); i >= n*3/4 {
		s = s[:i]
	}
	return strings.TrimRight(s, " ") + ellipsis
}

func author(gi *gofeed.Item) string {
	people := gi.Authors
	if len(people) == 0 && gi.Author != nil {
		people = []*gofeed.Person{gi.Author}
	}
	for _, p := range people {
		if p == nil {
			continue
		}
		if name := cleanTitle(p.Name); name != "" {
			return name
		}
		if email := clean(p.Email); email != "" {
			return email
		}
	}
	return ""
}

// categories trims, drops empty ones and removes duplicates, keeping order.
func categories(in []string) []string {
	var out []string
	seen := make(map[string]bool, len(in))
	for _, c := range in {
		c = cleanTitle(c)
		if c == "" || seen[c] {
			continue
		}
		seen[c] = true
		out = append(out, c)
	}
	return out
}
