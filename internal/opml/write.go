package opml

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/feedsift/feedsift/internal/story"
)

type xmlOPML struct {
	XMLName xml.Name     `xml:"opml"`
	Version string       `xml:"version,attr"`
	Title   string       `xml:"head>title"`
	Body    []xmlOutline `xml:"body>outline"`
}

type xmlOutline struct {
	Text     string       `xml:"text,attr"`
	Title    string       `xml:"title,attr,omitempty"`
	Type     string       `xml:"type,attr,omitempty"`
	XMLURL   string       `xml:"xmlUrl,attr,omitempty"`
	HTMLURL  string       `xml:"htmlUrl,attr,omitempty"`
	Outlines []xmlOutline `xml:"outline"`
}

// FeedType returns the outline type attribute for a feed of the given
// format, as the feed parser names it: "atom" for Atom, "json" for JSON
// Feed, and "rss" for RSS (0.9x to 2.0, and RSS 1.0/RDF) and for an
// unknown format (a feed never fetched), "rss" being the type OPML 2.0
// gives every subscription.
func FeedType(format string) string {
	switch strings.ToLower(strings.TrimSpace(format)) {
	case "atom":
		return "atom"
	case "json":
		return "json"
	default:
		return "rss"
	}
}

// Write writes an OPML 2.0 document titled title listing feeds: feeds
// without a Topic first, at the top level and in the order given, then one
// category outline per Topic (text and title are the topic), in the order
// topics first appear, holding its feeds in the order given. An empty Type
// is written as "rss"; an empty Text or Title is filled from the other, and
// from XMLURL when both are empty.
//
// A feed without XMLURL or with a Topic that story.ValidateTopic rejects
// fails with ErrInvalidOutline before anything is written.
func Write(w io.Writer, title string, feeds []Outline) error {
	doc := xmlOPML{Version: "2.0", Title: title}
	cat := make(map[string]int) // topic -> index in doc.Body
	for i, f := range feeds {
		if strings.TrimSpace(f.XMLURL) == "" {
			return fmt.Errorf("%w: feed %d (%q) has no xmlUrl", ErrInvalidOutline, i, f.Text)
		}
		o := xmlOutline{
			Text:    f.Text,
			Title:   f.Title,
			Type:    f.Type,
			XMLURL:  f.XMLURL,
			HTMLURL: f.HTMLURL,
		}
		if o.Type == "" {
			o.Type = "rss"
		}
		if o.Text == "" {
			o.Text = o.Title
		}
		if o.Text == "" {
			o.Text = o.XMLURL
		}
		if o.Title == "" {
			o.Title = o.Text
		}
		if f.Topic == "" {
			doc.Body = append(doc.Body, o)
			continue
		}
		if err := story.ValidateTopic(f.Topic); err != nil {
			return fmt.Errorf("%w: feed %d (%s): %w", ErrInvalidOutline, i, f.XMLURL, err)
		}
		j, ok := cat[f.Topic]
		if !ok {
			j = len(doc.Body)
			cat[f.Topic] = j
			doc.Body = append(doc.Body, xmlOutline{Text: f.Topic, Title: f.Topic})
		}
		doc.Body[j].Outlines = append(doc.Body[j].Outlines, o)
	}
	// Top-level feeds were interleaved with categories above; put the
	// feeds first, keeping each group's order.
	var top, cats []xmlOutline
	for _, o := range doc.Body {
		if o.XMLURL != "" {
			top = append(top, o)
		} else {
			cats = append(cats, o)
		}
	}
	doc.Body = append(top, cats...)

	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("opml: write: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("opml: write: %w", err)
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return fmt.Errorf("opml: write: %w", err)
	}
	return nil
}
