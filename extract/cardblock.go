package extract

import "golang.org/x/net/html"

// blockCardsAreItems reports whether the runs of cards in the blocks
// chosen may be read as the page's items, their linked titles kept, when
// they hold half a block's text (emitSkipping's cards, contentCards): on
// a page that is not a product's (there they are other products) and
// does not declare an article; or that declares one by og:type alone,
// when no <article> or articleBody was taken as the block (preferred is
// nil). Many templates set og:type article on every page, topic pages
// and shop categories included, as readRegion already trusts a listing
// over it; a page whose JSON-LD or microdata gives an article type, or
// that marks the story's element, is one story, whose cards are teasers
// beside it.
func blockCardsAreItems(ps pageStats, preferred *html.Node) bool {
	if ps.product {
		return false
	}
	return !ps.declaresArticle || !ps.structuredArticle && preferred == nil
}
