package extract

import (
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// ownAnchorMaxDepth bounds how far above a link ownAnchor looks for the
// heading it sits in: the link, or an element or two around its words
// (<strong>, <span>), is the heading's content.
const ownAnchorMaxDepth = 3

// ownAnchor reports whether a, an <a>, is a heading's link to its own
// anchor: it sits in a heading (h1–h6, ownAnchorMaxDepth levels up at
// most) and its href is "#" and the id of that heading, of the element
// the heading opens (its parent, a <section id="…">), or of an element
// in the heading (an <a id="…"> or <a name="…"> set before the words,
// or the link itself). Blogs and documentation wrap a section's heading
// in such a link so that a reader can copy the address of the section;
// the words are the writer's heading, not a link to another part of
// the page (a table of contents lists links to the headings, it is not
// one), and are emitted as text. A heading linking elsewhere in the
// page (a forum post's title, linking to the post) is left as a link.
func ownAnchor(a *html.Node) bool {
	href := getAttr(a, "href")
	if len(href) < 2 || href[0] != '#' {
		return false // the cheap test first: this runs on every link emitted
	}
	target := href[1:]
	h := a.Parent
	for depth := 1; h != nil && !isHeading(h); depth++ {
		if depth >= ownAnchorMaxDepth {
			return false
		}
		h = h.Parent
	}
	if h == nil {
		return false
	}
	if getAttr(h, "id") == target || h.Parent != nil && getAttr(h.Parent, "id") == target {
		return true
	}
	return findFirstWhere(h, func(n *html.Node) bool {
		return getAttr(n, "id") == target || n.DataAtom == atom.A && getAttr(n, "name") == target
	}) != nil || getAttr(a, "id") == target
}
