package extract

import (
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// priceCardMin is the least run of sibling price cards (see priceCards)
// read as other products: a strip of "related" or "complete the look"
// items shows three or four at a time.
const priceCardMin = 3

// priceCardMaxText is the most text, in characters, a price card holds:
// a name, a price, a seller or a stock line, not a description.
const priceCardMaxText = 800

// priceIn finds an amount of money in a text: a currency sign or a
// three-letter currency code next to figures ("$14.00", "14,00 €",
// "AED 885").
var priceIn = regexp.MustCompile(`\p{Sc}\s?\d|\d\s?\p{Sc}|\b[A-Z]{3}:?\s?\d|\d\s?[A-Z]{3}\b`)

// priceCards returns, on a product page, the runs of priceCardMin or
// more sibling elements of one tag and first class word (familyClass)
// that each hold a price, a link to another page and at most
// priceCardMaxText characters of text, outside the element holding the
// product's <h1> (own): the other products a shop sets beside the item
// ("related products", "complete the look"), each a name and a price,
// however many links its buttons add (a quick view, an add-to-basket
// and a seller link make them no cards for cardRuns). A run holding the
// <h1> is the product's own options.
func priceCards(n, own *html.Node, st map[*html.Node]*stat) map[*html.Node]bool {
	var out map[*html.Node]bool
	type key struct{ tag, class string }
	var walk func(x *html.Node)
	walk = func(x *html.Node) {
		runs := map[key][]*html.Node{}
		for c := x.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode && priceCard(c, own, st) {
				k := key{c.Data, familyClass(c)}
				runs[k] = append(runs[k], c)
			}
		}
		for _, r := range runs {
			if len(r) < priceCardMin {
				continue
			}
			if out == nil {
				out = make(map[*html.Node]bool)
			}
			for _, c := range r {
				out[c] = true
			}
		}
		for c := x.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode && !out[c] {
				walk(c)
			}
		}
	}
	walk(n)
	return out
}

// priceCard reports whether n is one item of a strip of other products:
// some text, at most priceCardMaxText characters of it, a price, and a
// link to another page, and n neither holds nor sits in own.
func priceCard(n, own *html.Node, st map[*html.Node]*stat) bool {
	s := st[n]
	if s == nil || s.text == 0 || s.text > priceCardMaxText || own != nil && (contains(n, own) || contains(own, n)) {
		return false
	}
	if !priceIn.MatchString(textOf(n)) {
		return false
	}
	return findFirstWhere(n, func(a *html.Node) bool {
		if a.DataAtom != atom.A {
			return false
		}
		h := strings.TrimSpace(getAttr(a, "href"))
		return h != "" && !strings.HasPrefix(h, "#") && !strings.HasPrefix(strings.ToLower(h), "javascript:")
	}) != nil
}

// productStrips returns the price cards (priceCards) around the one
// <h1> of n, when that heading names an item the page's JSON-LD
// declares (names, from itemNames): a single item's page, whose strips
// of priced cards are other products. A shop's category page, whose
// heading names the category and whose cards are its content, gets
// none.
func productStrips(n *html.Node, st map[*html.Node]*stat, names []string) map[*html.Node]bool {
	if len(names) == 0 {
		return nil
	}
	h1s := findAll(n, false, func(x *html.Node) bool { return x.DataAtom == atom.H1 })
	if len(h1s) != 1 || !namesItem(collapseSpace(textOf(h1s[0])), names) {
		return nil
	}
	return priceCards(n, h1s[0], st)
}

// namesItem reports whether heading names one of the items: the words
// of one hold all the words of the other, however they are punctuated
// ("KALLAX Shelf unit, white" for "KALLAX Shelf unit - white") and
// whatever brand one adds ("Bershka Faux leather jacket - black" for
// "Faux leather jacket - black").
func namesItem(heading string, names []string) bool {
	h := wordSet(heading)
	if len(h) == 0 {
		return false
	}
	for _, n := range names {
		w := wordSet(n)
		if len(w) > 0 && (subset(w, h) || subset(h, w)) {
			return true
		}
	}
	return false
}

// wordSet returns the lower-cased words (letters and digits) of s.
func wordSet(s string) map[string]bool {
	set := make(map[string]bool)
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		set[w] = true
	}
	return set
}

// subset reports whether every word of a is in b.
func subset(a, b map[string]bool) bool {
	for w := range a {
		if !b[w] {
			return false
		}
	}
	return true
}
