package extract

import (
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// A landing or service page opens on a hero: the page's <h1>, a line or
// two saying what is offered and a call to action, over a picture. Many
// templates name that block for its look or its place ("banner",
// "top-banner-wide", "intro-overlay", "hero-menu-strip"), words that
// also name an advertisement strip, an overlay or a menu, which go. An
// advertisement, an overlay or a menu does not hold the page's heading;
// the hero does. On a page that declares no article, an element named
// by a word of proseJunk that holds an <h1> of titleBannerWords words
// or more, with no link in it or around it, at most titleBannerDepth
// levels below, and that holds under half its text in links and at most
// titleBannerRunes of text, is the page's opening and is not pruned by
// that name; nor is the line under that <h1> named "banner" as the hero
// is (headlineteaser.go). A wrapper of the whole page named so (an id
// "__next") sets the <h1> deeper or holds more text; a site's header
// setting its logo in an <h1> links that heading home, and a header
// declaring role banner is removed by its role before its names are
// read. An article's header is left to the article's rules: its
// standfirst, under the title, is read there (standfirst.go).

// titleBannerWords is the least number of words of a hero's <h1>.
const titleBannerWords = 2

// titleBannerDepth is how deep under the hero its <h1> may sit.
const titleBannerDepth = 5

// titleBannerRunes is the most text, in non-space runes, of a hero.
const titleBannerRunes = 1200

// titleBanner reports whether n holds the page's opening heading (see
// above): an <h1> of titleBannerWords words or more, with no link in it
// nor between it and n, at most titleBannerDepth levels below n, and
// n's text (s), at most titleBannerRunes, is under half link text.
func titleBanner(n *html.Node, s *stat) bool {
	if s == nil || s.text == 0 || s.text > titleBannerRunes || s.link*2 >= s.text {
		return false
	}
	h := findFirst(n, atom.H1)
	if h == nil || findFirst(h, atom.A) != nil || wordsUpTo(h, titleBannerWords) < titleBannerWords {
		return false
	}
	depth := 1
	for p := h.Parent; p != nil && p != n; p = p.Parent {
		if p.DataAtom == atom.A || depth >= titleBannerDepth {
			return false
		}
		depth++
	}
	return true
}
