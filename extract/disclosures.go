package extract

import (
	"net/url"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Limits of a disclosure notice (disclosureNotices): the most words it
// holds, a sentence or two and the link to the policy it sums up; and
// the share of the text, disclosureHeadShare, that may come before it.
const (
	disclosureMaxWords  = 40
	disclosureHeadShare = 0.2
)

// disclosureNotices returns the lines under root that point to the
// site's own disclosure or editorial guidelines page: a line (the
// innermost block element around a link) of disclosureMaxWords words or
// fewer holding a link to a page of the site (host; a relative address)
// whose path names a disclosure or guidelines ("/affiliate-disclosure/",
// "/editorial-guidelines", "/review-guidelines-disclosures"), and no link
// leaving the site, set in the first disclosureHeadShare of root's text.
// Review and shopping sites put such a notice at the head of the story,
// before the links it warns of ("we may earn a commission when you buy
// through our links. Learn more"); the page the link opens is the
// policy, the line its summary, not the writer's text. A story that
// cites a guideline further on ("see our camp safety guidelines") is
// the writer's, and one that cites another body's links to its site.
func disclosureNotices(root *html.Node, host string) map[*html.Node]bool {
	var out map[*html.Node]bool
	total := -1 // root's words, counted once a line qualifies
	links := findAll(root, false, func(x *html.Node) bool {
		return x.DataAtom == atom.A && policyLink(x, host)
	})
	for _, a := range links {
		line := lineOf(a, root)
		if line == root || out[line] || wordsUpTo(line, disclosureMaxWords+1) > disclosureMaxWords || leavesSite(line, host) {
			continue
		}
		if total < 0 {
			total = wordsIn(root)
		}
		if float64(wordsBefore(line, root)) > disclosureHeadShare*float64(total) {
			continue
		}
		if out == nil {
			out = make(map[*html.Node]bool)
		}
		out[line] = true
	}
	return out
}

// policyLink reports whether a links to a page of the site on host whose
// path holds the word "disclosure", "disclosures" or "guidelines". The
// address is parsed only when it holds one of those words.
func policyLink(a *html.Node, host string) bool {
	href := getAttr(a, "href")
	if !containsFold(href, "disclosure") && !containsFold(href, "guidelines") {
		return false
	}
	u, ok := sitePage(a, host)
	if !ok {
		return false
	}
	for _, w := range strings.FieldsFunc(strings.ToLower(u.Path), func(r rune) bool { return r < 'a' || r > 'z' }) {
		switch w {
		case "disclosure", "disclosures", "guidelines":
			return true
		}
	}
	return false
}

// leavesSite reports whether n holds a link to a page on another host
// than host.
func leavesSite(n *html.Node, host string) bool {
	return findFirstWhere(n, func(x *html.Node) bool {
		if x.DataAtom != atom.A {
			return false
		}
		href := strings.TrimSpace(getAttr(x, "href"))
		if href == "" || strings.HasPrefix(href, "#") {
			return false
		}
		_, ok := sitePage(x, host)
		return !ok
	}) != nil
}

// sitePage parses the address of link a and reports whether it leads to
// a page of the site on host: a relative address, or one on host (or a
// subdomain of it); any web address when host is "".
func sitePage(a *html.Node, host string) (*url.URL, bool) {
	href := strings.TrimSpace(getAttr(a, "href"))
	if href == "" || strings.HasPrefix(href, "#") {
		return nil, false
	}
	u, err := url.Parse(href)
	if err != nil {
		return nil, false
	}
	if u.Scheme != "" && u.Scheme != "http" && u.Scheme != "https" {
		return nil, false
	}
	if u.Host == "" || host == "" {
		return u, true
	}
	h := strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	return u, h == host || strings.HasSuffix(h, "."+host)
}

// wordsBefore counts the words of root's text that come before n.
func wordsBefore(n, root *html.Node) int {
	words := 0
	for at := n; at != nil && at != root; at = at.Parent {
		for k := at.PrevSibling; k != nil; k = k.PrevSibling {
			if k.Type == html.TextNode {
				words += wordCount(k.Data)
			} else if k.Type == html.ElementNode {
				words += wordsIn(k)
			}
		}
	}
	return words
}

// containsFold reports whether s holds word, ignoring ASCII case, without
// allocating.
func containsFold(s, word string) bool {
	for i := 0; i+len(word) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(word)], word) {
			return true
		}
	}
	return false
}
