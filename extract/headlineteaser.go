package extract

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// headlineTeaserReach is how many elements may stand between an <h1> and
// the standfirst set after it (a byline, a picture, screen-reader text).
const headlineTeaserReach = 3

// headlineTeaser reports whether n, an element whose names read as
// boilerplate, is the story's standfirst named "teaser": an element
// following an <h1>, its sibling with at most headlineTeaserReach
// elements between them, holding standfirstMinRunes or more of text
// and no link, whose class and id name nothing but a teaser (or a
// banner). Many news templates call the lead under the headline its
// "teaser" (the word German newsrooms use for it), the name other
// templates give the cards of other stories: those carry links and come
// in runs, away from the headline, and still go. The same holds for the
// name "banner", which a landing page's hero gives the line under its
// <h1> (titlebanner.go). A hidden element goes too.
func headlineTeaser(n *html.Node, s *stat) bool {
	if s == nil || s.link > 0 || s.good() < standfirstMinRunes || !followsH1(n) ||
		hidden(n) || hiddenClass(getAttr(n, "class")) || strings.TrimSpace(getAttr(n, "role")) != "" {
		return false
	}
	named := false
	for _, t := range classTokens(getAttr(n, "class") + " " + getAttr(n, "id")) {
		if !in(strongJunk, t) {
			continue
		}
		if t != "teaser" && t != "banner" {
			return false
		}
		named = true
	}
	return named
}

// followsH1 reports whether an <h1> is one of the headlineTeaserReach+1
// element siblings before n.
func followsH1(n *html.Node) bool {
	p := prevElement(n)
	for i := 0; p != nil && i <= headlineTeaserReach; i, p = i+1, prevElement(p) {
		if p.DataAtom == atom.H1 {
			return true
		}
	}
	return false
}
