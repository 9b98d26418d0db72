package extract

import "golang.org/x/net/html"

// teaserBlockMaxDepth bounds how far above a linked heading
// holdLinkedHeading looks for the entry box on a block read as a row of
// teasers: a blog's card nests its title in a column, a row, an
// <article> and the list item four or five levels up.
const teaserBlockMaxDepth = 6

// teaserMaxText is the most runes of text outside links a teaser of a
// teaser block holds: a summary of a paragraph or two under its linked
// title, where a story's section runs longer.
const teaserMaxText = 1500

// A block whose text is mostly teasers (a blog's front page or a topic
// page chosen as one story) holds the linked titles of its posts as its
// content; an article that carries a box of teasers to other stories
// holds them as a small part of its text. teaserBlock tells the two
// apart by measure, not by names: the teasers of the block, each an
// element holding a linked heading (linkedHeading) and at most
// teaserMaxText runes of other text (blockTeaser), hold half the block's
// text or more. On such a block a linked heading held back
// (holdLinkedHeading) may find its row of entries up to
// teaserBlockMaxDepth levels above it, and it is emitted before the next
// kept line whatever that line is: a list item, a date, a byline or a
// blurb too short to be a sentence (elsewhere linkedHeadingFor needs a
// sentence of childPageMinWords words). The block is measured once, and
// only when a linked heading is dropped.

// teaserBlock reports whether the text of root, the block emitted, is
// half or more the text of its teasers (blockTeaser), counted at the
// outermost teaser of each branch.
func teaserBlock(root *html.Node) bool {
	st := measure(root)
	s := st[root]
	if s == nil || s.text == 0 {
		return false
	}
	return teaserText(root, st)*2 >= s.text
}

// teaserText sums the text of the outermost teasers (blockTeaser) under n.
func teaserText(n *html.Node, st map[*html.Node]*stat) int {
	sum := 0
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		if blockTeaser(c, st) {
			sum += st[c].text
			continue
		}
		sum += teaserText(c, st)
	}
	return sum
}

// onTeaserBlock reports, measuring the block once, whether the block
// the emitter walks is a teaser block (teaserBlock).
func (e *emitter) onTeaserBlock() bool {
	if e.teasers == 0 {
		e.teasers = -1
		if e.root != nil && teaserBlock(e.root) {
			e.teasers = 1
		}
	}
	return e.teasers > 0
}

// blockTeaser reports whether n is one teaser of a teaser block: it
// holds a linked heading (linkedHeading) and at most teaserMaxText runes
// of text outside links.
func blockTeaser(n *html.Node, st map[*html.Node]*stat) bool {
	s := st[n]
	return s != nil && s.good() <= teaserMaxText && linkedHeading(n, st) != nil
}
