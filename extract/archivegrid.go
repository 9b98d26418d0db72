package extract

import (
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// archiveMinItems is the least number of sibling teasers, each headed by
// a linked heading, that make the grid of a topic or archive page
// (archiveGrid); a story's "more like this" box shows three to six.
const archiveMinItems = 8

// archiveGridLevels is how many ancestors of the block archiveGrid climbs
// to find the grid that follows it: the introduction of a topic page and
// its items sit in one column.
const archiveGridLevels = 3

// archiveGrid returns the titles of the items of a topic or archive
// page when its chosen block is the page's introduction: a short block
// (under shortListingRunes) that the page did not mark (a scored
// container), followed, within archiveGridLevels ancestors, by a run of
// archiveMinItems or more sibling elements of one tag, each holding a heading that is mostly link text and little other
// text (teaserItem). Such a page (a blog's category page, a recipe
// index) writes a paragraph or two about its topic, then lists its
// posts; the intro scores as the story, and the posts' linked titles are
// its content. Nil when there is no such run.
func archiveGrid(block, body *html.Node, st map[*html.Node]*stat) []string {
	if block == nil || block == body || st[block] == nil || st[block].text >= shortListingRunes {
		return nil
	}
	from := block
	for level := 0; level < archiveGridLevels && from != body && from.Parent != nil; level++ {
		for s := from.NextSibling; s != nil; s = s.NextSibling {
			if s.Type != html.ElementNode {
				continue
			}
			if run := teaserGrid(s, st); run != nil {
				var out []string
				for _, item := range run {
					if h := linkedHeading(item, st); h != nil {
						if t := textOf(h); t != "" {
							out = append(out, t)
						}
					}
				}
				return out
			}
		}
		from = from.Parent
	}
	return nil
}

// teaserGrid returns the first run, at n or under it, of archiveMinItems
// or more sibling elements of one tag that are each
// a teaser (teaserItem).
func teaserGrid(n *html.Node, st map[*html.Node]*stat) []*html.Node {
	var groups map[string][]*html.Node
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode || !teaserItem(c, st) {
			continue
		}
		if groups == nil {
			groups = make(map[string][]*html.Node)
		}
		groups[c.Data] = append(groups[c.Data], c)
		if len(groups[c.Data]) >= archiveMinItems {
			run := groups[c.Data]
			for s := run[len(run)-1].NextSibling; s != nil; s = s.NextSibling {
				if s.Type == html.ElementNode && s.Data == c.Data && teaserItem(s, st) {
					run = append(run, s)
				}
			}
			return run
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode {
			if run := teaserGrid(c, st); run != nil {
				return run
			}
		}
	}
	return nil
}

// teaserItem reports whether n is one teaser of a grid: it holds a
// linked heading (linkedHeading) and at most 300 runes of text that is
// not link text (a date, a line of summary).
func teaserItem(n *html.Node, st map[*html.Node]*stat) bool {
	s := st[n]
	return s != nil && s.good() <= 300 && linkedHeading(n, st) != nil
}

// linkedHeading returns the first heading (h2–h6) under n whose text is
// four fifths or more link text, or nil.
func linkedHeading(n *html.Node, st map[*html.Node]*stat) *html.Node {
	return findFirstWhere(n, func(c *html.Node) bool {
		switch c.DataAtom {
		case atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
			s := st[c]
			return s != nil && s.text > 0 && s.link*10 >= s.text*8
		}
		return false
	})
}
