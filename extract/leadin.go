package extract

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Lead-ins of link boxes. A heading or a paragraph ending in a colon
// announces what follows it; when all that follows it in its box is
// links (a row of buttons to shops, each a shop's name), the emitter
// drops those as lines of link text and the lead-in is left announcing
// nothing ("Pick one up at these shops:"). Such a lead-in,
// leadInMaxWords words or fewer with no link of its own, is skipped with
// its links. A lead-in followed by text of the story stays, and so does
// one in a box holding other text besides the links, and one over a
// list of links, which the writer's own lists keep (storyLists).

// leadInMaxWords is the most words of a lead-in.
const leadInMaxWords = 12

// linkBoxLeadIns returns the lead-ins under root whose following
// siblings, to the end of their parent, are nothing but links; nil when
// there is none.
func linkBoxLeadIns(root *html.Node) map[*html.Node]bool {
	var out map[*html.Node]bool
	for _, n := range findAll(root, false, leadInTag) {
		if !colonLeadIn(n) || !linksFollow(n) { // the short lead-in first: linksFollow walks its siblings
			continue
		}
		if out == nil {
			out = make(map[*html.Node]bool)
		}
		out[n] = true
	}
	return out
}

// leadInTag reports whether n is a heading or a paragraph: the elements
// a lead-in is written in.
func leadInTag(n *html.Node) bool { return isHeading(n) || n.DataAtom == atom.P }

// linksFollow reports whether n has at least one element sibling after
// it and everything after it in its parent is link text outside lists:
// a list of links after a lead-in ("Where to buy:", then the shops
// as list items) is the writer's, kept with it.
func linksFollow(n *html.Node) bool {
	links := 0
	for s := n.NextSibling; s != nil; s = s.NextSibling {
		switch s.Type {
		case html.TextNode:
			if strings.TrimSpace(s.Data) != "" {
				return false
			}
		case html.ElementNode:
			if s.DataAtom == atom.Ul || s.DataAtom == atom.Ol || findFirstWhere(s, isListItem) != nil {
				return false // a list of links the writer gives: see storyLists
			}
			link, total := linkText(s, s.DataAtom == atom.A)
			if link < total {
				return false
			}
			links += link
		}
	}
	return links > 0
}

// colonLeadIn reports whether n's text ends in a colon, of one to
// leadInMaxWords words, with no link.
func colonLeadIn(n *html.Node) bool {
	words := wordsUpTo(n, leadInMaxWords+1)
	if words == 0 || words > leadInMaxWords {
		return false
	}
	if findFirstWhere(n, func(x *html.Node) bool { return x.DataAtom == atom.A }) != nil {
		return false
	}
	return strings.HasSuffix(strings.TrimSpace(textOf(n)), ":")
}

// isListItem reports whether n is a list item.
func isListItem(n *html.Node) bool { return n.DataAtom == atom.Li }
