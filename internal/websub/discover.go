package websub

import (
	"bytes"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/feedsift/feedsift/internal/charset"
)

// Hub finds the hub and the self (topic) URL a feed advertises, from the
// HTTP Link headers of its response (rel="hub", rel="self") and, for what
// the headers do not give, from the feed-level link elements of the
// document: <link rel="hub" href="..."/> in Atom, <atom:link .../> in RSS,
// and <link> in an HTML head. Links inside entries and items are ignored.
//
// Only absolute http and https URLs are returned; when several hubs are
// advertised the first is used. ok reports whether a hub was found. self
// may be empty even when ok is true: the caller then uses the URL it
// fetched the feed from as the topic. Hub never panics and never fails on
// malformed input; it returns what it could read before the fault.
func Hub(feedXML []byte, headers http.Header) (hub, self string, ok bool) {
	for _, v := range headers.Values("Link") {
		scanLinks(v, func(target string, rels []string) {
			for _, rel := range rels {
				switch {
				case rel == "hub" && hub == "":
					hub = absURL(target)
				case rel == "self" && self == "":
					self = absURL(target)
				}
			}
		})
	}
	if hub == "" || self == "" {
		dh, ds := docLinks(feedXML, headers.Get("Content-Type"))
		if hub == "" {
			hub = dh
		}
		if self == "" {
			self = ds
		}
	}
	return hub, self, hub != ""
}

// absURL returns s trimmed when it is an absolute http or https URL, else "".
func absURL(s string) string {
	s = strings.TrimSpace(s)
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return ""
	}
	return s
}

// docLinks reads the feed-level hub and self links of an XML or HTML
// document.
func docLinks(doc []byte, contentType string) (hub, self string) {
	if len(doc) == 0 {
		return "", ""
	}
	if utf8Doc, _, err := charset.ToUTF8(doc, contentType); err == nil {
		doc = utf8Doc
	}
	dec := xml.NewDecoder(bytes.NewReader(doc))
	dec.Strict = false
	dec.Entity = xml.HTMLEntity
	// The document is UTF-8 by now; a declaration that still names another
	// encoding is read as is, which is right for the ASCII of URLs.
	dec.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	inEntry := 0
	for hub == "" || self == "" {
		tok, err := dec.Token()
		if err != nil {
			break // io.EOF or a syntax error: keep what was found
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch strings.ToLower(t.Name.Local) {
			case "entry", "item":
				inEntry++
			case "link":
				if inEntry > 0 {
					continue
				}
				var rel, href string
				for _, a := range t.Attr {
					switch strings.ToLower(a.Name.Local) {
					case "rel":
						rel = a.Value
					case "href":
						href = a.Value
					}
				}
				for _, r := range strings.Fields(strings.ToLower(rel)) {
					switch {
					case r == "hub" && hub == "":
						hub = absURL(href)
					case r == "self" && self == "":
						self = absURL(href)
					}
				}
			}
		case xml.EndElement:
			switch strings.ToLower(t.Name.Local) {
			case "entry", "item":
				if inEntry > 0 {
					inEntry--
				}
			}
		}
	}
	return hub, self
}

// scanLinks calls fn for each link-value of one Link header value
// (RFC 8288): <target>; rel="a b"; other=params, ... Malformed parts are
// skipped up to the next comma.
func scanLinks(v string, fn func(target string, rels []string)) {
	i := 0
	for i < len(v) {
		// Skip separators between link-values.
		for i < len(v) && (v[i] == ',' || v[i] == ' ' || v[i] == '\t') {
			i++
		}
		if i >= len(v) {
			return
		}
		if v[i] != '<' {
			i = skipPast(v, i, ',')
			continue
		}
		end := strings.IndexByte(v[i+1:], '>')
		if end < 0 {
			return
		}
		target := v[i+1 : i+1+end]
		i += end + 2
		rel, relSeen := "", false
		for {
			i = skipSpace(v, i)
			if i >= len(v) || v[i] != ';' {
				break
			}
			i = skipSpace(v, i+1)
			start := i
			for i < len(v) && !strings.ContainsRune("=;, \t", rune(v[i])) {
				i++
			}
			name := strings.ToLower(v[start:i])
			i = skipSpace(v, i)
			var value string
			if i < len(v) && v[i] == '=' {
				value, i = paramValue(v, skipSpace(v, i+1))
			}
			if name == "rel" && !relSeen { // only the first rel counts
				rel, relSeen = value, true
			}
		}
		fn(target, strings.Fields(strings.ToLower(rel)))
		if i < len(v) && v[i] != ',' {
			i = skipPast(v, i, ',')
		}
	}
}

// paramValue reads a token or a quoted string starting at i and returns it
// with the index after it.
func paramValue(v string, i int) (string, int) {
	if i < len(v) && v[i] == '"' {
		var b strings.Builder
		for i++; i < len(v); i++ {
			switch v[i] {
			case '\\':
				if i+1 < len(v) {
					i++
					b.WriteByte(v[i])
				}
			case '"':
				return b.String(), i + 1
			default:
				b.WriteByte(v[i])
			}
		}
		return b.String(), i
	}
	start := i
	for i < len(v) && !strings.ContainsRune(";, \t", rune(v[i])) {
		i++
	}
	return v[start:i], i
}

func skipSpace(v string, i int) int {
	for i < len(v) && (v[i] == ' ' || v[i] == '\t') {
		i++
	}
	return i
}

// skipPast returns the index after the next c at or after i, or len(v).
func skipPast(v string, i int, c byte) int {
	if j := strings.IndexByte(v[i:], c); j >= 0 {
		return i + j + 1
	}
	return len(v)
}
