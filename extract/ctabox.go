package extract

import (
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// ctaBoxMaxWords is the most words of a box set between a story's
// paragraphs that trailingBoxes reads as a call to action when the box
// holds a button (hasButton); a box without one is read so up to
// setBoxMaxWords words.
const ctaBoxMaxWords = 80

// ctaButtonMaxWords is the most words of a box's button (hasButton),
// counting the arrow or emoji a pitch often opens it with.
const ctaButtonMaxWords = 5

// hasButton reports whether n holds a button: a link of
// ctaButtonMaxWords words or fewer that is all the text of a box of its
// own (standsAlone), such as "Sign up" or "Join now" under a pitch. An appeal
// set into a story ends in such a button; a writer's aside links from
// its sentences.
func hasButton(n *html.Node) bool {
	return findFirstWhere(n, func(x *html.Node) bool {
		if x.DataAtom != atom.A {
			return false
		}
		w := wordsIn(x)
		return w > 0 && w <= ctaButtonMaxWords && standsAlone(x, w, n)
	}) != nil
}

// standsAlone reports whether the link a, of w words, is all the text of
// the <div>, <section> or <aside> holding it inside box (through inline
// wrappers such as <strong> or <span>): a button set on its own line,
// not a link inside a sentence or a note's number (<sup>).
func standsAlone(a *html.Node, w int, box *html.Node) bool {
	p := a.Parent
	for p != nil && p != box && isInlineWrapper(p) {
		p = p.Parent
	}
	return p != nil && p != box && isBox(p) && wordsIn(p) == w
}

// isInlineWrapper reports whether n only styles the text it holds.
func isInlineWrapper(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Strong, atom.B, atom.Em, atom.I, atom.Span:
		return true
	}
	return false
}
