package extract

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// A formula written in MathML (<math>) is part of the sentence or the
// derivation around it: "there are two solutions to a x 2 + b x + c = 0".
// Its text is the text of its presentation tokens (<mi>, <mn>, <mo>,
// <mtext>, …), which the emitter reads as it reads unknown inline
// elements, each followed by a space, so that the tokens of "ax²" do not
// run together into one word. A <semantics> element pairs the formula
// with annotations, the same formula again as TeX source or as content
// MathML for programs: they are not shown, and reading them would say
// the formula twice, so they are skipped (mathAnnotation). A formula a
// page hides (display:none, as when it shows an image of the formula
// instead) goes with the rest of the hidden elements: the reader sees
// the image, whose alt text is TeX source, not prose.

// mathAnnotation reports whether n is an annotation of a MathML formula
// (<annotation>, <annotation-xml>): a copy of the formula for programs,
// never shown.
func mathAnnotation(n *html.Node) bool {
	return n.Namespace == "math" && (n.DataAtom == atom.Annotation || n.DataAtom == atom.AnnotationXml)
}

// formulaBox reports whether n is the box a script draws a formula in: it
// holds a <math> element and no text outside one. Its names are the
// script's (a context menu attached to every formula, say), and can read
// as a widget's; but a menu or a share bar holds no formula, so such a
// box is not judged by its names.
func formulaBox(n *html.Node) bool {
	found := false
	var walk func(*html.Node) bool
	walk = func(n *html.Node) bool {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch {
			case c.Type == html.ElementNode && c.DataAtom == atom.Math:
				found = true
			case c.Type == html.TextNode && strings.TrimSpace(c.Data) != "":
				return false
			case c.Type == html.ElementNode && !walk(c):
				return false
			}
		}
		return true
	}
	return walk(n) && found
}

// displayFormula reports whether n is a formula set apart on a line of
// its own (<math display="block">): it is a paragraph, as a block
// element is.
func displayFormula(n *html.Node) bool {
	return n.DataAtom == atom.Math && strings.EqualFold(getAttr(n, "display"), "block")
}
