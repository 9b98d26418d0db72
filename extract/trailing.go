package extract

import (
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Limits of trailingBoxes: the story's container must hold at least
// storyMinParas paragraphs (<p>) of storyMinWords words in all, and all
// that follows the last paragraph holds at most boxMaxWords words and a
// fifth of the story's.
const (
	storyMinParas = 4
	storyMinWords = 150
	boxMaxWords   = 80
)

// trailingBoxes returns the boxes that follow the story inside block:
// with the element whose <p> children hold the most text (the story's
// container), the <div>, <section> and <aside> elements after its last
// <p>, among that <p>'s siblings or those of the container and its
// ancestors up to block, when all that follows that <p> in block is
// short and the story itself puts none of its text in such elements.
// A page that writes every paragraph as a <p> and then closes with a
// <div> holding an author box, a donation or newsletter appeal or a
// "have a tip?" line marks that line as something else by the change of
// tag alone; a story written in <div>s is left as it is.
func trailingBoxes(block *html.Node) map[*html.Node]bool {
	c := storyContainer(block)
	if c == nil {
		return nil
	}
	var last *html.Node
	paras, words := 0, 0
	for k := c.FirstChild; k != nil; k = k.NextSibling {
		if k.DataAtom == atom.P {
			if w := wordsIn(k); w > 0 {
				last = k
				paras++
				words += w
			}
		}
	}
	if last == nil || paras < storyMinParas || words < storyMinWords {
		return nil
	}
	for k := c.FirstChild; k != last; k = k.NextSibling {
		if isBox(k) && wordsIn(k) > 0 {
			return nil // the story's own text sits in boxes too
		}
	}
	var boxes map[*html.Node]bool
	tail := 0
	// What follows the last <p>: in its container, then after the
	// container and its ancestors up to the block.
	for at := last; at != nil && at != block; at = at.Parent {
		for k := at.NextSibling; k != nil; k = k.NextSibling {
			w := wordsIn(k)
			tail += w
			if !isBox(k) || w == 0 || hasAny(k, atom.Pre, atom.Table) {
				continue
			}
			if boxes == nil {
				boxes = make(map[*html.Node]bool)
			}
			boxes[k] = true
		}
	}
	if tail > boxMaxWords || tail*5 > words {
		return nil // a closing section of the story, not a box under it
	}
	return boxes
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
func storyContainer(block *html.Node) *html.Node {
	sum := make(map[*html.Node]int)
	var best *html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			if c.DataAtom == atom.P {
				sum[n] += wordsIn(c)
				if best == nil || sum[n] > sum[best] {
					best = n
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
func wordsIn(n *html.Node) int {
	words, inWord := 0, false
	var walk func(*html.Node)
	walk = func(x *html.Node) {
		for c := x.FirstChild; c != nil; c = c.NextSibling {
			switch c.Type {
			case html.TextNode:
				for _, r := range c.Data {
					space := unicode.IsSpace(r)
					if !space && !inWord {
						words++
					}
					inWord = !space
				}
			case html.ElementNode:
				walk(c)
			}
		}
	}
	walk(n)
	return words
}
