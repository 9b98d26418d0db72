package feedfarm

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"strings"
	"time"
	"unicode"
)

// feedPath is the path a site's feed is served at.
func feedPath(s Site) string {
	if s.Format == FormatJSON {
		return "/" + s.Name + "/feed.json"
	}
	return "/" + s.Name + "/feed.xml"
}

// feedContentType is the media type of a site's feed.
func feedContentType(format string) string {
	switch format {
	case FormatAtom:
		return "application/atom+xml; charset=utf-8"
	case FormatRDF:
		return "application/rdf+xml; charset=utf-8"
	case FormatJSON:
		return "application/feed+json; charset=utf-8"
	}
	return "application/rss+xml; charset=utf-8"
}

// siteTitle is the display name of a site.
func siteTitle(s Site) string {
	if s.Title != "" {
		return s.Title
	}
	return s.Name
}

// renderFeed writes the feed of site s listing entries (newest first) with
// links under base (scheme and host).
func renderFeed(s Site, entries []Entry, base string) ([]byte, error) {
	switch s.Format {
	case FormatRSS:
		return renderRSS(s, entries, base), nil
	case FormatAtom:
		return renderAtom(s, entries, base), nil
	case FormatRDF:
		return renderRDF(s, entries, base), nil
	case FormatJSON:
		return renderJSON(s, entries, base)
	}
	return nil, fmt.Errorf("feedfarm: site %q: unknown format %q", s.Name, s.Format)
}

// xw writes XML: raw markup plus escaped text. html.EscapeString escapes
// the five XML special characters, as named or numeric references that XML
// also accepts, and leaves new lines alone.
type xw struct{ bytes.Buffer }

// el writes <name>escaped text</name>, nothing when text is empty.
func (w *xw) el(name, text string) {
	if text == "" {
		return
	}
	fmt.Fprintf(w, "<%s>%s</%s>\n", name, html.EscapeString(text), strings.Fields(name)[0])
}

// attr escapes s for use inside a double-quoted attribute.
func attr(s string) string { return html.EscapeString(s) }

// latest is the newest publication time among entries.
func latest(entries []Entry) time.Time {
	var t time.Time
	for _, e := range entries {
		if p := e.published(); p.After(t) {
			t = p
		}
	}
	return t
}

func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func renderRSS(s Site, entries []Entry, base string) []byte {
	var w xw
	w.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	w.WriteString(`<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">` + "\n<channel>\n")
	w.el("title", siteTitle(s))
	w.el("link", base+"/"+s.Name+"/")
	w.el("description", "Latest stories from "+siteTitle(s))
	w.el("language", "en")
	fmt.Fprintf(&w, `<atom:link href="%s" rel="self" type="application/rss+xml"/>`+"\n", attr(base+feedPath(s)))
	if t := latest(entries); !t.IsZero() {
		w.el("lastBuildDate", t.Format(time.RFC1123Z))
	}
	for _, e := range entries {
		w.WriteString("<item>\n")
		w.el("title", e.title())
		w.el("link", base+entryURL(s, e))
		w.el(`guid isPermaLink="false"`, e.GUID)
		if t := e.published(); !t.IsZero() {
			w.el("pubDate", t.Format(time.RFC1123Z))
		}
		w.el("dc:creator", e.Article.Author)
		w.el("category", s.Topic)
		w.el("description", summary(e.paragraphs()))
		if !s.SummaryOnly {
			w.el("content:encoded", contentHTML(e))
		}
		w.WriteString("</item>\n")
	}
	w.WriteString("</channel>\n</rss>\n")
	return w.Bytes()
}

func renderAtom(s Site, entries []Entry, base string) []byte {
	var w xw
	w.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n")
	w.WriteString(`<feed xmlns="http://www.w3.org/2005/Atom">` + "\n")
	w.el("title", siteTitle(s))
	w.el("id", base+"/"+s.Name+"/")
	fmt.Fprintf(&w, `<link rel="self" type="application/atom+xml" href="%s"/>`+"\n", attr(base+feedPath(s)))
	fmt.Fprintf(&w, `<link rel="alternate" type="text/html" href="%s"/>`+"\n", attr(base+"/"+s.Name+"/"))
	updated := latest(entries)
	if updated.IsZero() {
		updated = epoch()
	}
	w.el("updated", rfc3339(updated))
	fmt.Fprintf(&w, "<author><name>%s</name></author>\n", attr(siteTitle(s)))
	for _, e := range entries {
		w.WriteString("<entry>\n")
		w.el(`title type="text"`, e.title())
		w.el("id", e.GUID)
		fmt.Fprintf(&w, `<link rel="alternate" type="text/html" href="%s"/>`+"\n", attr(base+entryURL(s, e)))
		w.el("published", rfc3339(e.published()))
		t := e.published()
		if t.IsZero() {
			t = updated
		}
		w.el("updated", rfc3339(t))
		if e.Article.Author != "" {
			fmt.Fprintf(&w, "<author><name>%s</name></author>\n", attr(e.Article.Author))
		}
		if s.Topic != "" {
			fmt.Fprintf(&w, `<category term="%s"/>`+"\n", attr(s.Topic))
		}
		w.el(`summary type="text"`, summary(e.paragraphs()))
		if !s.SummaryOnly {
			w.el(`content type="html"`, contentHTML(e))
		}
		w.WriteString("</entry>\n")
	}
	w.WriteString("</feed>\n")
	return w.Bytes()
}

