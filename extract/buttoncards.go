package extract

import (
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Limits of buttonCard: a card's button reads buttonMaxWords words or
// fewer, the card holds at most buttonCardMaxLinks links (a template
// often writes its button twice, for wide and narrow screens) and at
// most buttonCardMaxWords words outside them.
const (
	buttonMaxWords     = 4
	buttonCardMaxLinks = 2
	buttonCardMaxWords = 40
)

// buttonCard reports whether n is the teaser of another page of the site
// set as a card whose heading is plain text and whose link is a button
// beside it: a heading (h1 to h6, or an element marked role="heading")
// that holds no link, a short blurb, and a link of a few words ("read
// more", "learn more") to another page on host. Templates put rows of
// such cards under a story to lead the reader to their related pages or
// their products; teaser reads them as it reads cards whose heading is
// the link. A section of the story itself does not end in a lone button
// of a few words, and it holds more text than a card's blurb; a link
// inside a sentence (inProse) is not a button.
func buttonCard(n *html.Node, host string) bool {
	h := findFirstWhere(n, cardHeading)
	if h == nil || wordsIn(h) == 0 || findFirst(h, atom.A) != nil {
		return false
	}
	links := findAll(n, false, func(x *html.Node) bool { return x.DataAtom == atom.A })
	if len(links) == 0 || len(links) > buttonCardMaxLinks {
		return false
	}
	for _, a := range links {
		if w := wordsIn(a); w == 0 || w > buttonMaxWords {
			return false
		}
		if _, ok := sitePage(a, host); !ok || inProse(a, n) {
			return false
		}
	}
	return wordsIn(n)-linkWordsIn(n) <= buttonCardMaxWords
}

// cardHeading reports whether n is a heading, by its tag or its role.
func cardHeading(n *html.Node) bool {
	return isHeading(n) || (n.DataAtom == atom.Div && getAttr(n, "role") == "heading")
}

// inProse reports whether a sits in a paragraph or a quote inside card:
// a link in a sentence (a reply's mention of the post it answers) is
// not a button.
func inProse(a, card *html.Node) bool {
	for p := a.Parent; p != nil && p != card; p = p.Parent {
		switch p.DataAtom {
		case atom.P, atom.Blockquote:
			return true
		}
	}
	return false
}
