package extract

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// The writer's bio beside a headshot.
//
// An author box often prints the writer's photograph, its alt text the
// writer's name, then a paragraph opening with that name: "Ana Ruiz is
// a travel writer who …". The page may give no author in its metadata,
// and the picture and its caption go with the other images, so neither
// dropAuthorBox nor dropBioBox has the name; the picture's alt text
// gives it. A paragraph closing the text that opens with a name a
// picture of the page carries is that box, and goes with what follows
// it under dropAuthorBox's limits (the second half of the text, 100
// words at most, under a fifth of it). When paragraphs open with two or
// more such names, the page introduces people one by one (a list of
// actors, each with a portrait) and nothing goes.

// Limits of a headshot's name.
const (
	headshotNameMinWords = 2
	headshotNameMaxWords = 4
)

// headshotLinkLevels is how far above an image a link around it is
// looked for.
const headshotLinkLevels = 3

// headshotNames returns the alt texts of the photographs under root
// (headshot) that read as a person's name: headshotNameMinWords to
// headshotNameMaxWords words, each capitalised, with no digit.
func headshotNames(root *html.Node) []string {
	var names []string
	for _, img := range findAll(root, false, func(n *html.Node) bool { return n.DataAtom == atom.Img && hasAttr(n, "alt") }) {
		if name := personName(getAttr(img, "alt")); name != "" && headshot(img) {
			names = append(names, name)
		}
	}
	return names
}

// headshot reports whether img may be a photograph of a person: not a
// drawing (an .svg file) and not inside a link (headshotLinkLevels up)
// other than one to an image file, as a logo links to the site's pages.
func headshot(img *html.Node) bool {
	if strings.HasSuffix(addressPath(getAttr(img, "src")), ".svg") {
		return false
	}
	a := img.Parent
	for i := 0; i < headshotLinkLevels && a != nil && a.DataAtom != atom.A; i++ {
		a = a.Parent
	}
	if a == nil || a.DataAtom != atom.A || !hasAttr(a, "href") {
		return true
	}
	p := addressPath(getAttr(a, "href"))
	for _, ext := range []string{".jpg", ".jpeg", ".png", ".webp", ".avif", ".gif"} {
		if strings.HasSuffix(p, ext) {
			return true
		}
	}
	return false
}

// addressPath returns a web address lower-cased, without its query and
// fragment.
func addressPath(addr string) string {
	if i := strings.IndexAny(addr, "?#"); i >= 0 {
		addr = addr[:i]
	}
	return strings.ToLower(strings.TrimSpace(addr))
}

// personName returns s with its words joined by single spaces when it
// reads as a person's name (see headshotNames), or "".
func personName(s string) string {
	words := strings.Fields(s)
	if len(words) < headshotNameMinWords || len(words) > headshotNameMaxWords {
		return ""
	}
	for _, w := range words {
		if r, _ := utf8.DecodeRuneInString(w); !unicode.IsUpper(r) || strings.ContainsAny(w, "0123456789") {
			return ""
		}
	}
	return strings.Join(words, " ")
}

// dropHeadshotBio drops the writer's box closing paras that opens with
// the name of a headshot (names, as headshotNames gives them), when the
// paragraphs of paras open with one such name only.
func dropHeadshotBio(paras []string, names []string) []string {
	if len(names) == 0 {
		return paras
	}
	opened := ""
	for _, p := range paras {
		for _, name := range names {
			if !strings.HasPrefix(p, name+" ") {
				continue
			}
			if opened != "" && opened != name {
				return paras // people introduced one by one
			}
			opened = name
		}
	}
	if opened == "" {
		return paras
	}
	return dropAuthorBox(paras, opened)
}
