package extract

import (
	"bytes"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// regionLandmarkRoles are the ARIA roles of the landmarks that frame a
// page's content on every site: they are cut, like the elements
// nav, header, footer, aside and form, before the region of a page that
// is not one story is read.
var regionLandmarkRoles = makeSet("navigation", "banner", "contentinfo", "complementary", "search")

// regionParagraphs returns the text of the page's content region with
// every link kept: the reading of a page that is not one story (a
// listing, a collection, a product or service page), whose content is
// its items and their links. The region is the page's single <main>
// (or role=main) when it holds text, else the body; page landmarks
// (nav, header, footer, aside, forms but one wrapping the page's run of
// cards, resultsForm, and their ARIA roles), tags that never hold text
// and hidden elements are cut first, except a landmark or a hidden
// element holding half the page's text (a page wrapped whole in a
// <form>, as ASP.NET pages are, or in a <header>, or hidden until a
// script shows it). Class and id names are not
// read: on these pages they name the items ("teaser", "card") as often
// as the boilerplate, and cutting by them lost more than it saved on
// the dev pages. The one exception is cutReviews, set on a product page:
// elements named for reviews (reviewNamed) are cut, as prune cuts them.
//
// It also returns the measure of body once its landmarks are cut, before
// the links above the heading are (see cutLinksBeforeHeading).
func regionParagraphs(body *html.Node, cutReviews bool, items []string) ([]string, *stat) {
	st := measure(body)
	total := st[body].text
	cutLandmarks(body, st, total, cutReviews)
	region := body
	if mains := findAll(body, false, isMain); len(mains) == 1 {
		if s := measure(mains[0])[mains[0]]; s != nil && s.text >= 200 {
			region = mains[0]
		}
	}
	cut := measure(body)[body]
	cutLinksBeforeHeading(region, st)
	cutLinksAfterCards(region, measure(region))
	e := &emitter{keepLinks: true}
	rs := measure(region)
	if cutReviews {
		e.skip = joinNodes(otherProducts([]*html.Node{region}, rs, nil), productStrips(region, rs, items))
	}
	_, runs := cardRunGroups(region, rs, dupRunMinCards) // one walk serves the three uses below
	e.skip = joinNodes(joinNodes(e.skip, duplicateCardRuns(runs)), fieldNameLists(region))
	e.skip = joinNodes(joinNodes(e.skip, repeatedCardActions(runs)), repeatedCardTerms(runs))
	e.skip = joinNodes(e.skip, interfaceLines(region))   // interfacelines.go
	e.skip = joinNodes(e.skip, filterPanels(region, rs)) // filterpanel.go
	for _, r := range runs {
		if len(r) < regionMinCards {
			continue
		}
		if e.cards == nil {
			e.cards = make(map[*html.Node]bool)
		}
		for _, c := range r {
			e.cards[c] = true
		}
	}
	e.walk(region, false)
	e.flush()
	return e.out, cut
}

// cutLandmarks removes the page's landmarks, hidden elements, dialogs and
// tags that never hold text under n; a landmark or a hidden element
// holding half the page's text (holdsHalf) is kept.
func cutLandmarks(n *html.Node, st map[*html.Node]*stat, total int, cutReviews bool) {
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		switch c.Type {
		case html.CommentNode:
			n.RemoveChild(c)
		case html.ElementNode:
			if landmark(c, st, total) || cutReviews && reviewNamed(c) {
				n.RemoveChild(c)
			} else {
				cutLandmarks(c, st, total, cutReviews)
			}
		}
		c = next
	}
}

// landmark reports whether n is cut before a region is read; st is the
// measure of the body, total its text.
func landmark(n *html.Node, st map[*html.Node]*stat, total int) bool {
	s := st[n]
	if dropTags[n.DataAtom] && !textFigure(n) && n.DataAtom != atom.Nav && n.DataAtom != atom.Aside &&
		n.DataAtom != atom.Footer || modal(n) || consentPanel(n) {
		return true
	}
	folded := hidden(n) && !seenAriaHidden(n) || hiddenClass(getAttr(n, "class"))
	if holdsHalf(s, total) {
		return foldedLinks(n, s, folded) // foldedlinks.go
	}
	if folded || screenReaderText(n) {
		return true
	}
	switch n.DataAtom {
	case atom.Header:
		return !teaserHeader(n)
	case atom.Form:
		return !resultsForm(n, st)
	case atom.Footer, atom.Nav, atom.Aside:
		return true
	case atom.Main, atom.Article:
		return false
	}
	return in(regionLandmarkRoles, strings.ToLower(getAttr(n, "role")))
}

