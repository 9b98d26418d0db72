package extract

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Limits of an action box (actionBox): its text, and the text of the
// link or button that closes it.
const (
	actionBoxMaxWords = 40
	actionMaxWords    = 4
	actionPitchWords  = 3
)

// actionBoxes returns the action boxes (actionBox) under root that no
// other action box holds, but for those of a family (tag and first class
// word) that has two or more: a template repeated through a round-up is
// its product cards (a name, a line on it, "Buy now"), the page's
// content. Like captionBoxes they are found before pruning, which removes
// the buttons that mark them.
func actionBoxes(root *html.Node, st map[*html.Node]*stat) map[*html.Node]bool {
	type family struct {
		tag   atom.Atom
		class string
	}
	found := findAll(root, false, func(n *html.Node) bool { return actionBox(n, st) })
	count := make(map[family]int, len(found))
	for _, n := range found {
		count[family{n.DataAtom, familyClass(n)}]++
	}
	var boxes map[*html.Node]bool
	for _, n := range found {
		if count[family{n.DataAtom, familyClass(n)}] > 1 {
			continue
		}
		if boxes == nil {
			boxes = make(map[*html.Node]bool)
		}
		boxes[n] = true
	}
	return boxes
}

// storyActions returns the action boxes inside block that follow its
// first paragraph of actionStoryWords words or more (the story's first,
// also where the story is spread over several containers), when block
// holds a story (see storyCaptions), or, when article says the page's
// structured data declares an article, a story spread over several
// containers (spreadStory); nil otherwise: on a listing or a service page
// a pitch and its button are the page's content. Above the
// story, a box with a button is its header (a standfirst beside a
// "Subscribe" or "Follow" button) and stays.
func storyActions(boxes map[*html.Node]bool, block *html.Node, article bool, ss *stories) map[*html.Node]bool {
	if len(boxes) == 0 {
		return nil
	}
	if _, writes := ss.of(block); !writes && !(article && spreadStory(block)) {
		return nil
	}
	return boxesAfter(block, findFirstWhere(block, isSentenceParagraph), boxes)
}

// boxesAfter returns the boxes under block that come after mark in
// document order (mark's own subtree aside); a box is not looked into.
func boxesAfter(block, mark *html.Node, boxes map[*html.Node]bool) map[*html.Node]bool {
	var out map[*html.Node]bool
	after := false
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for k := n.FirstChild; k != nil; k = k.NextSibling {
			if k == mark {
				after = true
				continue
			}
			if after && boxes[k] {
				if out == nil {
					out = make(map[*html.Node]bool)
				}
				out[k] = true
				continue
			}
			walk(k)
		}
	}
	walk(block)
	return out
}

// actionBox reports whether n is a generic container (div, section,
// aside) holding a pitch and the call to action that answers it, on a
// line of its own: a heading or a line of at least actionPitchWords words
// ("Earn your degree in data analytics", "Buy now from our partners:"),
// then a link or button of at most actionMaxWords words that ends its
// text ("Learn more", "Get started"), actionBoxMaxWords words in all. A
// story's sentence may end in a link, but on the line the sentence is
// on; a banner set between a story's sections puts its button apart.
func actionBox(n *html.Node, st map[*html.Node]*stat) bool {
	if !isBox(n) {
		return false
	}
	w := measuredWords(n, st)
	if w > actionBoxMaxWords {
		return false
	}
	act := lastAction(n)
	if act == nil {
		return false
	}
	aw := wordsIn(act)
	if aw == 0 || aw > actionMaxWords || w-aw < actionPitchWords {
		return false
	}
	line := lineOf(act, n)
	return wordsIn(line) == aw || opensLine(act, line)
}

// actionStoryWords is the length of a paragraph that opens a story
// rather than labels a box.
const actionStoryWords = 15

// isSentenceParagraph reports whether n is a <p> of actionStoryWords
// words or more.
func isSentenceParagraph(n *html.Node) bool {
	return n.DataAtom == atom.P && wordsUpTo(n, actionStoryWords) >= actionStoryWords
}

// lastAction returns the link or button around the last text of n, nil
// when that text is outside one.
func lastAction(n *html.Node) *html.Node {
	var last *html.Node
	var walk func(*html.Node)
	walk = func(x *html.Node) {
		for c := x.FirstChild; c != nil; c = c.NextSibling {
			switch c.Type {
			case html.TextNode:
				if strings.TrimSpace(c.Data) != "" {
					last = c
				}
			case html.ElementNode:
				if c.DataAtom == atom.Script || c.DataAtom == atom.Style || c.DataAtom == atom.Template {
					continue
				}
				walk(c)
			}
		}
	}
	walk(n)
	for a := last; a != nil && a != n; a = a.Parent {
		if a.DataAtom == atom.A || a.DataAtom == atom.Button {
			return a
		}
	}
	return nil
}

// lineOf returns the innermost block element around x up to n (n itself
// when there is none): the line x is written on.
func lineOf(x, n *html.Node) *html.Node {
	for a := x.Parent; a != nil && a != n; a = a.Parent {
		if blockTags[a.DataAtom] {
			return a
		}
	}
	return n
}
