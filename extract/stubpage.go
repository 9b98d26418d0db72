package extract

import (
	"strings"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// stubPageMaxElements is the most elements the body of a stub page holds:
// a line or a few paragraphs and nothing around them. A site's template
// brings more (its banner, menus, scripts and footer).
const stubPageMaxElements = 12

// stubPage reports whether body is the body of a stub page: a handful of
// elements (stubPageMaxElements), none of them an empty container, so
// that whatever text it holds is the page's text, however short, and
// however much of it sits in a link (a link wrapped around the
// paragraphs, as a script's "javascript:" link is). lastResortArticle
// then waives its tests of length and link density, which are there to
// tell a shell's menus from its text: a stub has no menus. A
// script-rendered shell may be as small, but it leaves the element its
// script fills (its mount point, a <div>, a <section> or a custom
// element with nothing in it) empty, and what text it shows around that
// is a top bar or a teaser, not the page's text.
func stubPage(body *html.Node) bool {
	n := 0
	var fits func(*html.Node) bool
	fits = func(x *html.Node) bool {
		for c := x.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			n++
			if n > stubPageMaxElements || emptyContainer(c) || !fits(c) {
				return false
			}
		}
		return true
	}
	return fits(body)
}

// emptyContainer reports whether n is a container element (a <div>,
// <section>, <main> or <article>, or a custom element, whose name holds a
// hyphen) holding nothing but space and comments: the mount point a
// script fills.
func emptyContainer(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Div, atom.Section, atom.Main, atom.Article:
	case 0:
		if !strings.Contains(n.Data, "-") {
			return false
		}
	default:
		return false
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode || c.Type == html.TextNode && strings.TrimSpace(c.Data) != "" {
			return false
		}
	}
	return true
}

// wordsText reports whether paras read as words: at least one token, and
// at least half of the tokens mostly letters. It stands in for usable
// on a stub page, whose text may be under usable's five words, while
// random bytes decoded as text still fail it.
func wordsText(paras []string) bool {
	words, tokens := 0, 0
	for _, p := range paras {
		for _, f := range strings.Fields(p) {
			tokens++
			letters, total := 0, 0
			for _, r := range f {
				total++
				if unicode.IsLetter(r) {
					letters++
				}
			}
			if letters*10 >= total*7 {
				words++
			}
		}
	}
	return words > 0 && words*2 >= tokens
}
