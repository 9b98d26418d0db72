package extract

import (
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// titleHeading reports whether n is a heading other than <h1> (h2–h6)
// whose text is the page's title (ts: the titles its metadata and the
// feed item give). Templates of news and press pages set the story's
// title in an <h2> or <h3> when their <h1> holds the site's name or
// nothing at all (the h3 of a news module, a theme's "entry-title"
// h2); that heading then opens the story as an <h1> would, and the
// standfirst (standfirst.go) is read under it. A heading whose text is
// not the title (a section's, a teaser's) opens nothing.
func titleHeading(n *html.Node, ts titleSet) bool {
	switch n.DataAtom {
	case atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		return len(ts) > 0 && ts.matches(normalize(textOf(n)))
	}
	return false
}
