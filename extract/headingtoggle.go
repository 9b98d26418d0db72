package extract

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// headingToggle reports whether n is an accordion's header button: a
// <button> declaring aria-expanded (the WAI-ARIA accordion pattern sets
// the button that opens a section inside the section's heading) that
// holds all the text of the heading around it, its parent or
// grandparent, in toggleMaxWords words or fewer. The button's label is
// then the heading itself ("Cloth and care", "Sizing" over a shop's
// folded sections, a question over its answer), where other
// buttons (basket, menu, share) never hold the story; without it the
// heading is empty and the section loses its title.
func headingToggle(n *html.Node) bool {
	if n.DataAtom != atom.Button || !hasAttr(n, "aria-expanded") {
		return false
	}
	h := n.Parent
	if h != nil && !isHeading(h) {
		h = h.Parent
	}
	if h == nil || !isHeading(h) {
		return false
	}
	label := strings.Join(strings.Fields(textOf(n)), " ")
	if w := len(strings.Fields(label)); w == 0 || w > toggleMaxWords {
		return false
	}
	return strings.Join(strings.Fields(textOf(h)), " ") == label
}
