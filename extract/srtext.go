package extract

import (
	"strings"

	"golang.org/x/net/html"
)

// srTextMaxWords is the most words a screen-reader-only element holds
// for screenReaderText: a label ("Regular price", "Rated 4 out of 5"),
// not a block of content a template happens to name so.
const srTextMaxWords = 8

// screenReaderText reports whether n is text for screen readers only,
// named so by its class ("sr-only", "visually-hidden",
// "screen-reader-text": the class words prune already reads as
// boilerplate), with srTextMaxWords words or fewer. A listing's cards
// carry such labels beside what they show ("Sale price" before a price
// shown struck through); the region, which reads no other class names,
// leaves them out, as a browser does.
func screenReaderText(n *html.Node) bool {
	class := getAttr(n, "class")
	if class == "" {
		return false
	}
	screen, reader := false, false
	for _, t := range classTokens(strings.ToLower(class)) {
		switch t {
		case "sr", "visually":
			return wordCount(textOf(n)) <= srTextMaxWords
		case "screen":
			screen = true
		case "reader":
			reader = true
		}
	}
	return screen && reader && wordCount(textOf(n)) <= srTextMaxWords
}

// ariaHiddenOnly reports whether n is hidden from screen readers only:
// aria-hidden="true" without the hidden attribute or an inline style
// that hides it. Such an element is seen (a card's second link around
// its summary, a decorative heading).
func ariaHiddenOnly(n *html.Node) bool {
	if !strings.EqualFold(getAttr(n, "aria-hidden"), "true") || hasAttr(n, "hidden") {
		return false
	}
	st := strings.ToLower(strings.ReplaceAll(getAttr(n, "style"), " ", ""))
	return !strings.Contains(st, "display:none") && !strings.Contains(st, "visibility:hidden")
}

// seenAriaHidden reports whether n, hidden from screen readers only
// (ariaHiddenOnly), is text the reader sees: five words or more that its
// parent does not also hold outside it (a card's summary inside a second
// link to its page, where a copy for screen readers would repeat it).
func seenAriaHidden(n *html.Node) bool {
	if !ariaHiddenOnly(n) {
		return false
	}
	own := strings.Join(strings.Fields(textOf(n)), " ")
	if wordCount(own) < 5 || n.Parent == nil {
		return false
	}
	for c := n.Parent.FirstChild; c != nil; c = c.NextSibling {
		if c != n && strings.Contains(strings.Join(strings.Fields(textOf(c)), " "), own) {
			return false
		}
	}
	return true
}
