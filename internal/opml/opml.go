package opml

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/feedsift/feedsift/internal/charset"
)

// Limits applied by Read and Parse.
const (
	// MaxSize is the largest document Read accepts, in bytes.
	MaxSize = 10 << 20
	// MaxDepth is the deepest nesting of outlines Read accepts.
	MaxDepth = 64
)

// Outline is one feed subscription.
type Outline struct {
	// Text is the outline's text attribute, or its title when text is
	// absent.
	Text string
	// Title is the outline's title attribute, or its text when title is
	// absent.
	Title string
	// XMLURL is the feed's URL: absolute http or https.
	XMLURL string
	// HTMLURL is the site's URL, as given; may be empty.
	HTMLURL string
	// Type is the type attribute as given ("rss" in most exports); may be
	// empty.
	Type string
	// Topic is a hint derived from the nearest enclosing category, valid
	// for story.ValidateTopic, or empty when the feed is in no category.
	Topic string
}

// Document is a subscription list as Read found it.
type Document struct {
	// Title is the text of <head><title>, possibly empty.
	Title string
	// Outlines are the feeds, flattened, in document order.
	Outlines []Outline
	// Skipped counts outlines dropped because they had no xmlUrl and no
	// child outlines (an empty folder, or a feed entry missing its URL),
	// or an xmlUrl that is not an absolute http or https URL.
	Skipped int
	// Duplicates counts feeds dropped because an earlier outline had the
	// same xmlUrl.
	Duplicates int
}

// Parse reads an OPML document from r and returns its feeds, flattened.
// It is Read without the document's title and counts.
func Parse(r io.Reader) ([]Outline, error) {
	doc, err := Read(r)
	if err != nil {
		return nil, err
	}
	return doc.Outlines, nil
}

// frame is one open <outline> element.
type frame struct {
	feed     bool   // it has an xmlUrl
	topic    string // topic its children inherit
	children bool   // a child outline was seen
}

// Read reads an OPML document from r (at most MaxSize bytes) and returns
// its feeds, flattened, with its title and the counts of outlines dropped.
// Errors start with "opml: " and match ErrTooLarge, ErrTooDeep, ErrDoctype,
// ErrNotOPML or ErrMalformed.
func Read(r io.Reader) (*Document, error) {
	raw, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("opml: read: %w", err)
	}
	if len(raw) > MaxSize {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, MaxSize)
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, fmt.Errorf("%w: empty document", ErrMalformed)
	}
	text, _, err := charset.ToUTF8(raw, "")
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}

	d := xml.NewDecoder(bytes.NewReader(text))
	d.Strict = false           // tolerate bare '&' and unquoted attributes, as readers emit them
	d.Entity = xml.HTMLEntity  // a fixed table: nothing is declared or fetched
	d.CharsetReader = utf8Only // the text is UTF-8 already; its declaration says so

	doc := &Document{}
	seen := make(map[string]bool)
	var (
		depth      int // open elements
		sawRoot    bool
		sawBody    bool
		inBody     bool
		inHead     bool
		inTitle    bool
		title      strings.Builder
		outlines   []frame
		closedRoot bool
	)
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, malformed(err)
		}
		switch t := tok.(type) {
		case xml.Directive:
			return nil, fmt.Errorf("%w: <!%.40s>", ErrDoctype, t)
		case xml.StartElement:
			depth++
			if depth > MaxDepth+3 {
				return nil, fmt.Errorf("%w: more than %d levels", ErrTooDeep, MaxDepth)
			}
			name := strings.ToLower(t.Name.Local)
			switch {
			case depth == 1:
				if name != "opml" {
					return nil, fmt.Errorf("%w: root element is <%s>", ErrNotOPML, t.Name.Local)
				}
				sawRoot = true
			case depth == 2 && name == "head":
				inHead = true
			case depth == 2 && name == "body":
				inBody, sawBody = true, true
			case depth == 3 && inHead && name == "title":
				inTitle = true
			case inBody && name == "outline":
				if len(outlines) >= MaxDepth {
					return nil, fmt.Errorf("%w: more than %d levels", ErrTooDeep, MaxDepth)
				}
				var parentTopic string
				if n := len(outlines); n > 0 {
					outlines[n-1].children = true
					parentTopic = outlines[n-1].topic
				}
				outlines = append(outlines, readOutline(t, parentTopic, doc, seen))
			}
		case xml.EndElement:
			depth--
			name := strings.ToLower(t.Name.Local)
			switch {
			case depth == 0:
				closedRoot = true
			case depth == 1 && name == "head":
				inHead = false
			case depth == 1 && name == "body":
				inBody = false
			case depth == 2 && name == "title":
				inTitle = false
			case inBody && name == "outline" && len(outlines) > 0:
				top := outlines[len(outlines)-1]
				outlines = outlines[:len(outlines)-1]
				if !top.feed && !top.children {
					doc.Skipped++
				}
			}
		case xml.CharData:
			if inTitle && title.Len() < 4<<10 {
				title.Write(t)
			}
		}
		if closedRoot {
			break
		}
	}
	if !sawRoot {
		return nil, fmt.Errorf("%w: no root element", ErrNotOPML)
	}
	if !sawBody {
		return nil, fmt.Errorf("%w: no <body>", ErrNotOPML)
	}
	doc.Title = strings.TrimSpace(title.String())
	return doc, nil
}

