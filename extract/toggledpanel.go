package extract

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// toggledPanelMinText is the non-link text, in non-space runes, a folded
// panel wired to its toggle holds to count as content: one short
// sentence (about eight words), where an unwired panel needs
// panelMinText.
const toggledPanelMinText = 40

// toggledPanel reports whether n, a hidden element measured by s, is the
// folded panel of an accordion whose toggle sits right before it: the
// element before n (or one inside it, as a button inside a heading) names
// n's id in aria-controls, or is a closed disclosure toggle
// (collapsedToggle) whatever n's id; or n is a tab set's panel labelled
// by its tab (labelledTabPanel), wherever the tab sits. A service page
// lists its selling points as an accordion of a short title and a line
// or two of text each ("No experience needed" / one sentence); each
// panel is far below
// panelMinText, yet the page wires it to a button that opens it, which
// no menu or tooltip left hidden does. Such a panel holding a sentence's
// worth of text with few links is the page's content.
func toggledPanel(n *html.Node, s *stat) bool {
	if s == nil || s.good() < toggledPanelMinText || s.linkDensity() >= panelMaxLinks {
		return false
	}
	if labelledTabPanel(n) {
		return true
	}
	prev := n.PrevSibling
	for prev != nil && prev.Type != html.ElementNode {
		prev = prev.PrevSibling
	}
	if prev == nil {
		return false
	}
	if id := strings.TrimSpace(getAttr(n, "id")); id != "" && controls(prev, id, 2) {
		return true
	}
	return collapsedToggle(prev)
}

// controls reports whether n, or an element under it at most depth
// levels down, names id in its aria-controls attribute.
func controls(n *html.Node, id string, depth int) bool {
	for _, c := range strings.Fields(getAttr(n, "aria-controls")) {
		if c == id {
			return true
		}
	}
	if depth == 0 {
		return false
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && controls(c, id, depth-1) {
			return true
		}
	}
	return false
}

// toggleMaxWords is the most words a disclosure toggle's label holds: a
// panel's title, not a sentence.
const toggleMaxWords = 12

// disclosureToggle reports whether n is the <button> that opens a panel
// of text right after it: it names in aria-controls the id of the next
// element after it, its parent or its grandparent (a button inside a
// heading inside the accordion item), that panel holds a sentence's
// worth of text with few links, and the button's label is short. The
// label is the panel's title ("Small groups" over "Eight students at
// most…"), so it is read like a heading, where other buttons (basket,
// menu, share) never hold the story. Prune keeps such a button, so that
// its panel is known as toggled (toggledPanel); the emitter reads its
// label unless the parent already shows it (toggleLabelShown).
func disclosureToggle(n *html.Node) bool {
	if n.DataAtom != atom.Button {
		return false
	}
	ids := strings.Fields(getAttr(n, "aria-controls"))
	if len(ids) == 0 {
		return false
	}
	panel := controlledNext(n, ids, 2)
	if panel == nil {
		return false
	}
	label := strings.TrimSpace(textOf(n))
	if w := len(strings.Fields(label)); w == 0 || w > toggleMaxWords {
		return false
	}

	s := measure(panel)[panel]
	return s != nil && s.good() >= toggledPanelMinText && s.linkDensity() < panelMaxLinks
}

// controlledNext returns the element right after n, or after one of its
// ancestors at most up levels above it, when its id is one of ids; nil
// otherwise.
func controlledNext(n *html.Node, ids []string, up int) *html.Node {
	for a := n; a != nil && up >= 0; a, up = a.Parent, up-1 {
		next := a.NextSibling
		for next != nil && next.Type != html.ElementNode {
			next = next.NextSibling
		}
		if next == nil {
			continue
		}
		id := getAttr(next, "id")
		for _, want := range ids {
			if id == want {
				return next
			}
		}
	}
	return nil
}

// toggleLabelShown reports whether the parent of n, a disclosure toggle,
// holds n's label outside n too: a heading whose text sits beside a
// toggle that repeats it. The label is then read once, from the heading.
func toggleLabelShown(n *html.Node) bool {
	label := strings.TrimSpace(textOf(n))
	return n.Parent != nil && label != "" && strings.Count(textOf(n.Parent), label) > 1
}
