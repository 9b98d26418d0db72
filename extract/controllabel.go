package extract

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Control labels. A drop-down list (<select>) set in a page without a
// form around it is a widget the reader works (a comparison picker, a
// sorter), and pruning removes the control; the caption the template
// writes over it in an element of its own ("Pick up to four", "Sort
// by") stays behind as a line of its own, the widget's, not the
// writer's. The caption is the element right before the control's box
// (the <select> itself, or the wrappers around it that hold nothing
// else), one line of controlLabelMaxWords words or fewer, with no
// link, no control of its own and no sentence end. The captions are read before
// pruning, which removes the controls, and skipped when the story's
// blocks are emitted.

// controlLabelMaxWords is the most words of a control's caption.
const controlLabelMaxWords = 8

// controlLabelMaxWrappers is the most wrappers, each holding nothing but
// the one below it, climbed from a <select> to its box.
const controlLabelMaxWrappers = 3

// controlLabels returns the captions of the drop-down lists under body
// that sit in no form, for the emitter to skip; nil when there is none.
func controlLabels(body *html.Node) map[*html.Node]bool {
	var out map[*html.Node]bool
	for _, sel := range findAll(body, false, isSelect) {
		if insideForm(sel) {
			continue
		}
		label := previousElement(controlBox(sel))
		if label == nil || out[label] || !controlCaption(label) {
			continue
		}
		if out == nil {
			out = make(map[*html.Node]bool)
		}
		out[label] = true
	}
	return out
}

// isSelect reports whether n is a drop-down list.
func isSelect(n *html.Node) bool { return n.DataAtom == atom.Select }

// insideForm reports whether n sits in a <form>.
func insideForm(n *html.Node) bool {
	for a := n.Parent; a != nil; a = a.Parent {
		if a.DataAtom == atom.Form {
			return true
		}
	}
	return false
}

// controlBox returns the outermost of the elements around control, up to
// controlLabelMaxWrappers, that hold nothing but it (and white space).
func controlBox(control *html.Node) *html.Node {
	box := control
	for i := 0; i < controlLabelMaxWrappers && box.Parent != nil && box.Parent.Type == html.ElementNode; i++ {
		if onlyElementChild(box.Parent) != box || hasOwnText(box.Parent) {
			break
		}
		box = box.Parent
	}
	return box
}

// hasOwnText reports whether n has a text child other than white space.
func hasOwnText(n *html.Node) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.TextNode && strings.TrimSpace(c.Data) != "" {
			return true
		}
	}
	return false
}

// previousElement returns the element sibling right before n, or nil
// when text comes between them or there is none.
func previousElement(n *html.Node) *html.Node {
	for p := n.PrevSibling; p != nil; p = p.PrevSibling {
		switch p.Type {
		case html.ElementNode:
			return p
		case html.TextNode:
			if strings.TrimSpace(p.Data) != "" {
				return nil
			}
		}
	}
	return nil
}

// controlCaption reports whether n reads as a control's caption: one
// line (no block element inside) of one to controlLabelMaxWords words,
// with no link, no control and no sentence end. A box of several lines
// before a control is the card it sits in (a plan's prices over its
// billing choice).
func controlCaption(n *html.Node) bool {
	words := wordsUpTo(n, controlLabelMaxWords+1)
	if words == 0 || words > controlLabelMaxWords {
		return false
	}
	if findFirstWhere(n, func(x *html.Node) bool {
		return x.DataAtom == atom.A || x.DataAtom == atom.Select || x.DataAtom == atom.Input || x.DataAtom == atom.Textarea || blockTags[x.DataAtom]
	}) != nil {
		return false
	}
	return !endsSentence(strings.TrimSpace(textOf(n)))
}