// readOutline handles an <outline> start tag: a feed is appended to doc,
// and the frame for its children is returned.
func readOutline(t xml.StartElement, parentTopic string, doc *Document, seen map[string]bool) frame {
	var text, title, xmlURL, htmlURL, typ string
	for _, a := range t.Attr {
		v := strings.TrimSpace(a.Value)
		switch strings.ToLower(a.Name.Local) {
		case "text":
			text = v
		case "title":
			title = v
		case "xmlurl":
			xmlURL = v
		case "htmlurl":
			htmlURL = v
		case "type":
			typ = v
		}
	}
	if text == "" {
		text = title
	}
	if title == "" {
		title = text
	}
	if xmlURL == "" {
		// A category: its children inherit a topic made from its name, or
		// the parent's when the name gives none.
		topic := TopicFromName(text)
		if topic == "" {
			topic = parentTopic
		}
		return frame{topic: topic}
	}
	fr := frame{feed: true, topic: parentTopic}
	u, ok := feedURL(xmlURL)
	if !ok {
		doc.Skipped++
		return fr
	}
	if seen[u] {
		doc.Duplicates++
		return fr
	}
	seen[u] = true
	doc.Outlines = append(doc.Outlines, Outline{
		Text:    text,
		Title:   title,
		XMLURL:  u,
		HTMLURL: htmlURL,
		Type:    typ,
		Topic:   parentTopic,
	})
	return fr
}

// feedURL checks that raw is an absolute http(s) URL with a host, turning
// the old feed: pseudo-scheme into http(s).
func feedURL(raw string) (string, bool) {
	if rest, ok := cutPrefixFold(raw, "feed:"); ok {
		switch {
		case strings.HasPrefix(rest, "//"):
			raw = "http:" + rest
		default:
			raw = rest
		}
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "", false
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		return raw, true
	}
	return "", false
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return s, false
}

// utf8Only is the decoder's CharsetReader. The input has been converted to
// UTF-8 and its declaration rewritten, so any other label is an error.
func utf8Only(label string, input io.Reader) (io.Reader, error) {
	switch strings.ToLower(label) {
	case "utf-8", "utf8", "us-ascii", "ascii":
		return input, nil
	}
	return nil, fmt.Errorf("unexpected encoding %q after conversion to UTF-8", label)
}

// malformed wraps a decoder error.
func malformed(err error) error {
	if se, ok := errors.AsType[*xml.SyntaxError](err); ok {
		return fmt.Errorf("%w: line %d: %w", ErrMalformed, se.Line, err)
	}
	return fmt.Errorf("%w: %w", ErrMalformed, err)
}
