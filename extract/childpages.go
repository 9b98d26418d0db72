package extract

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// childPageMinWords is the fewest words of the sentence that must follow
// a linked heading for the heading to be kept as the title of what the
// sentence describes.
const childPageMinWords = 8

// childPageMaxDepth bounds how far above a linked heading siblingEntry
// looks for the box that is one entry of the list.
const childPageMaxDepth = 3

// A documentation hub or a service page often lists the pages under it
// as a heading that is a link to the page, followed by a sentence that
// describes it ("Planning a delivery route" / "You can set the stops
// a van makes…"). Emit drops a heading that is mostly link
// text (a teaser's), but when the sentence under it is kept as story
// text, the heading is the title of that sentence, and dropping it
// leaves the descriptions without the names they describe.
//
// So a dropped linked heading is held back (holdLinkedHeading) and is
// emitted before the next line when that line is a kept paragraph of
// childPageMinWords words or more ending a sentence (linkedHeadingFor).
// The heading must be one of a row of such entries: it, or its box up
// to childPageMaxDepth levels above it, has an element sibling of the
// same tag among the two before or after it holding a linked heading too
// (siblingEntry); a lone teaser of another story set in an article is
// not a list of the pages under it. Not held back: a heading whose link
// points at an anchor ("#p123", a forum post's title linking to the post
// in the thread), and a heading that repeats the one held back before it
// ("Re: …" over every reply). On a block made mostly of teasers
// (teaserblock.go) the row may sit deeper and any kept line, a list
// item's, a date or a short blurb, brings the heading back.

// noteHeadingLink records, for c, an element walked, whether it is a
// link in a heading that points at an anchor.
func (e *emitter) noteHeadingLink(c *html.Node) {
	if c.DataAtom == atom.A && e.head > 0 && strings.IndexByte(getAttr(c, "href"), '#') >= 0 {
		e.headAnchor = true
	}
}

// holdLinkedHeading keeps s, the text of a heading dropped as mostly
// link text, until the next line is flushed, unless its link points at
// an anchor or its words repeat the heading held back before it.
func (e *emitter) holdLinkedHeading(s string) {
	if e.headAnchor || s == e.lastLinkedHead {
		return
	}
	teaser := e.onTeaserBlock()
	if !siblingEntry(e.heading) && !(teaser && siblingEntryWithin(e.heading, teaserBlockMaxDepth)) {
		return
	}
	e.lastLinkedHead = s
	e.linkedHead, e.teaserHead = s, teaser
}

// linkedHeadingFor returns the heading held back (see holdLinkedHeading)
// to be emitted before line, a kept paragraph, when line is the
// sentence describing the page it links to, or any line when the
// heading was held on a teaser block (teaserHead, teaserblock.go); else "".
func linkedHeadingFor(held, line string, teaserHead bool) string {
	if held == "" || !teaserHead && (wordCount(line) < childPageMinWords || !endsSentence(line)) {
		return ""
	}
	return held
}

// siblingEntry reports whether h, a heading, or one of its ancestors up
// to childPageMaxDepth levels above it, has an element sibling of the
// same tag among the two before or after it that holds a heading with a
// link: h is one entry of a list of linked titles, in boxes of their own
// or set flat, each heading followed by its sentence.
func siblingEntry(h *html.Node) bool { return siblingEntryWithin(h, childPageMaxDepth) }

// siblingEntryWithin is siblingEntry looking up to maxDepth levels above h.
func siblingEntryWithin(h *html.Node, maxDepth int) bool {
	for n, depth := h, 0; n != nil && depth <= maxDepth; n, depth = n.Parent, depth+1 {
		if sameTagEntry(n, prevElement) || sameTagEntry(n, nextElement) {
			return true
		}
	}
	return false
}

// holdsLinkedHeading reports whether n is or holds a heading with a link in it.
func holdsLinkedHeading(n *html.Node) bool {
	linked := func(k *html.Node) bool { return isHeading(k) && findFirst(k, atom.A) != nil }
	return linked(n) || findFirstWhere(n, linked) != nil
}

// sameTagEntry reports whether one of the two element siblings of n that
// step walks to (prevElement or nextElement) has n's tag and holds a
// linked heading.
func sameTagEntry(n *html.Node, step func(*html.Node) *html.Node) bool {
	sib := step(n)
	for i := 0; i < 2 && sib != nil; i, sib = i+1, step(sib) {
		if sib.DataAtom == n.DataAtom && holdsLinkedHeading(sib) {
			return true
		}
	}
	return false
}
