package extract

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// ownProduct is, on a product page, the block holding the product's own
// name when the chosen blocks lie elsewhere. The page's one <h1> names a
// Product its JSON-LD declares for sale (names: one with offers; the
// same words, as titleSet matches them), and the chosen blocks do not
// hold that heading: they are the item's description or the seller's
// notes set below, or a marketplace's "similar items" carousels
// outweighing a short listing. The product's block is then the largest
// element around the <h1> that holds none of the chosen blocks (the buy
// box column with the name, the price and the item's details), emitted
// first; the chosen blocks follow without their runs of productMinCards
// or more sibling cards (cardRuns: a name, a price and a link each),
// other products, returned to skip. Otherwise blocks is returned as it
// is, with nothing to skip. A shop's category page, whose heading names
// the category and not a Product on offer, is left alone.
func ownProduct(body *html.Node, blocks []*html.Node, st map[*html.Node]*stat, names []string) ([]*html.Node, map[*html.Node]bool) {
	if len(names) == 0 || len(blocks) == 0 {
		return blocks, nil
	}
	h1s := findAll(body, false, func(n *html.Node) bool { return n.DataAtom == atom.H1 })
	if len(h1s) != 1 || !newTitleSet(names...).matches(collapseSpace(textOf(h1s[0]))) {
		return blocks, nil
	}
	h1 := h1s[0]
	var cards []*html.Node
	for _, b := range blocks {
		if contains(b, h1) || contains(h1, b) {
			return blocks, nil
		}
		_, cs := cardRuns(b, st, productMinCards)
		cards = append(cards, cs...)
	}
	own := h1
	for a := h1.Parent; a != nil && a != body; a = a.Parent {
		holds := false
		for _, b := range blocks {
			if contains(a, b) {
				holds = true
				break
			}
		}
		if holds {
			break
		}
		own = a
	}
	skip := make(map[*html.Node]bool, len(cards))
	for _, c := range cards {
		skip[c] = true
	}
	return append([]*html.Node{own}, blocks...), skip
}

// productMinCards is the least run of sibling cards that ownProduct
// reads as other products: a carousel shows four or five at a time, and
// a page may set several carousels one under another.
const productMinCards = 3

// ldTypeIs reports whether a JSON-LD @type value (a string or an array
// of strings) is typ, compared without case.
func ldTypeIs(t any, typ string) bool {
	switch x := t.(type) {
	case string:
		return strings.EqualFold(x, typ)
	case []any:
		for _, e := range x {
			if s, _ := e.(string); strings.EqualFold(s, typ) {
				return true
			}
		}
	}
	return false
}