// teaserHeader reports whether n, a <header>, heads one teaser of a run:
// it sits inside an <article> (not necessarily as its child) that has a
// sibling <article>, as a listing writes its items, each with a header
// holding its title and date. Such a header is the item's, not the
// page's.
func teaserHeader(n *html.Node) bool {
	for a := n.Parent; a != nil; a = a.Parent {
		if a.Type != html.ElementNode || a.DataAtom != atom.Article {
			continue
		}
		if a.Parent == nil {
			return false
		}
		for s := a.Parent.FirstChild; s != nil; s = s.NextSibling {
			if s != a && s.Type == html.ElementNode && s.DataAtom == atom.Article {
				return true
			}
		}
		return false
	}
	return false
}

// holdsHalf reports whether an element measured s holds half or more of
// the page's text (total): a page wrapped whole in a landmark, or in a
// wrapper hidden until a script shows it (a lock or age screen, a
// fade-in), whose content is still the page's.
func holdsHalf(s *stat, total int) bool {
	return s != nil && s.text*2 > total
}

// findFirst returns the first element of type a under n in document
// order, or nil.
func findFirst(n *html.Node, a atom.Atom) *html.Node {
	return findFirstWhere(n, func(c *html.Node) bool { return c.DataAtom == a })
}

// otherRegionShare is how many times the text of the block chosen on a
// page of type "other" the content region must hold for the region to be
// read instead: a block under a third of the region is one part of a
// page made of many (a catalogue's introduction, one panel of a service
// page), not its story.
const otherRegionShare = 3

// shortStoryRunes is the length, in non-space runes, under which a
// text classified as an article (about 250 words) may be one panel of a
// page that is not one story: a service page's opening, with its
// offers below it in cards, on a template that sets og:type article on
// every page.
const shortStoryRunes = 1500

// shortStory reports whether a, classified an article, is shorter than
// shortStoryRunes, came from a block the page did not mark as its
// content (unmarkedBlock), and its page gives no article type in its
// structured data (JSON-LD or microdata): such a page is read as a page
// of type "other" is (readRegion).
func shortStory(a *Article, ps pageStats) bool {
	return a.PageType == PageArticle && !ps.structuredArticle && unmarkedBlock(a.Block) &&
		runeCount(a.Paragraphs) < shortStoryRunes
}

// unmarkedBlock reports whether block is a scored container outside
// <main> and <article>, or the body: a block the page did not mark as
// its content. A short text in an <article> or <main> is the page's
// own short story.
func unmarkedBlock(block string) bool {
	return block == BlockScored || block == BlockBody
}

// readRegion replaces a's text by the page's content region (see
// regionParagraphs) when the page is a listing or a gallery that does
// not declare itself an article, and the region holds more text: the
// block chosen as "the story" of such a page is one teaser or one
// caption of many. A page of type "other" (short, few long paragraphs)
// that does not declare an article is read the same way when its region
// holds otherRegionShare times the block's text, and, when og:type says
// article, when the region is not a short post's frame
// (regionOutweighsPost); so is a short text classified as an article
// (shortStory).
func readRegion(page []byte, a *Article, ps pageStats, opts Options) {
	asOther := a.PageType == PageOther || shortStory(a, ps)
	if a.PageType != PageListing && a.PageType != PageGallery && !asOther || a.Block == BlockSelector {
		return
	}
	if ps.itemPage {
		return // itempage.go: one item's page is read from its blocks
	}
	if ps.structuredArticle && !ps.storyList || (ps.declaresArticle || a.Block == BlockArticle && !ps.cardArticle) && a.PageType == PageGallery {
		// A story that calls itself an article and carries many
		// pictures is still one story: its block stands, and so does
		// one the page wraps in the <article> chosen as the block (its
		// pictures make it a gallery, not its teasers), unless that
		// <article> is one card of a grid of them (articlerun.go). A page
		// classified a listing or "other" is trusted over og:type
		// article alone, which many templates set on every page,
		// section fronts and topic pages included.
		return
	}
	if (a.PageType == PageListing || a.PageType == PageGallery) && proseBlock(a.Paragraphs) {
		return
	}
	need := runeCount(a.Paragraphs) + 1
	if asOther {
		need = otherRegionShare * runeCount(a.Paragraphs)
	}
	if ps.text < need {
		// The region is read from the body: a body that held less text
		// than it would need cannot give it, and the page is not parsed
		// again (a short story on a news page, its body twice its text).
		return
	}
	root, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		return
	}
	body := findFirst(root, atom.Body)
	if body == nil {
		return
	}
	if ps.reviewRuns {
		cutReviewRuns(body) // reviewrun.go: as the first pass did
	}
	raw, cut := regionParagraphs(body, ps.product, ps.items)
	paras, _ := cleanLines(raw, newTitleSet(opts.Title))
	if ps.declaresArticle && asOther && !regionOutweighsPost(paras, cut) &&
		!(a.PageType == PageOther && regionHoldsCards(paras, body)) {
		// A short story (shortStory) is not read as its region for
		// cards: around a blog post they are the blog's other posts.
		return
	}
	if usable(paras) && runeCount(paras) >= need {
		a.Paragraphs, a.Block = paras, BlockRegion
	}
}

