package extract

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Filter panels. A category page or a shop's collection sets beside its
// grid of items a panel of controls that narrow the grid: a title of its
// own ("Filters", "Refine by") over lists of short labels (categories,
// colours, price bands), worked as checkboxes or buttons. The
// labels are the site's vocabulary, not the page's content, and they
// read as a run of one-word lines in the text.
//
// filterPanels finds each element whose whole text is such a title
// (filterTitles), of at most filterTitleMaxRunes runes, and climbs from
// it to the first ancestor that holds more than the title: at least
// filterPanelMinExtra runes of other text. That ancestor is the panel
// when it reads as one: no picture (an item's card carries one, a label
// does not), no paragraph of prose, no <h1>, <main> or <article>, at
// most filterPanelMaxWords words, and under half its text in links. A
// "filter" box of links is a tree of the site's other collections, one
// page each, which the references keep as the collection's
// neighbourhood; the labels of checkboxes and buttons narrow this page
// and name nothing of it. The panel is read before pruning and
// skipped when the blocks are emitted, and skipped again when the page
// is read as its content region: it stays in the page while the blocks
// are chosen, as the grid's neighbour. Pages that declare an article,
// and product pages, whose "filter" boxes sort the buyers' reviews that
// are part of the page, are not read for panels in their blocks. A
// title whose first larger ancestor fails the test is left alone, so a
// grid that shares its box with the title is never taken.

// filterTitleMaxRunes is the most runes of a filter panel's title.
const filterTitleMaxRunes = 16

// filterPanelMinExtra is the least text, in runes, that the panel holds
// besides its title.
const filterPanelMinExtra = 20

// filterPanelMaxWords is the most words of a filter panel.
const filterPanelMaxWords = 400

// filterTitles are the titles of a filter panel, lower case, with no
// trailing colon.
var filterTitles = makeSet("filter", "filters", "filter by", "refine", "refine by",
	"filter results", "refine results", "narrow by", "narrow results",
	"filter & sort", "filter and sort", "filters & sort")

// filterPanels returns the filter panels under body (see above),
// measured by st, for the emitter to skip; nil when there is none.
func filterPanels(body *html.Node, st map[*html.Node]*stat) map[*html.Node]bool {
	var out map[*html.Node]bool
	for _, t := range findAll(body, false, func(n *html.Node) bool { return filterTitle(n, st[n]) }) {
		if p := filterPanelAbove(t, st); p != nil {
			if out == nil {
				out = make(map[*html.Node]bool)
			}
			out[p] = true
		}
	}
	return out
}

// filterTitle reports whether n's whole text is a filter panel's title.
func filterTitle(n *html.Node, s *stat) bool {
	if s == nil || s.text == 0 || s.text > filterTitleMaxRunes || s.link > 0 {
		return false
	}
	t := strings.ToLower(collapseSpace(textOf(n)))
	t = strings.TrimSpace(strings.TrimSuffix(t, ":"))
	return in(filterTitles, t)
}

// filterPanelAbove returns the first ancestor of title holding
// filterPanelMinExtra runes of text besides it, when that ancestor reads
// as a filter panel; nil otherwise.
func filterPanelAbove(title *html.Node, st map[*html.Node]*stat) *html.Node {
	ts := st[title]
	for a := title.Parent; a != nil && a.Type == html.ElementNode; a = a.Parent {
		s := st[a]
		if s == nil || a.DataAtom == atom.Body {
			return nil
		}
		if s.text-ts.text < filterPanelMinExtra {
			continue
		}
		if readsAsFilterPanel(a, s) {
			return a
		}
		return nil
	}
	return nil
}

// readsAsFilterPanel reports whether p, the box of a filter panel's
// title, holds controls' labels only: no prose, under half its text in
// links, at most filterPanelMaxWords words, and no picture, page
// heading, <main> or <article>.
func readsAsFilterPanel(p *html.Node, s *stat) bool {
	if s.prose > 0 || s.link*2 >= s.text || wordsUpTo(p, filterPanelMaxWords+1) > filterPanelMaxWords {
		return false
	}
	return len(findAll(p, false, func(x *html.Node) bool {
		switch x.DataAtom {
		case atom.Img, atom.Picture, atom.H1, atom.Main, atom.Article:
			return true
		}
		return false
	})) == 0
}
