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
