package extract

import (
	"strings"

	"golang.org/x/net/html"
)

// Panels of accordions and tab sets. A service or documentation page
// folds its questions and answers, its plans and its feature lists into
// panels that a toggle opens; the folded ones are hidden and the panels'
// ids are often made from the names of the tab set ("filter-menu-tabs").
// A panel holding text with few links is the page's content, whether the
// text is paragraphs, a list of features or a table of fees.

// panelMinText is the non-link text, in non-space runes, a panel holds to
// count as content (about 35 words, as collapsedProse always asked).
const panelMinText = 200

// panelMaxLinks is the link density under which a panel is text rather
// than a menu folded into a panel (a mobile menu's submenu).
const panelMaxLinks = 0.2

// textPanel reports whether n, measured by s, holds a panel's worth of
// text with few links: panelMinText or more outside links, under
// panelMaxLinks of it in links. Lists and tables count as much as
// paragraphs.
func textPanel(s *stat) bool {
	return s != nil && s.good() >= panelMinText && s.linkDensity() < panelMaxLinks
}

// panelRole reports whether n declares itself a panel of a tab set or an
// accordion through its ARIA role (tabpanel, region).
func panelRole(n *html.Node) bool {
	switch strings.ToLower(getAttr(n, "role")) {
	case "region", "tabpanel":
		return true
	}
	return false
}

// namedPanel reports whether the widget names on n (proseJunk: "menu",
// "nav", "tabs" of a tab set's id) should be read as the names of the
// tab set around a panel of text: n declares a panel role and holds a
// panel's worth of text with few links.
func namedPanel(n *html.Node, s *stat) bool {
	return panelRole(n) && textPanel(s)
}
