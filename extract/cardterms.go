package extract

import (
	"strings"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// repeatedCardTerms returns the field names that a run of cards repeats
// word for word: in each of runs (cardRunGroups) of regionMinCards or
// more sibling cards, a <dt> of cardActionMaxWords words or fewer,
// without digits, whose text four fifths or more of the cards hold, is
// the name the shop's template gives a field ("Colour", "Price",
// "Weight"), printed once per item, not the item's own data: the <dd>
// after it holds that and stays. A description list that differs from
// card to card (one item's "Dimensions", another's "Battery") names what
// each item offers and stays too. The emitter skips the terms returned.
func repeatedCardTerms(runs [][]*html.Node) map[*html.Node]bool {
	var skip map[*html.Node]bool
	for _, run := range runs {
		if len(run) < regionMinCards {
			continue
		}
		terms := make([]map[string][]*html.Node, len(run))
		count := map[string]int{}
		for i, card := range run {
			terms[i] = cardTerms(card)
			for text := range terms[i] {
				count[text]++
			}
		}
		need := max(3, (len(run)*4+4)/5)
		for text, n := range count {
			if n < need {
				continue
			}
			for _, t := range terms {
				for _, dt := range t[text] {
					if skip == nil {
						skip = make(map[*html.Node]bool)
					}
					skip[dt] = true
				}
			}
		}
	}
	return skip
}

// cardTerms returns the <dt> elements under card whose text may be a
// field's name, by their folded text: one to cardActionMaxWords words,
// no digits.
func cardTerms(card *html.Node) map[string][]*html.Node {
	var out map[string][]*html.Node
	for _, dt := range findAll(card, false, func(n *html.Node) bool { return n.DataAtom == atom.Dt }) {
		text := strings.Join(strings.Fields(textOf(dt)), " ")
		if text == "" || strings.IndexFunc(text, unicode.IsDigit) >= 0 || len(strings.Fields(text)) > cardActionMaxWords {
			continue
		}
		if out == nil {
			out = make(map[string][]*html.Node)
		}
		key := strings.ToLower(text)
		out[key] = append(out[key], dt)
	}
	return out
}
