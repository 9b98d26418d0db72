package extract

import (
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// A list the writer writes is made of sentences, some with a link in
// them, and now and then an item that is only a link: in a digest of
// news, "Here is our year in review!" linking to the post, among items
// that tell what landed and who fixed what. A menu or a list of teasers
// is links from end to end. So a list (<ul>, <ol>) of the block whose
// items are mostly prose, more than half of them with under
// proseItemMaxLink of their text in links, is the story's (proseLists):
// its items that are mostly link text are kept, as those of the story's
// lists between its paragraphs are (storyLists).

// proseListMinItems is the fewest items of a list read as prose, and
// proseItemMaxLink the share of an item's text in links under which it
// is prose.
const (
	proseListMinItems = 3
	proseItemMaxLink  = 0.5
)

// proseLists adds to lists (allocating it if nil) the lists of block
// whose items are mostly prose and that hold an item that is mostly link
// text, and returns it.
func proseLists(block *html.Node, lists map[*html.Node]bool) map[*html.Node]bool {
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode || dropTags[c.DataAtom] {
				continue
			}
			if (c.DataAtom == atom.Ul || c.DataAtom == atom.Ol) && proseList(c) {
				if lists == nil {
					lists = make(map[*html.Node]bool)
				}
				lists[c] = true
			}
			if c.DataAtom == atom.Li {
				lists = subPointLists(c, lists) // subpoints.go
			}
			walk(c)
		}
	}
	walk(block)
	return lists
}

// proseList reports whether list's items are mostly prose (more than
// half of proseListMinItems or more) while one or more of them is mostly
// link text.
func proseList(list *html.Node) bool {
	items, prose, linked := 0, 0, 0
	for li := list.FirstChild; li != nil; li = li.NextSibling {
		if li.Type != html.ElementNode || li.DataAtom != atom.Li {
			continue
		}
		total, link := linkRunes(li, false)
		if total == 0 {
			continue
		}
		items++
		if float64(link) < proseItemMaxLink*float64(total) {
			prose++
		} else if link*10 > total*7 {
			linked++
		}
	}
	return items >= proseListMinItems && prose*2 > items && linked > 0
}

// linkRunes returns the non-space runes of n's text and those of them
// inside links (inLink: n sits in one), leaving out tags that never hold
// text.
func linkRunes(n *html.Node, inLink bool) (total, link int) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch {
		case c.Type == html.TextNode:
			k, _ := countText(c.Data)
			total += k
			if inLink {
				link += k
			}
		case c.Type == html.ElementNode && !dropTags[c.DataAtom]:
			t, l := linkRunes(c, inLink || c.DataAtom == atom.A)
			total, link = total+t, link+l
		}
	}
	return total, link
}