// regionOutweighsPost reports whether the region of a page classified
// "other" that calls itself an article by og:type alone is its content:
// regionMinText characters or more (about a hundred words) of which
// under half is link text (cut measures the region). Around a short post
// the region adds a few lines and link lists (share buttons, a blog's
// archive and category widgets); around a topic page's introduction,
// the items it introduces.
func regionOutweighsPost(paras []string, cut *stat) bool {
	return cut != nil && runeCount(paras) >= regionMinText && cut.linkDensity() < 0.5
}

// regionHoldsCards reports whether the region, body once its landmarks
// are cut, holds regionMinText characters or more and a run of
// regionMinCards sibling cards (cardRun): a topic page's items, each a
// title link with a line of its own (a rating, a date), however much of
// the region their links make. The widgets around a short post are link
// lists of one piece of text per item (archive months, categories,
// share buttons), not cards.
func regionHoldsCards(paras []string, body *html.Node) bool {
	return runeCount(paras) >= regionMinText && cardRun(body, measure(body)) >= regionMinCards
}

// cutLinksBeforeHeading removes, when the region holds one <h1>, the
// elements before it that are mostly links (link text at least half
// their text): the menus, skip links and breadcrumbs a template puts
// above a page's heading, outside any landmark element. Text before the
// heading that is not links (a dek, a notice) stays.
func cutLinksBeforeHeading(region *html.Node, st map[*html.Node]*stat) {
	h1s := findAll(region, false, func(n *html.Node) bool { return n.DataAtom == atom.H1 })
	if len(h1s) != 1 {
		return
	}
	for n := h1s[0]; n != nil && n != region; n = n.Parent {
		for p := n.PrevSibling; p != nil; {
			prev := p.PrevSibling
			switch p.Type {
			case html.TextNode:
				if strings.TrimSpace(p.Data) != "" {
					return // loose text before the heading: leave the rest
				}
			case html.ElementNode:
				if s := st[p]; s != nil && s.text > 0 && s.link*2 >= s.text {
					p.Parent.RemoveChild(p)
				}
			}
			p = prev
		}
	}
}

// proseBlock reports whether paras, the block chosen on a page
// classified a listing or a gallery, read as a short story rather than one teaser or
// a run of teaser lines: four or more paragraphs averaging
// proseParaRunes or more (sentences, not a headline and its line), in
// under shortListingRunes in all. The teasers and menus around such a
// story (or the pictures in it) are what made the page read as a
// listing (a gallery), and its content
// region would add them; a longer block is left to the region, which
// on the dev pages then held more of the same prose.
func proseBlock(paras []string) bool {
	n := runeCount(paras)
	return len(paras) >= 4 && n < shortListingRunes && n >= proseParaRunes*len(paras)
}

// proseParaRunes is the average paragraph length, in non-space runes
// (about 30 words), of a block read as prose by proseBlock;
// shortListingRunes is the length under which classify calls a short
// unmarked text with many teasers around it a listing.
const (
	proseParaRunes    = 180
	shortListingRunes = 2500
)
