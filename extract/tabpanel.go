package extract

import (
	"strings"

	"golang.org/x/net/html"
)

// labelledTabPanel reports whether n declares itself the panel of a tab
// set labelled by its tab: role tabpanel and an aria-labelledby naming
// the tab. A shop's item page sets its description, its details and its
// delivery terms as tabs, the first open and the others hidden until a
// tab is clicked, and the tabs sit together in a tab list above the
// panels, not right before each one (toggledPanel's wired toggle). A
// panel declared so is one of the page's sections, however short (a
// table of the item's fabric, size and care, a line on delivery), which
// no menu, tooltip or script template left hidden declares; a panel
// role alone (without its label) needs panelMinText, as before.
func labelledTabPanel(n *html.Node) bool {
	return strings.EqualFold(getAttr(n, "role"), "tabpanel") && strings.TrimSpace(getAttr(n, "aria-labelledby")) != ""
}