func renderRDF(s Site, entries []Entry, base string) []byte {
	var w xw
	w.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	w.WriteString(`<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/">` + "\n")
	fmt.Fprintf(&w, `<channel rdf:about="%s">`+"\n", attr(base+feedPath(s)))
	w.el("title", siteTitle(s))
	w.el("link", base+"/"+s.Name+"/")
	w.el("description", "Latest stories from "+siteTitle(s))
	w.el("dc:date", rfc3339(latest(entries)))
	w.WriteString("<items>\n<rdf:Seq>\n")
	for _, e := range entries {
		fmt.Fprintf(&w, `<rdf:li rdf:resource="%s"/>`+"\n", attr(base+entryURL(s, e)))
	}
	w.WriteString("</rdf:Seq>\n</items>\n</channel>\n")
	for _, e := range entries {
		fmt.Fprintf(&w, `<item rdf:about="%s">`+"\n", attr(base+entryURL(s, e)))
		w.el("title", e.title())
		w.el("link", base+entryURL(s, e))
		w.el("description", summary(e.paragraphs()))
		w.el("dc:identifier", e.GUID)
		w.el("dc:creator", e.Article.Author)
		w.el("dc:date", rfc3339(e.published()))
		w.el("dc:subject", s.Topic)
		if !s.SummaryOnly {
			w.el("content:encoded", contentHTML(e))
		}
		w.WriteString("</item>\n")
	}
	w.WriteString("</rdf:RDF>\n")
	return w.Bytes()
}

type jsonFeed struct {
	Version     string     `json:"version"`
	Title       string     `json:"title"`
	HomePageURL string     `json:"home_page_url"`
	FeedURL     string     `json:"feed_url"`
	Language    string     `json:"language"`
	Items       []jsonItem `json:"items"`
}

type jsonItem struct {
	ID            string       `json:"id"`
	URL           string       `json:"url"`
	Title         string       `json:"title"`
	Summary       string       `json:"summary,omitempty"`
	ContentHTML   string       `json:"content_html,omitempty"`
	ContentText   string       `json:"content_text,omitempty"`
	DatePublished string       `json:"date_published,omitempty"`
	Authors       []jsonAuthor `json:"authors,omitempty"`
	Tags          []string     `json:"tags,omitempty"`
}

type jsonAuthor struct {
	Name string `json:"name"`
}

func renderJSON(s Site, entries []Entry, base string) ([]byte, error) {
	f := jsonFeed{
		Version:     "https://jsonfeed.org/version/1.1",
		Title:       siteTitle(s),
		HomePageURL: base + "/" + s.Name + "/",
		FeedURL:     base + feedPath(s),
		Language:    "en",
		Items:       []jsonItem{},
	}
	for _, e := range entries {
		it := jsonItem{
			ID:            e.GUID,
			URL:           base + entryURL(s, e),
			Title:         e.title(),
			Summary:       summary(e.paragraphs()),
			DatePublished: rfc3339(e.published()),
		}
		if s.SummaryOnly {
			it.ContentText = it.Summary
		} else {
			it.ContentHTML = contentHTML(e)
		}
		if e.Article.Author != "" {
			it.Authors = []jsonAuthor{{Name: e.Article.Author}}
		}
		if s.Topic != "" {
			it.Tags = []string{s.Topic}
		}
		f.Items = append(f.Items, it)
	}
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("feedfarm: site %q: encode json feed: %w", s.Name, err)
	}
	return append(b, '\n'), nil
}

// body is the text of an entry as the site shows it: header lines,
// paragraphs, footer lines.
func body(e Entry) []string {
	paras := e.paragraphs()
	out := make([]string, 0, len(e.Header)+len(paras)+len(e.Footer))
	out = append(out, e.Header...)
	out = append(out, paras...)
	return append(out, e.Footer...)
}

// contentHTML is the full content of an entry as feed HTML.
func contentHTML(e Entry) string {
	var b strings.Builder
	for _, p := range body(e) {
		b.WriteString("<p>")
		b.WriteString(html.EscapeString(p))
		b.WriteString("</p>\n")
	}
	return b.String()
}

// summary is the first one or two sentences of the first paragraph that
// reads like body text (not junk, at least a dozen words, ending like a
// sentence, so not a headline), at least a dozen words when the paragraph
// allows.
func summary(paragraphs []string) string {
	para := ""
	for _, p := range paragraphs {
		end := strings.TrimRight(p, "\"'”’ ")
		sentence := strings.HasSuffix(end, ".") || strings.HasSuffix(end, "!") || strings.HasSuffix(end, "?")
		if sentence && !isJunkLine(p) && len(strings.Fields(p)) >= 12 {
			para = p
			break
		}
	}
	if para == "" {
		if len(paragraphs) == 0 {
			return ""
		}
		para = paragraphs[0]
	}
	end := 0
	for end < len(para) {
		next := sentenceEnd(para, end)
		end = next
		if len(strings.Fields(para[:end])) >= 12 {
			break
		}
	}
	return strings.TrimSpace(para[:end])
}

// sentenceEnd returns the index just past the sentence that starts at or
// after from: after ". ", "! " or "? " followed by an upper-case letter or
// a quote, or len(s).
func sentenceEnd(s string, from int) int {
	for i := from; i+2 < len(s); i++ {
		if (s[i] == '.' || s[i] == '!' || s[i] == '?') && s[i+1] == ' ' {
			r := rune(s[i+2])
			if unicode.IsUpper(r) || r == '"' || r >= 0x80 {
				return i + 1
			}
		}
	}
	return len(s)
}

// epoch is the time used when a scenario gives no dates at all.
func epoch() time.Time { return time.Date(2026, time.January, 1, 0, 0, 0, 0, time.UTC) }
