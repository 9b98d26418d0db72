package extract

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// standfirstMaxRunes is the most text, in non-space runes, that may sit
// between a page's title heading and the block for it to be read as the
// story's standfirst (about 150 words): more is another part of the
// page (a summary box, a second story), not the lines that introduce
// this one.
const standfirstMaxRunes = 900

// standfirstMinRunes is the least non-link text, in non-space runes, of
// an element read as the standfirst (about ten words).
const standfirstMinRunes = 60

// standfirst returns the raw paragraphs of the story's standfirst (dek)
// when it sits outside the block, between the title heading (<h1>) and
// block: the lines a news template sets under the headline to introduce
// the story. It looks back from block, through the previous siblings of
// block and of its ancestors, for the <h1> (or, when none is within
// standfirstMaxRunes of text, for a heading naming the page's title,
// ts: titleHeading); an element between them
// with standfirstMinRunes of non-link text or more that is not an
// image's caption box (captions) is emitted when it is either
//   - the element the page's schema.org microdata marks as the item's
//     description (itemprop="description", as news templates set it
//     beside itemprop="articleBody"), or holds it, with under a third of
//     its text in links; or
//   - free of links altogether, unless the page is a product's
//     (product): there the text between the name and the description is
//     the buy box (price, stock, delivery terms), not an introduction; or
//   - on a page other than a product's, an opening that cites a page
//     inline (linkedIntro, opensWithSentence in linkedintro.go).
//
// A byline, a share bar or a breadcrumb carries links, so a link-free
// run of sentence-length text right under the headline is the dek.
// When the elements between hold more than standfirstMaxRunes of text,
// or no such heading comes before block, it returns nil. st is the measure after
// pruning; the walk stops at the heading or at that much text, so only
// the part of the page just above the block is visited.
func standfirst(block, body *html.Node, st map[*html.Node]*stat, captions map[*html.Node]bool, product bool, ts titleSet) []string {
	between, found := elementsBelowHeading(block, body, st, isH1)
	if !found {
		// No <h1> within reach: a template may set the title in
		// another heading (titleheading.go).
		between, found = elementsBelowHeading(block, body, st, func(n *html.Node) bool { return titleHeading(n, ts) })
	}
	if !found {
		return nil
	}
	return introducing(between, st, captions, product)
}

// isH1 reports whether n is an <h1>.
func isH1(n *html.Node) bool { return n.DataAtom == atom.H1 }

// elementsBelowHeading looks back from block, through the previous
// siblings of block and of its ancestors, for the last element before
// it that heading accepts, and returns the elements between them (in
// reverse document order, only those holding text) and true when it
// finds one within standfirstMaxRunes of text.
func elementsBelowHeading(block, body *html.Node, st map[*html.Node]*stat, heading func(*html.Node) bool) ([]*html.Node, bool) {
	var between []*html.Node // in reverse document order
	text := 0
	add := func(n *html.Node) bool {
		s := st[n]
		if s == nil || s.text == 0 {
			return true
		}
		text += s.text
		if text > standfirstMaxRunes {
			return false
		}
		between = append(between, n)
		return true
	}
	for a := block; a != nil && a != body; a = a.Parent {
		for p := a.PrevSibling; p != nil; p = p.PrevSibling {
			if p.Type != html.ElementNode {
				continue
			}
			if heading(p) {
				return between, true
			}
			if h := lastWhere(p, heading); h != nil {
				// p holds the heading: what follows it in p comes first.
				for n := h; n != p; n = n.Parent {
					var after []*html.Node
					for s := n.NextSibling; s != nil; s = s.NextSibling {
						if s.Type == html.ElementNode {
							after = append(after, s)
						}
					}
					for i := len(after) - 1; i >= 0; i-- {
						if !add(after[i]) {
							return nil, false
						}
					}
				}
				return between, true
			}
			if !add(p) {
				return nil, false
			}
		}
	}
	return nil, false
}

// introducing returns, in document order, the raw paragraphs of the
// elements of between (in reverse document order) that are the
// standfirst (see standfirst).
func introducing(between []*html.Node, st map[*html.Node]*stat, captions map[*html.Node]bool, product bool) []string {
	var out []string
	for i := len(between) - 1; i >= 0; i-- {
		n := between[i]
		s := st[n]
		if s.good() < standfirstMinRunes || captions[n] {
			continue
		}
		described := describes(n)
		linked := !described && !product && s.link > 0
		if described && s.link*3 >= s.text || !described && product || linked && !linkedIntro(n, s) {
			continue
		}
		e := &emitter{owner: n}
		e.walk(n, false)
		e.flush()
		if linked && !opensWithSentence(e.out) {
			continue
		}
		out = append(out, e.out...)
	}
	return out
}

// describes reports whether n is, or holds, an element the page's
// microdata marks as the item's description.
func describes(n *html.Node) bool {
	is := func(c *html.Node) bool { return strings.EqualFold(getAttr(c, "itemprop"), "description") }
	return is(n) || findFirstWhere(n, is) != nil
}

// lastWhere returns the last element under n in document order for
// which match holds, or nil.
func lastWhere(n *html.Node, match func(*html.Node) bool) *html.Node {
	for c := n.LastChild; c != nil; c = c.PrevSibling {
		if c.Type != html.ElementNode {
			continue
		}
		if found := lastWhere(c, match); found != nil {
			return found
		}
		if match(c) {
			return c
		}
	}
	return nil
}

// leadingIntro returns how many of paras, the cleaned text, open it as
// the cleaned lines of the standfirst (intro, in order): the page is
// classified on the rest, the text of its block, since a standfirst
// lengthens a story without making a page one.
func leadingIntro(paras, intro []string) int {
	i := 0
	for _, line := range intro {
		if i < len(paras) && paras[i] == line {
			i++
		}
	}
	return i
}
