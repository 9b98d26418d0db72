package extract

import (
	"net/url"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/publicsuffix"
)

// storyLists returns the lists (<ul>, <ol>) and the headings the story
// writes between its own paragraphs: children of the story's container
// (storyContainer, holding storyMinParas paragraphs of storyMinWords
// words or more) with a <p> of text both before and after them among
// their siblings. They keep their links: a list of sources, downloads or
// tools the writer cites is the story's, though it is mostly link text as
// a menu is, and so is a section heading that is a link (a product's name
// linking to its shop, a step linking to its page, a heading wrapped in
// the link to its own anchor; alone, or in a link or box holding nothing
// else). A list whose links all lead within the
// page is a table of contents, and one holding a quarter of the
// paragraphs' words or more is a directory of the site's pages; neither
// is one of them. A teaser's linked heading sits in a card of its own,
// not among the story's paragraphs. So is a <p> child that is mostly
// link text and cites another site (citesElsewhere), with a <p> of text
// before it and one of prose (lastProse) after it: a report or an
// article the writer links on a line of its own, where a "read more"
// line leads to the site's own pages and an ad is a paid link or sits
// beside one (besidePaid). host is
// the page's; with none, no such <p> is kept.
func storyLists(block *html.Node, host string, ss *stories) map[*html.Node]bool {
	c, writes := ss.of(block)
	if !writes {
		return nil
	}
	words := paragraphWords(c)
	last := c.LastChild // the last <p> of text: what comes before it has one after it
	for last != nil && !isTextParagraph(last) {
		last = last.PrevSibling
	}
	prose := lastProse(c) // a link paragraph needs one after it, as a list does
	site := ""
	if host != "" {
		site = registrableDomain(host)
	}
	var lists map[*html.Node]bool
	before, proseAfter := false, prose != nil
	for k := c.FirstChild; k != last; k = k.NextSibling {
		if k == prose {
			proseAfter = false
		}
		if isTextParagraph(k) {
			if before && proseAfter && citesElsewhere(k, site) && !besidePaid(k) {
				if lists == nil {
					lists = make(map[*html.Node]bool)
				}
				lists[k] = true
			}
			before = true
			continue
		}
		if !before || k.Type != html.ElementNode {
			continue
		}
		if !storyHeading(k) && ((k.DataAtom != atom.Ul && k.DataAtom != atom.Ol) || inPageLinks(k) || wordsIn(k)*4 > words) {
			continue
		}
		if lists == nil {
			lists = make(map[*html.Node]bool)
		}
		lists[k] = true
	}
	return lists
}

// storyHeading reports whether n is a heading, or an element (a link, a
// <div>) holding a heading and no other text.
func storyHeading(n *html.Node) bool {
	if isHeading(n) {
		return true
	}
	h := findFirstWhere(n, isHeading)
	return h != nil && wordsIn(h) == wordsIn(n)
}

// paragraphWords counts the words of the <p> children of c.
func paragraphWords(c *html.Node) int {
	words := 0
	for k := c.FirstChild; k != nil; k = k.NextSibling {
		if k.DataAtom == atom.P {
			words += wordsIn(k)
		}
	}
	return words
}

// writesStory reports whether c, a story's container, holds at least
// storyMinParas <p> children of storyMinWords words in all.
func writesStory(c *html.Node) bool {
	paras, words := 0, 0
	for k := c.FirstChild; k != nil && (paras < storyMinParas || words < storyMinWords); k = k.NextSibling {
		if k.DataAtom != atom.P {
			continue
		}
		if w := wordsIn(k); w > 0 {
			paras++
			words += w
		}
	}
	return paras >= storyMinParas && words >= storyMinWords
}

// isTextParagraph reports whether n is a <p> holding text.
func isTextParagraph(n *html.Node) bool {
	return n.DataAtom == atom.P && wordsUpTo(n, 1) > 0
}

// inPageLinks reports whether every link in n leads within the page
// (href "#…").
func inPageLinks(n *html.Node) bool {
	links := findAll(n, false, func(x *html.Node) bool { return x.DataAtom == atom.A })
	for _, a := range links {
		if !strings.HasPrefix(strings.TrimSpace(getAttr(a, "href")), "#") {
			return false
		}
	}
	return len(links) > 0
}

// citesElsewhere reports whether n is mostly the text of links and its
// first link leads to a site other than site, the page's registrable
// domain (a subdomain such as shop.example.com is example.com's own), and
// is not a paid link (paidLink).
func citesElsewhere(n *html.Node, site string) bool {
	a := findFirst(n, atom.A)
	if site == "" || a == nil {
		return false
	}
	u, err := url.Parse(strings.TrimSpace(getAttr(a, "href")))
	if err != nil || u.Hostname() == "" || registrableDomain(u.Hostname()) == site || paidLink(a, u) {
		return false
	}
	return linkWordsIn(n)*10 > wordsIn(n)*7
}

// registrableDomain returns the part of host a registrant owns
// (example.co.uk for news.example.co.uk), or host itself when the public
// suffix list does not tell.
func registrableDomain(host string) string {
	d, err := publicsuffix.EffectiveTLDPlusOne(strings.ToLower(host))
	if err != nil {
		return strings.ToLower(host)
	}
	return d
}

// lastProse returns the last <p> child of c holding text that is not
// mostly link text, nil when there is none.
func lastProse(c *html.Node) *html.Node {
	for k := c.LastChild; k != nil; k = k.PrevSibling {
		if isTextParagraph(k) && linkWordsIn(k)*10 <= wordsIn(k)*7 {
			return k
		}
	}
	return nil
}

// paidLink reports whether a, leading to u, is marked as paid or as a
// marketing campaign's: rel "sponsored" (the mark the web's search
// engines ask paid links to carry) or utm_ parameters in its address
// (the campaign tags of analytics tools, set on ads and affiliate
// links).
func paidLink(a *html.Node, u *url.URL) bool {
	for _, r := range strings.Fields(strings.ToLower(getAttr(a, "rel"))) {
		if r == "sponsored" {
			return true
		}
	}
	for k := range u.Query() {
		if strings.HasPrefix(strings.ToLower(k), "utm_") {
			return true
		}
	}
	return false
}

// besidePaid reports whether the element before or after n holds a paid
// link first (paidLink): a line beside an ad is the ad's too ("compare
// new deals with …", then "compare used deals with …").
func besidePaid(n *html.Node) bool {
	for _, k := range []*html.Node{prevElement(n), nextElement(n)} {
		if k == nil {
			continue
		}
		a := findFirst(k, atom.A)
		if a == nil {
			continue
		}
		if u, err := url.Parse(strings.TrimSpace(getAttr(a, "href"))); err == nil && paidLink(a, u) {
			return true
		}
	}
	return false
}
