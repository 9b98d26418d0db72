package extract

import (
	"strings"

	"golang.org/x/net/html"
)

// reviewPanelMaxWords is the most words of a toggle's label that names a
// folded panel of reviews ("Reviews summary", "Customer reviews (212)").
const reviewPanelMaxWords = 6

// reviewsPanel reports whether the folded panel n is titled for reviews:
// the element right before it, its toggle or heading, is a short label
// holding a word of reviewWords. Such a panel folds the buyers' reviews,
// or a summary a program wrote of them, away under a shop's item; it is
// not the item's text, and stays hidden.
func reviewsPanel(n *html.Node) bool {
	t := n.PrevSibling
	for t != nil && t.Type != html.ElementNode {
		t = t.PrevSibling
	}
	if t == nil || wordsUpTo(t, reviewPanelMaxWords+1) > reviewPanelMaxWords {
		return false
	}
	for _, w := range strings.Fields(strings.ToLower(textOf(t))) {
		if in(reviewWords, strings.Trim(w, ".,:;()[]")) {
			return true
		}
	}
	return false
}
