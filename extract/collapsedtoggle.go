package extract

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// collapsedToggle reports whether n is a disclosure toggle in its closed
// state: a <button> or an element of role button declaring
// aria-expanded="false", with a label of toggleMaxWords words or fewer.
// The WAI-ARIA disclosure pattern asks only for that state on the
// toggle; aria-controls, which names the panel, is optional, and many
// accordions leave it out (a shop's "Specifications" header over its
// folded table of sizes and weights, a college's "Part-time study" header
// over its fees), so the hidden element right after such a toggle is
// the panel it opens. A menu's toggle opens a list of links, which
// toggledPanel's test of the panel's link density turns away.
func collapsedToggle(n *html.Node) bool {
	if n.DataAtom != atom.Button && !strings.EqualFold(getAttr(n, "role"), "button") {
		return false
	}
	if !strings.EqualFold(strings.TrimSpace(getAttr(n, "aria-expanded")), "false") {
		return false
	}
	w := wordsUpTo(n, toggleMaxWords+1)
	return w > 0 && w <= toggleMaxWords
}
