package extract

import (
	"net/url"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// cutLinksAfterCards removes, when the region holds a run of
// regionMinCards or more sibling cards (cardRuns), the elements after the
// last card, at its level and at each level up to the region, that are
// four fifths or more link text, link to many parts of the web
// (siteLinks) and hold no run of cards themselves: the link columns of a
// footer or a site map that a template puts under a listing's items
// outside any landmark element. Text after the items that is not links
// (a shop's buying guide under its grid), a list of sources with their
// authors, and a list of links into one section (the rest of a
// category's pages) stay. st measures the region.
func cutLinksAfterCards(region *html.Node, st map[*html.Node]*stat) {
	_, cards := cardRuns(region, st, regionMinCards)
	if len(cards) == 0 {
		return
	}
	last := cards[0]
	for _, c := range cards[1:] {
		if precedes(last, c) {
			last = c
		}
	}
	for n := last; n != nil && n != region; n = n.Parent {
		for s := n.NextSibling; s != nil; {
			next := s.NextSibling
			if s.Type == html.ElementNode {
				if t := st[s]; t != nil && t.text > 0 && t.link*5 >= t.text*4 && siteLinks(s) && cardRun(s, st) < regionMinCards {
					s.Parent.RemoveChild(s)
				}
			}
			s = next
		}
	}
}

// precedes reports whether a comes before b in document order (neither
// holding the other).
func precedes(a, b *html.Node) bool {
	var pa, pb []*html.Node
	for x := a; x != nil; x = x.Parent {
		pa = append(pa, x)
	}
	for x := b; x != nil; x = x.Parent {
		pb = append(pb, x)
	}
	i, j := len(pa)-1, len(pb)-1
	for i > 0 && j > 0 && pa[i-1] == pb[j-1] {
		i, j = i-1, j-1
	}
	if i == 0 || j == 0 {
		return false
	}
	for s := pa[i-1].NextSibling; s != nil; s = s.NextSibling {
		if s == pb[j-1] {
			return true
		}
	}
	return false
}

// siteLinks reports whether n holds five or more links and they lead to
// many parts of the web: at least half as many distinct first path
// segments (counted per host) as links. A footer's columns link to the
// shop, the help pages, the company, its careers and its other sites; a
// listing's items link into one section ("/wiki/...", "/products/...").
func siteLinks(n *html.Node) bool {
	links := 0
	parts := map[string]bool{}
	for _, a := range findAll(n, false, func(x *html.Node) bool { return x.DataAtom == atom.A }) {
		href := strings.TrimSpace(getAttr(a, "href"))
		u, err := url.Parse(href)
		if err != nil || href == "" || strings.HasPrefix(href, "#") {
			continue
		}
		links++
		seg, _, _ := strings.Cut(strings.TrimPrefix(u.Path, "/"), "/")
		parts[u.Host+"/"+seg] = true
	}
	return links >= 5 && len(parts)*2 >= links
}
