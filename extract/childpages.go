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

// A documentation hub or a service page often lists the pages under it
// as a heading that is a link to the page, followed by a sentence that
// describes it ("Choosing where your workflow runs" / "You can specify
// the compute environment…"). Emit drops a heading that is mostly link
// text (a teaser's), but when the sentence under it is kept as story
// text, the heading is the title of that sentence, and dropping it
// leaves the descriptions without the names they describe.
//
// So a dropped linked heading is held back (holdLinkedHeading) and is
// emitted before the next line when that line is a kept paragraph of
// childPageMinWords words or more ending a sentence (linkedHeadingFor).
// Not held back: a heading whose link points at an anchor ("#p123", a
// forum post's title linking to the post in the thread), and a heading
// that repeats the one held back before it ("Re: …" over every reply).

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
	e.lastLinkedHead = s
	e.linkedHead = s
}

// linkedHeadingFor returns the heading held back (see holdLinkedHeading)
// to be emitted before line, a kept paragraph, when line is the
// sentence describing the page it links to; else "".
func linkedHeadingFor(held, line string) string {
	if held == "" || wordCount(line) < childPageMinWords || !endsSentence(line) {
		return ""
	}
	return held
}
