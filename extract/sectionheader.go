package extract

import (
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// sectionHeaderScope reports whether n is a <section>, in which a
// <header> is that section's header, not the page's. HTML gives a
// <header> the banner role (the site's masthead, logo and menu) only
// when no sectioning element holds it; pruning removes a <header>
// outside <article> and <main> as such a banner, which, for a <header>
// inside a <section>, removed the story's heading block: its title, its
// standfirst and its date, as news templates that wrap each part of the
// page in a <section> set them. Inside such a header the names of its
// elements are still read as everywhere else.
func sectionHeaderScope(n *html.Node) bool {
	return n.DataAtom == atom.Section
}
