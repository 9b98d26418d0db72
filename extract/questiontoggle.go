package extract

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// A question's toggle in a list of questions and answers.
//
// Pages of questions and answers (a guide's closing FAQ, a service
// page's or a shop's) often set each question as the label of a
// <button> that opens its answer, without the aria-controls or
// aria-expanded that disclosureToggle and headingToggle read: the
// script finds the answer by its place, the element right after the
// button. Buttons never hold the story otherwise (basket, menu, share),
// so such a question went with them and left its answer unnamed. A
// button whose label is a question, with a sentence's worth of text
// right after it, is that question and is kept; a button labelled
// "Menu", "Add to basket" or "Share" asks nothing.

// Limits of questionToggle.
const (
	questionMinWords = 3  // words of a question's label, at least
	questionMaxWords = 30 // words of a question's label, at most
	questionLookUp   = 2  // ancestors of the button whose next element may be the answer
	questionListUp   = 3  // ancestors of the button that may hold the list of questions
)

// questionToggle reports whether n is a question's toggle: a <button>
// whose label, questionMinWords to questionMaxWords words, ends in a
// question mark, and whose answer, the element right after it (or right
// after its parent or grandparent, as for a button inside a heading),
// holds toggledPanelMinText or more non-link text with under
// panelMaxLinks of it in links; and another such button sits in the
// element at most questionListUp levels above it: a list of questions,
// where a lone button asking something ("How was this updated?") opens
// a note or a teaser of another page.
func questionToggle(n *html.Node) bool {
	if !questionLabel(n) {
		return false
	}
	if !questionInList(n) {
		return false
	}
	answer := nextElementUp(n, questionLookUp)
	if answer == nil {
		return false
	}
	s := measure(answer)[answer]
	return s != nil && s.good() >= toggledPanelMinText && s.linkDensity() < panelMaxLinks
}

// questionLabel reports whether n is a <button> whose label,
// questionMinWords to questionMaxWords words, ends in a question mark.
func questionLabel(n *html.Node) bool {
	if n.DataAtom != atom.Button {
		return false
	}
	label := strings.TrimSpace(textOf(n))
	if !strings.HasSuffix(label, "?") {
		return false
	}
	w := len(strings.Fields(label))
	return w >= questionMinWords && w <= questionMaxWords
}

// questionInList reports whether another button with a question's
// label (questionLabel) sits in the element at most questionListUp
// levels above the button n.
func questionInList(n *html.Node) bool {
	a := n
	for i := 0; i < questionListUp && a.Parent != nil; i++ {
		a = a.Parent
	}
	return findFirstWhere(a, func(c *html.Node) bool {
		return c != n && c.DataAtom == atom.Button && questionLabel(c)
	}) != nil
}

// nextElementUp returns the element right after n, or, when n has none,
// right after its nearest ancestor at most up levels above it that has
// one; nil when there is none.
func nextElementUp(n *html.Node, up int) *html.Node {
	for a := n; a != nil && up >= 0; a, up = a.Parent, up-1 {
		for next := a.NextSibling; next != nil; next = next.NextSibling {
			if next.Type == html.ElementNode {
				return next
			}
		}
	}
	return nil
}
