package extract

import "golang.org/x/net/html"

// markedStoryListMin is the least number of elements marked as articles
// that make a block a list of stories rather than one: four, as four
// sibling posts make a page a thread (classify.go). A story may mark
// itself and two or three teasers beside it.
const markedStoryListMin = 4

// markedStoryList reports whether blocks, chosen by score (block is
// BlockScored, BlockMain or BlockBody, not an element the page marked as
// its story), are a list of stories: they hold markedStoryListMin or
// more separate teasers the page's microdata marks as articles (an
// itemtype of an article type, holding a heading that is mostly a link:
// the teaser's title), those teasers hold three quarters or more of the
// blocks' text outside links (measured in st), and no one of them holds
// half of it. That is a blog's or a newsroom's front page marking each
// teaser as an Article, whose "story" would be the teasers' summaries
// without their linked titles. A story whose block also holds a row of
// marked teasers of other stories keeps a quarter or more of the text
// outside them (the story), or in one item (the story marking itself);
// a theme that marks each section of one story as a BlogPosting gives
// sections with no linked heading. Such a page is a listing, and its
// article markup, which names its items and not the page, does not keep
// its content region from being read (readRegion). The page's count of
// article items (sg.itemTypes) is checked first, so that the blocks are
// walked only on a page marking that many.
func markedStoryList(sg *signals, blocks []*html.Node, st map[*html.Node]*stat, block string) bool {
	if block != BlockScored && block != BlockMain && block != BlockBody {
		return false
	}
	marked := 0
	for t := range structuredArticleTypes {
		marked += sg.itemTypes[t]
	}
	if marked < markedStoryListMin {
		return false
	}
	items, itemText, largest, blockText := 0, 0, 0, 0
	for _, b := range blocks {
		if s := st[b]; s != nil {
			blockText += s.good()
		}
		for _, it := range findAll(b, false, articleItem) {
			if !linkedHeadingIn(it, st) {
				continue
			}
			items++
			if s := st[it]; s != nil {
				itemText += s.good()
				largest = max(largest, s.good())
			}
		}
	}
	return items >= markedStoryListMin && itemText*4 >= blockText*3 && largest*2 < blockText
}

// linkedHeadingIn reports whether n holds a heading (h1 to h6) that is
// mostly link text, as readSignals counts them: a teaser's title linking
// to its story.
func linkedHeadingIn(n *html.Node, st map[*html.Node]*stat) bool {
	return findFirstWhere(n, func(c *html.Node) bool {
		if !isHeading(c) {
			return false
		}
		s := st[c]
		return s != nil && s.text > 0 && s.link*10 >= s.text*8
	}) != nil
}

// articleItem reports whether n's microdata itemtype is an article type
// (structuredArticleTypes).
func articleItem(n *html.Node) bool {
	if !hasAttr(n, "itemtype") {
		return false
	}
	for _, t := range itemTypeNames(getAttr(n, "itemtype")) {
		if in(structuredArticleTypes, t) {
			return true
		}
	}
	return false
}
