package extract

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// A landing or service page lists what it offers as cards: a heading
// naming a feature, a sentence describing it and a "learn more" link
// each. The section holding the second row of them may be named for
// what it is ("more-kit", "more-perks"), and such names ("more")
// also name the teaser lists that go ("more stories"). A teaser's
// heading is its link to another page; a feature card's heading is not
// a link, and its sentence is text of its own. An element named by a
// word of proseJunk that holds a run of featureCardsMin or more sibling
// feature cards (featureCard) is the page's content and is not pruned
// by that name.

// featureCardsMin is the least number of sibling feature cards that
// make a list of features.
const featureCardsMin = 3

// featureSentenceWords is the least number of words of a feature card's
// sentence.
const featureSentenceWords = 8

// holdsFeatureCards reports whether n, or an element under it, has
// featureCardsMin or more element children that are feature cards
// (featureCard).
func holdsFeatureCards(n *html.Node) bool {
	return featureCardList(n) || findFirstWhere(n, featureCardList) != nil
}

// featureCardList reports whether featureCardsMin or more of n's element
// children are feature cards.
func featureCardList(n *html.Node) bool {
	cards := 0
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && featureCard(c) {
			cards++
		}
	}
	return cards >= featureCardsMin
}

// featureCard reports whether n, not a link, holds a heading with no
// link in it and a <p> of featureSentenceWords words or more with no
// link in it, ending a sentence; what sits inside a link is not read.
func featureCard(n *html.Node) bool {
	if n.DataAtom == atom.A {
		return false
	}
	var f featureParts
	f.scan(n)
	return f.head && f.sentence
}

// featureParts is what featureCard found of a card.
type featureParts struct {
	head, sentence bool
}

// scan looks for the heading and the sentence under n, outside links.
func (f *featureParts) scan(n *html.Node) {
	for c := n.FirstChild; c != nil && !(f.head && f.sentence); c = c.NextSibling {
		if c.Type != html.ElementNode || c.DataAtom == atom.A {
			continue
		}
		switch {
		case isHeading(c):
			f.head = f.head || findFirst(c, atom.A) == nil && wordsUpTo(c, 1) > 0
		case c.DataAtom == atom.P:
			f.sentence = f.sentence || findFirst(c, atom.A) == nil &&
				wordsUpTo(c, featureSentenceWords) >= featureSentenceWords && endsSentence(lastText(c))
		default:
			f.scan(c)
		}
	}
}

// lastText returns the last text under n that is not white space,
// trimmed, or "".
func lastText(n *html.Node) string {
	for c := n.LastChild; c != nil; c = c.PrevSibling {
		switch c.Type {
		case html.TextNode:
			if t := strings.TrimSpace(c.Data); t != "" {
				return t
			}
		case html.ElementNode:
			if t := lastText(c); t != "" {
				return t
			}
		}
	}
	return ""
}
