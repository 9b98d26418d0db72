package extract

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// openGraphItemPage reports whether a page with no schema.org item (no
// JSON-LD nor microdata Product: singleItemPage decides those) sells
// one item by its OpenGraph tags (openGraphItem) and its one <h1>
// names it (itemHeading, namesItem: og:title often adds the shop's
// name). Such a page is read from its blocks, as singleItemPage's is.
func openGraphItemPage(root, body *html.Node) bool {
	name := openGraphItem(root)
	if name == "" {
		return false
	}
	heading, ok := itemHeading(body)
	return ok && namesItem(heading, []string{name})
}

// openGraphItem returns og:title when the page's OpenGraph tags in its
// <head> declare one item on sale: og:type "product", and no other
// og:type, and a price (product:price:amount or og:price:amount). A
// shop's category page sets og:type "product.group", or "product"
// without a price; a page that sets og:type twice, once "article", says
// neither.
func openGraphItem(root *html.Node) string {
	head := findFirst(root, atom.Head)
	if head == nil {
		return ""
	}
	product, priced := false, false
	title := ""
	for c := head.FirstChild; c != nil; c = c.NextSibling {
		if c.DataAtom != atom.Meta {
			continue
		}
		content := strings.TrimSpace(getAttr(c, "content"))
		switch strings.ToLower(getAttr(c, "property")) {
		case "og:type":
			if !strings.EqualFold(content, "product") {
				return ""
			}
			product = true
		case "og:title":
			if title == "" {
				title = collapseSpace(html.UnescapeString(content))
			}
		case "product:price:amount", "og:price:amount":
			priced = priced || content != ""
		}
	}
	if !product || !priced {
		return ""
	}
	return title
}
