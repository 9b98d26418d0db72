package extract

import (
	"math"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Limits of trailingBoxes: the story's container must hold at least
// storyMinParas paragraphs (<p>) of storyMinWords words in all, and all
// that follows the last paragraph holds at most boxMaxWords words outside
// links and a fifth of the story's. A box set between the story's
// paragraphs holds at most setBoxMaxWords words.
const (
	storyMinParas  = 4
	storyMinWords  = 150
	boxMaxWords    = 80
	setBoxMaxWords = 40
)

// trailingBoxes returns the boxes that follow the story inside block:
// with the element whose <p> children hold the most text (the story's
// container), the <div>, <section> and <aside> elements after its last
// <p>, among that <p>'s siblings or those of the container and its
// ancestors up to block, when all that follows that <p> in block is
// short (words outside links: a list of links is not story text; nor
// are the elements of skipped, which are not emitted either, such as
// other pages' teasers under the story) and the story itself puts at
// most a tenth of its text in such elements (a standfirst or an empty
// widget before its paragraphs).
// A page that writes every paragraph as a <p> and then closes with a
// <div> holding an author box, a donation or newsletter appeal or a
// "have a tip?" line marks that line as something else by the change of
// tag alone; a story written in <div>s is left as it is.
// On such a story it also returns the boxes set between its paragraphs
// (children of its container after its first <p> and before its last)
// that hold a link and setBoxMaxWords words or fewer, or ctaBoxMaxWords
// words or fewer when they hold a button (ctabox.go): a banner, a
// product card, a "read more" or newsletter box that the template or the
// editor drops into the text, which a writer would have written as a
// paragraph.
func trailingBoxes(block *html.Node, skipped map[*html.Node]bool, ss *stories) map[*html.Node]bool {
	c, _ := ss.of(block)
	if c == nil {
		return nil
	}
	var first, last *html.Node
	paras, words := 0, 0
	for k := c.FirstChild; k != nil; k = k.NextSibling {
		if k.DataAtom == atom.P {
			if w := wordsIn(k); w > 0 {
				if first == nil {
					first = k
				}
				last = k
				paras++
				words += w
			}
		}
	}
	if last == nil || paras < storyMinParas || words < storyMinWords {
		return nil
	}
	boxed := 0
	var set []*html.Node
	inside := false // past the first <p>
	for k := c.FirstChild; k != last; k = k.NextSibling {
		if k == first {
			inside = true
		}
		if isBox(k) {
			w := wordsIn(k)
			boxed += w
			if inside && w > 0 && (w <= setBoxMaxWords || w <= ctaBoxMaxWords && hasButton(k)) && setBox(k, w) {
				set = append(set, k)
			}
		}
	}
	if boxed*10 > words {
		return nil // the story's own text sits in boxes too
	}
	var boxes map[*html.Node]bool
	if len(set) > 0 {
		boxes = make(map[*html.Node]bool, len(set))
		for _, k := range set {
			boxes[k] = true
		}
	}
	var after []*html.Node
	tail := 0
	// What follows the last <p>: in its container, then after the
	// container and its ancestors up to the block.
	for at := last; at != nil && at != block; at = at.Parent {
		for k := at.NextSibling; k != nil; k = k.NextSibling {
			w, lw := unskippedWords(k, skipped)
			tail += w - lw
			if !isBox(k) || w == 0 || hasAny(k, atom.Pre, atom.Table) {
				continue
			}
			after = append(after, k)
		}
	}
	if tail > boxMaxWords || tail*5 > words {
		return boxes // a closing section of the story, not a box under it
	}
	for _, k := range after {
		if boxes == nil {
			boxes = make(map[*html.Node]bool)
		}
		boxes[k] = true
	}
	return boxes
}

// setBox reports whether n, a box of w words between a story's
// paragraphs, is set into it rather than one of its own sections: it
// holds a link that leads out of the page, and it is not one heading
// (a section heading wrapped in a box, with the link to its own
// anchor), code or a table.
func setBox(n *html.Node, w int) bool {
	if findFirst(n, atom.A) == nil || inPageLinks(n) || hasAny(n, atom.Pre, atom.Table) {
		return false
	}
	h := findFirstWhere(n, isHeading)
	return h == nil || wordsIn(h) < w
}

// isBox reports whether n is a generic container rather than a paragraph,
// heading, list or quote.
func isBox(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Div, atom.Section, atom.Aside:
		return true
	}
	return false
}

// storyContainer returns the element under or at block whose <p> children
// hold the most words, nil when there is no <p>.
//
// Each element's sum is kept in its own walk, and bestSum is always the
// sum of best so far, so that no map of sums is built: it runs several
// times for every block.
func storyContainer(block *html.Node) *html.Node {
	var best *html.Node
	bestSum := 0
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		sum := 0 // words of n's <p> children so far
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			if c.DataAtom == atom.P {
				sum += wordsIn(c)
				if best == nil || sum > bestSum {
					best, bestSum = n, sum
				}
				continue
			}
			walk(c)
		}
	}
	walk(block)
	return best
}

