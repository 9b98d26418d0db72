package extract

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// The questions of a FAQ the page declares.
//
// A page closing with questions and answers often sets each question
// as the label of a <button> that opens its answer, without the
// aria-controls or aria-expanded that disclosureToggle and headingToggle
// read: its script finds the answer by its place. Buttons never hold
// the story otherwise (basket, menu, share), so the question went with
// them and left its answer unnamed. When the page declares an article
// and its JSON-LD declares that question (a schema.org Question, as a
// FAQPage lists them for search engines), a button whose whole label is
// the question's name is the question itself, and is kept where it
// stands, above its answer. A button asking something the page does not
// declare ("How was this updated?") still goes. Pages that declare no
// article are left alone: there a shop's or a service's questions add
// text without links to a page of items, which then reads as a story.

// declaredQuestionMaxWords is the most words a question's label holds.
const declaredQuestionMaxWords = 40

// collectQuestionNames appends to names the name of every schema.org
// Question in a parsed JSON-LD value, its words joined by single spaces
// (questionLabel).
func collectQuestionNames(v any, names []string, depth int) []string {
	if depth > 8 {
		return names
	}
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			names = collectQuestionNames(e, names, depth+1)
		}
	case map[string]any:
		if name, ok := x["name"].(string); ok && isLDType(x["@type"], "Question") {
			if q := questionLabel(plainDescription(name)); q != "" {
				names = append(names, q)
			}
		}
		for _, e := range x {
			names = collectQuestionNames(e, names, depth+1)
		}
	}
	return names
}

// isLDType reports whether a JSON-LD @type is, or lists, want.
func isLDType(t any, want string) bool {
	switch x := t.(type) {
	case string:
		return strings.EqualFold(x, want)
	case []any:
		for _, e := range x {
			if isLDType(e, want) {
				return true
			}
		}
	}
	return false
}

// questionLabel returns s with its words joined by single spaces, as a
// button's label and a declared question's name are compared.
func questionLabel(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// declaredQuestionButtons returns the <button> elements under root whose
// label, declaredQuestionMaxWords words at most, is the name of one of
// the page's declared questions (names, as collectQuestionNames gives
// them); nil when the page declares none.
func declaredQuestionButtons(root *html.Node, names []string) map[*html.Node]bool {
	if len(names) == 0 {
		return nil
	}
	declared := makeSet(names...)
	var out map[*html.Node]bool
	for _, b := range findAll(root, false, func(n *html.Node) bool { return n.DataAtom == atom.Button }) {
		label := questionLabel(textOf(b))
		if w := wordCount(label); w == 0 || w > declaredQuestionMaxWords || !in(declared, label) {
			continue
		}
		if out == nil {
			out = make(map[*html.Node]bool)
		}
		out[b] = true
	}
	return out
}
