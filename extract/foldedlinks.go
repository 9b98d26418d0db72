package extract

import "golang.org/x/net/html"

// A page may fold away a long list of names, each a link to its
// profile: the readers who liked a story ("and 2,400 more readers"), the
// members of a group. Expanded, such a list can hold more text than the
// story, and the exception that keeps a landmark or a hidden element
// holding half the page's text (holdsHalf: a page wrapped whole in a
// form, or hidden until a script shows it) would keep it, while the
// class word "hidden" that folds it is not read as hiding anywhere else
// (it marks script-toggled answers, slides and a shop's colour
// swatches). An element holding half the page's text that is hidden, or
// classed "hidden" or "invisible" with no word showing it again, and
// whose text is links almost from end to end (foldedLinkShare), is no
// such page: it is pruned, and cut before the content region is read.

// foldedLinkShare is the share of an element's text, in tenths, that
// links hold in a folded list of links: names and the commas between
// them; a page's content, even a listing's, holds dates, excerpts and
// labels outside its links.
const foldedLinkShare = 8

// foldedLinks reports whether n, measured s, is a folded list of links:
// hidden (folded says whether an attribute, a style or a class word of
// hiddenClasses hides it) or classed "hidden" or "invisible" with no
// class word showing it again (classHides), with foldedLinkShare tenths
// of its text or more in links.
func foldedLinks(n *html.Node, s *stat, folded bool) bool {
	if s == nil || s.link == 0 || s.link*10 < s.text*foldedLinkShare {
		return false
	}
	return folded || classHides(getAttr(n, "class"), foldingClasses)
}

// foldingClasses are the class words that fold an element away until a
// script or a width shows it, read as hiding only for a list of links.
var foldingClasses = makeSet("hidden", "invisible")

// foldedNameList reports whether n, measured s, is pruned as a folded
// list of links (foldedLinks) holding half or more of the text of the
// page measured page: hidden elements go anyway, so this reads the
// classes "hidden" and "invisible".
func foldedNameList(n *html.Node, s, page *stat) bool {
	return page != nil && holdsHalf(s, page.text) && foldedLinks(n, s, false)
}