// hasAny reports whether n holds an element of one of the tags.
func hasAny(n *html.Node, tags ...atom.Atom) bool {
	return len(findAll(n, false, func(x *html.Node) bool {
		for _, t := range tags {
			if x.DataAtom == t {
				return true
			}
		}
		return false
	})) > 0
}

// wordsIn counts the words of n's text, as wordCount(textOf(n)) would,
// without building the text.
func wordsIn(n *html.Node) int { return wordsUpTo(n, math.MaxInt) }

// teaserMinRun is the number of sibling teasers that make a list of
// other pages' teasers (see teaserRuns).
const teaserMinRun = 3

// teaserMaxWords is the most words a teaser holds outside its links: a
// date, a byline and an excerpt (WordPress cuts excerpts at 55 words).
const teaserMaxWords = 80

// teaserRuns returns the teasers of other pages inside block, after a
// story: runs of teaserMinRun or more sibling elements of one tag and
// first class word (familyClass), each with a heading that is a link and at most teaserMaxWords
// words outside links ("latest news", "recent posts", "you may also
// like" grids that a template puts under the story). Only what follows
// the story's container is read: a list of picks or of chapters before
// or around the story's paragraphs is the story's own. It returns
// nil when block holds no story (storyContainer with storyMinParas
// paragraphs of storyMinWords words), so that a listing keeps its items;
// the story's container and what it holds are never cut: the items
// of a list of picks sit among the story's paragraphs.
func teaserRuns(block *html.Node, host string, ss *stories) map[*html.Node]bool {
	c, _ := ss.of(block)
	if c == nil {
		return nil
	}
	paras, words := 0, 0
	for k := c.FirstChild; k != nil; k = k.NextSibling {
		if k.DataAtom == atom.P {
			if w := wordsIn(k); w > 0 {
				paras++
				words += w
			}
		}
	}
	if paras < storyMinParas || words < storyMinWords {
		// A story spread over several boxes (spreadstory.go): what
		// follows its last paragraph is read instead.
		if c = spreadStoryEnd(block); c == nil {
			return nil
		}
	}
	type key struct {
		a    atom.Atom
		tag  string
		attr string
	}
	var out map[*html.Node]bool
	after := false // past the story's container, in document order
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		var groups map[key][]*html.Node
		for k := n.FirstChild; k != nil; k = k.NextSibling {
			if k.Type != html.ElementNode {
				continue
			}
			if k == c {
				after = true
				continue // items inside the story are its own (a list of picks)
			}
			if contains(k, c) {
				walk(k)
				continue
			}
			if after && teaser(k, host) {
				if groups == nil {
					groups = make(map[key][]*html.Node)
				}
				g := key{k.DataAtom, k.Data, familyClass(k)}
				groups[g] = append(groups[g], k)
				continue
			}
			walk(k)
		}
		for _, g := range groups {
			if len(g) < teaserMinRun {
				for _, k := range g {
					walk(k)
				}
				continue
			}
			if out == nil {
				out = make(map[*html.Node]bool)
			}
			for _, k := range g {
				out[k] = true
			}
		}
	}
	walk(block)
	return out
}

// teaser reports whether n is the teaser of another page of the site: a
// heading whose text is mostly a link to another page on host (a
// relative address, or one on host; any page when host is ""), and at
// most teaserMaxWords words outside links. A heading linking to its own
// section (#anchor) is the page's; one linking to another site is a
// pick of a list (a shop, a maker), not the site's teaser. A card whose
// heading is plain text and whose link is a short button is a teaser
// too (buttonCard).
func teaser(n *html.Node, host string) bool {
	linked := false
	for _, h := range findAll(n, false, isHeading) {
		if w := wordsIn(h); w > 0 && linkWordsIn(h)*10 >= w*8 && siteLink(h, host) {
			linked = true
			break
		}
	}
	if !linked {
		return buttonCard(n, host) // buttoncards.go: the link is a button beside the heading
	}
	return wordsIn(n)-linkWordsIn(n) <= teaserMaxWords
}

// linkWordsIn counts the words of n's text inside links.
func linkWordsIn(n *html.Node) int {
	k := 0
	for _, a := range findAll(n, false, func(x *html.Node) bool { return x.DataAtom == atom.A }) {
		k += wordsIn(a)
	}
	if n.DataAtom == atom.A {
		return wordsIn(n)
	}
	return k
}

// siteLink reports whether the first link in n leads to another page of
// the site on host (sitePage; see teaser).
func siteLink(n *html.Node, host string) bool {
	a := n
	if a.DataAtom != atom.A {
		a = findFirst(n, atom.A)
	}
	if a == nil {
		return false
	}
	_, ok := sitePage(a, host)
	return ok
}

// unskippedWords returns the words of n's text and those inside links,
// leaving out the elements of skipped (the outermost ones, once each).
func unskippedWords(n *html.Node, skipped map[*html.Node]bool) (words, link int) {
	words, link = wordsIn(n), linkWordsIn(n)
	for s := range skipped {
		if !contains(n, s) {
			continue
		}
		outer := true
		for p := s.Parent; p != nil && p != n.Parent; p = p.Parent {
			if skipped[p] {
				outer = false
				break
			}
		}
		if outer {
			words, link = words-wordsIn(s), link-linkWordsIn(s)
		}
	}
	return words, link
}
