package extract

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Linked standfirsts. The standfirst rule (standfirst.go) reads a
// link-free element between the title heading and the block as the
// story's opening, since bylines, share bars and breadcrumbs carry links.
// An opening paragraph often cites a source or a related page inline,
// though ("the keepers' <a>logbooks, now in the county archive</a>,
// show..."),
// and is then left out while the story begins mid-argument. Such an
// opening differs from the boilerplate that sits in the same place by
// its shape: its links are a small part of its text and sit inside its
// sentences, whereas an affiliate disclosure or a call to action ends in
// its link ("Learn more", "See our policy", "Start now") and a promo
// box carries a heading of its own. And an opening begins with a
// sentence, where a reviewer's credentials box or an author's panel
// begins with a label or a date ("Expert reviewed", "Updated May 2"),
// and a byline or a headline-like dek ends no sentence.

// linkedIntroLinkShare bounds the link text of a linked standfirst: under
// 1/linkedIntroLinkShare of its text (a quarter), one inline citation in
// a sentence or two.
const linkedIntroLinkShare = 4

// linkedIntro reports whether n, an element between the title heading
// and the block with s its measure, may be an opening paragraph that
// cites inline: under a quarter of its text in links, no heading inside
// it, and its last text outside any link. Its paragraphs must then open
// with a sentence too (opensWithSentence).
func linkedIntro(n *html.Node, s *stat) bool {
	if s.link == 0 || s.link*linkedIntroLinkShare >= s.text {
		return false
	}
	return !holdsHeading(n) && !endsInLink(n)
}

// linkedIntroMinWords is the fewest words of the first paragraph of a
// linked standfirst: a sentence, not a label, a name or a date.
const linkedIntroMinWords = 8

// opensWithSentence reports whether the first of paras, an element's raw
// paragraphs, is a sentence: linkedIntroMinWords words or more ending in
// sentence punctuation (a dek set as a headline-like line, a byline or a
// dateline ends in none).
func opensWithSentence(paras []string) bool {
	if len(paras) == 0 {
		return false
	}
	first := strings.TrimSpace(stripMarks(paras[0]))
	return wordCount(first) >= linkedIntroMinWords && endsSentence(first)
}

// holdsHeading reports whether n has an h1–h6 element below it.
func holdsHeading(n *html.Node) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && (isHeading(c) || holdsHeading(c)) {
			return true
		}
	}
	return false
}

// endsInLink reports whether the last text of n that is not white space
// sits inside an <a> element.
func endsInLink(n *html.Node) bool {
	inLink, found := lastTextInLink(n, false)
	return found && inLink
}

// lastTextInLink walks n's children backwards and returns, for the last
// text node that is not white space, whether it sits in a link; found is
// false when n holds no such text.
func lastTextInLink(n *html.Node, inLink bool) (link, found bool) {
	for c := n.LastChild; c != nil; c = c.PrevSibling {
		switch c.Type {
		case html.TextNode:
			if strings.TrimSpace(c.Data) != "" {
				return inLink, true
			}
		case html.ElementNode:
			if c.DataAtom == atom.Script || c.DataAtom == atom.Style {
				continue
			}
			if l, ok := lastTextInLink(c, inLink || c.DataAtom == atom.A); ok {
				return l, true
			}
		}
	}
	return false, false
}
