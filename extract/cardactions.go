package extract

import (
	"strings"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// cardActionMaxWords is the most words a card's action link holds
// ("Quick shop", "View details", "Add to cart").
const cardActionMaxWords = 4

// repeatedCardActions returns the controls that a run of cards repeats
// word for word: in each of runs (cardRunGroups) of regionMinCards or
// more sibling cards, a link or another control (actionElement) of
// cardActionMaxWords words or fewer, without digits, whose text four
// fifths or more of the cards hold, is the card's call to action
// ("Quick shop", "View details", "Read full story"), the same button on
// every item, not the item's name, price or summary, which differ from
// card to card. A tag link that only some cards share ("Startups" on a
// few of a news grid's teasers) stays, and so does text outside links
// (a label, "In stock", "Full-time"), which is the item's own data. The
// emitter skips the controls returned.
func repeatedCardActions(runs [][]*html.Node) map[*html.Node]bool {
	var skip map[*html.Node]bool
	for _, run := range runs {
		if len(run) < regionMinCards {
			continue
		}
		links := make([]map[string][]*html.Node, len(run))
		count := map[string]int{}
		for i, card := range run {
			links[i] = actionControls(card)
			for text := range links[i] {
				count[text]++
			}
		}
		need := max(3, (len(run)*4+4)/5)
		for text, n := range count {
			if n < need {
				continue
			}
			for _, l := range links {
				for _, a := range l[text] {
					if skip == nil {
						skip = make(map[*html.Node]bool)
					}
					skip[a] = true
				}
			}
		}
	}
	return skip
}

// actionControls returns the controls under card (actionElement, not card
// itself, nor a link inside a sentence: inRunningText) whose text may be a
// call to action, by their folded text: one to cardActionMaxWords words,
// no digits.
func actionControls(card *html.Node) map[string][]*html.Node {
	out := map[string][]*html.Node{}
	for _, a := range findAll(card, false, actionElement) {
		if a == card || inRunningText(a) {
			continue
		}
		text := strings.Join(strings.Fields(textOf(a)), " ")
		if text == "" || strings.IndexFunc(text, unicode.IsDigit) >= 0 || len(strings.Fields(text)) > cardActionMaxWords {
			continue
		}
		key := strings.ToLower(text)
		out[key] = append(out[key], a)
	}
	return out
}

// actionElement reports whether n may be a card's action: a link, an
// element declaring role button, or a custom element (its tag holds a
// hyphen: <quick-add-button>), which a script turns into a control.
func actionElement(n *html.Node) bool {
	return n.DataAtom == atom.A || n.DataAtom == 0 && strings.Contains(n.Data, "-") ||
		strings.EqualFold(getAttr(n, "role"), "button")
}
