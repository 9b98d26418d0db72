package extract

import (
	"strings"
	"unicode"

	"golang.org/x/net/html"
)

// Fields above the title. A report, a manual or a memo written as a web
// page opens with a document header set before its title: lines of a
// label and a value ("Ref: QX-114", "Revision: 3", "Prepared for:
// Board"), the record of the document rather than its text. A line
// shaped so, set before the first <h1> of the blocks (in document order
// inside them), is not emitted: a label of titleFieldMaxLabelWords
// words or fewer ending in a colon, then a value of titleFieldMaxValueWords
// words or fewer, no sentence end, no heading; only when the text before
// the <h1> is titleFieldMaxWordsBefore words or fewer. The lines above a
// title are read elsewhere too (dates, bylines, breadcrumbs); this one
// reads their shape, so a field naming no date goes as well. A sentence above the
// title, or a line below it, stays.

// titleFieldMaxWordsBefore is the most words before the <h1> for the
// lines above it to be read as its header: a title set after the story
// has begun (an <h1> used for a later section) heads no document.
const titleFieldMaxWordsBefore = 60

// titleFieldMaxLabelWords is the most words of a field's label.
const titleFieldMaxLabelWords = 3

// titleFieldMaxValueWords is the most words of a field's value.
const titleFieldMaxValueWords = 6

// titleFields returns the field lines set before the first <h1> under
// scope, for the emitter to skip; nil when there is none.
func titleFields(scope *html.Node) map[*html.Node]bool {
	h1 := findFirstWhere(scope, isH1)
	if h1 == nil || wordsBefore(h1, scope) > titleFieldMaxWordsBefore {
		return nil
	}
	var out map[*html.Node]bool
	for at := h1; at != nil && at != scope; at = at.Parent {
		for k := at.PrevSibling; k != nil; k = k.PrevSibling {
			if k.Type != html.ElementNode {
				continue
			}
			for _, line := range textLines(k) {
				if !isHeading(line) && fieldLine(strings.TrimSpace(collapseSpace(textOf(line)))) {
					if out == nil {
						out = make(map[*html.Node]bool)
					}
					out[line] = true
				}
			}
		}
	}
	return out
}

// textLines returns the block elements under and at n that hold no
// block element: the lines n is written in.
func textLines(n *html.Node) []*html.Node {
	if !blockTags[n.DataAtom] {
		return findAll(n, false, isTextLine)
	}
	if isTextLine(n) {
		return []*html.Node{n}
	}
	return findAll(n, false, isTextLine)
}

// isTextLine reports whether n is a block element holding no block
// element.
func isTextLine(n *html.Node) bool {
	return blockTags[n.DataAtom] && findFirstWhere(n, func(x *html.Node) bool { return blockTags[x.DataAtom] }) == nil
}

// fieldLine reports whether line is a label and its value: a label of
// one to titleFieldMaxLabelWords words starting with a letter, a colon,
// and a value of one to titleFieldMaxValueWords words, with no sentence
// end.
func fieldLine(line string) bool {
	label, value, ok := strings.Cut(line, ":")
	if !ok || endsSentence(line) {
		return false
	}
	label, value = strings.TrimSpace(label), strings.TrimSpace(value)
	if label == "" || value == "" {
		return false
	}
	if r := []rune(label)[0]; !unicode.IsLetter(r) {
		return false
	}
	lw, vw := wordCount(label), wordCount(value)
	return lw <= titleFieldMaxLabelWords && vw >= 1 && vw <= titleFieldMaxValueWords
}
