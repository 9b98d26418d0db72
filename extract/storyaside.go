package extract

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// storyAsideMinRunes is the least paragraph text, in non-space runes, of
// an <aside> kept as part of the story (about thirty words): a callout
// box's sentences, not a "related story" link or a newsletter pitch.
const storyAsideMinRunes = 150

// storyAsideMaxLinkDensity bounds the share of an <aside>'s text in
// links for it to be kept: a box of links is a list of other pages.
const storyAsideMaxLinkDensity = 0.2

// storyAside reports whether n, an <aside>, is a box set in the run of
// the story: a paragraph of the story comes right before it and story
// text (a paragraph, a list, a block quote or a subheading) right after
// it, and it holds storyAsideMinRunes of paragraph text or more with
// under storyAsideMaxLinkDensity of its text in links and no teaser
// (teaserCard). HTML's <aside>
// marks text related to the content around it; a site's sidebar is
// outside the story, beside it, but a writer's callout ("A note on the
// other devices", a myth and its answer) sits between two of its
// paragraphs and is read with them. Such an aside is not removed as the
// tag that never holds the story. s measures n before pruning.
func storyAside(n *html.Node, s *stat) bool {
	if n.DataAtom != atom.Aside || s == nil || s.prose < storyAsideMinRunes || s.linkDensity() >= storyAsideMaxLinkDensity {
		return false
	}
	prev, next := prevElement(n), nextElement(n)
	if prev == nil || prev.DataAtom != atom.P || !hasWords(prev) || next == nil || !storyFlow(next) || !hasWords(next) {
		return false
	}
	return findFirstWhere(n, teaserCard) == nil
}

// teaserCard reports whether n is a card for another page: an <article>
// (a composition of its own, nested in the box) or a heading holding a
// link that leaves the page (the other page's title; a link to "#…" is
// the heading's own anchor). A box of such cards recommends other
// stories ("The best laptops" and its blurb), however few its links.
func teaserCard(n *html.Node) bool {
	return n.DataAtom == atom.Article || isHeading(n) && findFirstWhere(n, linkAway) != nil
}

// linkAway reports whether n is a link to another page: an <a> whose
// href is neither empty nor an anchor on the page ("#part-two").
func linkAway(n *html.Node) bool {
	if n.DataAtom != atom.A {
		return false
	}
	href := strings.TrimSpace(getAttr(n, "href"))
	return href != "" && href[0] != '#'
}

// storyFlow reports whether n is an element that carries a story's text
// on: a paragraph, a list, a block quote or a subheading.
func storyFlow(n *html.Node) bool {
	switch n.DataAtom {
	case atom.P, atom.Ul, atom.Ol, atom.Blockquote, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		return true
	}
	return false
}

// hasWords reports whether n holds any text other than white space.
func hasWords(n *html.Node) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch c.Type {
		case html.TextNode:
			for i := 0; i < len(c.Data); i++ {
				if b := c.Data[i]; b >= 0x80 || !asciiSpace[b] {
					return true
				}
			}
		case html.ElementNode:
			if hasWords(c) {
				return true
			}
		}
	}
	return false
}
