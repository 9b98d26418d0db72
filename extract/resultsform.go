package extract

import "golang.org/x/net/html"

// resultsForm reports whether n, a <form> measured in st, wraps a run of
// regionMinCards or more sibling cards (cardRun): a shop's or a search
// engine's filter form, whose facets and sort box submit the page again
// and whose results, the items of the page, sit inside it. The region
// cuts forms as it cuts the other landmarks (a search box, a newsletter
// sign-up, a login); such a form is not one, and cutting it left the
// page its menus and its footer.
func resultsForm(n *html.Node, st map[*html.Node]*stat) bool {
	return cardRun(n, st) >= regionMinCards
}
