package extract

import (
	"bytes"
	"net/url"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// addressScanLimit bounds how much of a page DeclaredAddress reads: the
// head of any real page ends well before it.
const addressScanLimit = 256 << 10

// DeclaredAddress returns the address a page declares as its own: its
// <link rel="canonical"> (the first one), else its og:url, resolved
// against base, the page's URL. It returns "" when the head declares
// neither, or only something that is not an absolute http(s) URL. Only the
// head is read (up to the first element of the body, and at most
// addressScanLimit bytes), so it costs little beside Extract.
//
// A syndicated copy usually names the original's address here; a page
// reached through a tracking, mobile or AMP address names the plain one.
func DeclaredAddress(page []byte, base string) string {
	if len(page) > addressScanLimit {
		page = page[:addressScanLimit]
	}
	baseURL, _ := url.Parse(base)
	z := html.NewTokenizer(bytes.NewReader(page))
	canonical, og := "", ""
	for canonical == "" {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		name, hasAttr := z.TagName()
		switch atom.Lookup(name) {
		case atom.Body, atom.P, atom.Div, atom.Article, atom.Main:
			return firstAddress(canonical, og, baseURL)
		case atom.Link:
			if attrs := tagAttrs(z, hasAttr); relHas(attrs["rel"], "canonical") {
				canonical = attrs["href"]
			}
		case atom.Meta:
			if attrs := tagAttrs(z, hasAttr); og == "" && strings.EqualFold(attrs["property"], "og:url") {
				og = attrs["content"]
			}
		}
	}
	return firstAddress(canonical, og, baseURL)
}

// firstAddress returns the first of canonical and og that resolves against base to
// an absolute http(s) URL, or "".
func firstAddress(canonical, og string, base *url.URL) string {
	for _, ref := range []string{canonical, og} {
		if abs := absoluteHTTP(base, strings.TrimSpace(ref)); abs != "" {
			return abs
		}
	}
	return ""
}

func absoluteHTTP(base *url.URL, ref string) string {
	if ref == "" {
		return ""
	}
	u, err := url.Parse(ref)
	if err != nil {
		return ""
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}

func tagAttrs(z *html.Tokenizer, more bool) map[string]string {
	attrs := map[string]string{}
	for more {
		var k, v []byte
		k, v, more = z.TagAttr()
		attrs[strings.ToLower(string(k))] = string(v)
	}
	return attrs
}

func relHas(rel, want string) bool {
	for f := range strings.FieldsSeq(rel) {
		if strings.EqualFold(f, want) {
			return true
		}
	}
	return false
}
