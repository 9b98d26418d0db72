package extract

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// An item of a list may open a list of its own: "Still to do:" over the
// bugs being worked on, each a link to its tracker, or a sentence over
// the three dashboards it names. Those sub-points are the writer's as
// much as the item above them, however much of them is links, where a
// menu's sub-menu hangs from a link or a label of a word or two
// ("Products"). So a list of short items (subPointMaxWords words or
// fewer each) set in an item whose own text, outside its nested lists,
// has under proseItemMaxLink of it in links and either ends in a colon
// or is a sentence of subPointLeadWords words or more, is kept whole, as
// a list written in sentences is (proseLists).

// subPointMaxWords is the most words of a sub-point: a line, where the
// replies nested under a forum post are posts of their own.
const subPointMaxWords = 25

// subPointLeadWords is the least number of words of an item's own text
// that, without a colon, leads into a list of sub-points.
const subPointLeadWords = 6

// subPointLists adds to lists (allocating it if nil) the lists nested
// in li when its own text leads into them (subPointLead), and returns
// it.
func subPointLists(li *html.Node, lists map[*html.Node]bool) map[*html.Node]bool {
	nested := false
	for c := li.FirstChild; c != nil && !nested; c = c.NextSibling {
		nested = c.DataAtom == atom.Ul || c.DataAtom == atom.Ol
	}
	if !nested || !subPointLead(li) {
		return lists
	}
	for c := li.FirstChild; c != nil; c = c.NextSibling {
		if (c.DataAtom == atom.Ul || c.DataAtom == atom.Ol) && shortItems(c) {
			if lists == nil {
				lists = make(map[*html.Node]bool)
			}
			lists[c] = true
		}
	}
	return lists
}

// subPointLead reports whether li's own text, outside its nested lists,
// is under proseItemMaxLink in links and ends in a colon or holds
// subPointLeadWords words or more.
func subPointLead(li *html.Node) bool {
	var b strings.Builder
	total, link := 0, 0
	for c := li.FirstChild; c != nil; c = c.NextSibling {
		switch {
		case c.Type == html.TextNode:
			k, _ := countText(c.Data)
			total += k
			b.WriteString(c.Data)
		case c.Type != html.ElementNode || dropTags[c.DataAtom] || c.DataAtom == atom.Ul || c.DataAtom == atom.Ol:
		default:
			t, l := linkRunes(c, c.DataAtom == atom.A)
			total, link = total+t, link+l
			b.WriteString(" " + textOf(c) + " ")
		}
	}
	if total == 0 || float64(link) >= proseItemMaxLink*float64(total) {
		return false
	}
	own := strings.TrimSpace(b.String())
	return strings.HasSuffix(own, ":") || wordCount(own) >= subPointLeadWords
}

// shortItems reports whether every item of list holds subPointMaxWords
// words or fewer.
func shortItems(list *html.Node) bool {
	for li := list.FirstChild; li != nil; li = li.NextSibling {
		if li.Type == html.ElementNode && wordsUpTo(li, subPointMaxWords+1) > subPointMaxWords {
			return false
		}
	}
	return true
}
