package extract

import (
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// articleRunMin is the least number of <article> elements, the one
// looked at included, side by side under one parent that make each of
// them one item of a run: four, as four sibling teasers or posts.
const articleRunMin = 4

// inArticleRun reports whether n, an <article>, has articleRunMin-1 or
// more sibling <article> elements: a shop's or a catalogue's grid whose
// every card is an <article>, where the card holding the most text is
// one item's blurb, not the page's story. On a page classified a gallery
// (the cards' pictures), such an <article> taken as the block does not
// keep the content region from being read (readRegion), as the
// <article> holding a story with many pictures does. Only a gallery is
// read so: a story set in one <article> beside sibling <article>
// teasers is classified an article and keeps its block.
func inArticleRun(n *html.Node) bool {
	if n == nil || n.DataAtom != atom.Article || n.Parent == nil {
		return false
	}
	k := 0
	for s := n.Parent.FirstChild; s != nil; s = s.NextSibling {
		if s.Type == html.ElementNode && s.DataAtom == atom.Article {
			k++
		}
	}
	return k >= articleRunMin
}
