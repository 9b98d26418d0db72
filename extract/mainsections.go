package extract

import (
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// A service or documentation page that declares no article is written
// as sections: a heading and a few short paragraphs each (what the
// service does, how it works, what it covers, its questions and
// answers). The scored block is then the one section with the most text,
// often the questions and answers, and the climb to its ancestors stops
// at the sections around it, whose headings, short lines and calls to
// action make more links than a story's wrapper adds. When the block
// sits inside the page's single <main> and the rest of <main> is such
// sections, the page's content is <main>.

// Thresholds of mainSections, on what <main> adds around the block:
// a third of the block's text or more (sections, not a byline or a
// donation box), of which six tenths or more paragraph text and under a
// third link text, with mainSectionHeads or more h2 or h3 headings
// outside the block.
const (
	mainSectionsExtra = 3 // <main> adds at least 1/3 of the block's text
	mainSectionsLinks = 3 // under 1/3 of the added text is link text
	mainSectionsProse = 6 // at least 6/10 of the added text is paragraphs
	mainSectionHeads  = 3 // headings of the sections around the block
)

// mainSections returns the page's single <main> when blocks, siblings,
// sit inside it and the rest of <main> reads as the page's other sections
// (see above); otherwise blocks unchanged. It is not used on pages that
// declare an article, on product pages, nor when the page marked its
// block (articleBody, a chosen <article>).
func mainSections(body *html.Node, blocks []*html.Node, st map[*html.Node]*stat) []*html.Node {
	if len(blocks) == 0 {
		return blocks
	}
	mains := findAll(body, false, isMain)
	if len(mains) != 1 {
		return blocks
	}
	main, ms := mains[0], st[mains[0]]
	var text, link, prose int
	for _, b := range blocks {
		bs := st[b]
		if b == main || !contains(main, b) || bs == nil || b.Parent != blocks[0].Parent {
			return blocks
		}
		text, link, prose = text+bs.text, link+bs.link, prose+bs.prose
	}
	if ms == nil {
		return blocks
	}
	extra, extraLink, extraProse := ms.text-text, ms.link-link, ms.prose-prose
	if extra <= 0 || extra*mainSectionsExtra < text || extraLink*mainSectionsLinks > extra ||
		extraProse*10 < extra*mainSectionsProse {
		return blocks
	}
	heads := findAll(main, false, func(x *html.Node) bool {
		if x.DataAtom != atom.H2 && x.DataAtom != atom.H3 {
			return false
		}
		for _, b := range blocks {
			if b == x || contains(b, x) {
				return false
			}
		}
		return true
	})
	if len(heads) < mainSectionHeads {
		return blocks
	}
	return []*html.Node{main}
}
