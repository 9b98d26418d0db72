package extract

import (
	"strings"

	"golang.org/x/net/html"
)

// microdataItemNames returns the names of the items on sale that the
// page's schema.org microdata declares, for singleItemPage: an element
// with itemscope whose itemtype is Product and which is no property of
// another item (a Product set inside a review or a bundle is part of
// that item), with an "offers" property, none of them an
// AggregateOffer (readMicrodataItem), and a "name" property. Shops that
// print no JSON-LD mark their item this way, and so does a theme that
// marks its product cards; the caller tells them apart by the heading.
func microdataItemNames(body *html.Node) []string {
	var names []string
	for _, p := range findAll(body, false, isTopProductScope) {
		if name, onSale := readMicrodataItem(p); onSale && name != "" {
			names = append(names, name)
		}
	}
	return names
}

// isTopProductScope reports whether n opens a schema.org Product item
// (itemscope, an itemtype ending in "/Product") that is not the
// property of an enclosing item (no itemprop of its own). The test on
// the itemtype, the rarest attribute, comes first.
func isTopProductScope(n *html.Node) bool {
	t := getAttr(n, "itemtype")
	if len(t) < len("/product") || !strings.EqualFold(t[len(t)-len("/product"):], "/product") {
		return false
	}
	return hasAttr(n, "itemscope") && !hasAttr(n, "itemprop")
}

// readMicrodataItem reads the properties of the Product item opened by
// scope: its name (the content attribute of its "name" property, else
// the property's text) and whether it is on sale (an "offers" property,
// none of them an AggregateOffer). Properties of the items nested in it
// (the brand's name, an offer's price) are not its own: the walk does
// not enter a nested itemscope, whose own itemprop names the property
// it fills.
func readMicrodataItem(scope *html.Node) (name string, onSale bool) {
	offers, aggregate := false, false
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			switch getAttr(c, "itemprop") {
			case "name":
				if name == "" {
					name = collapseSpace(getAttr(c, "content"))
					if name == "" {
						name = collapseSpace(textOf(c))
					}
				}
			case "offers":
				offers = true
				if t := getAttr(c, "itemtype"); strings.HasSuffix(strings.ToLower(t), "/aggregateoffer") {
					aggregate = true
				}
			}
			if !hasAttr(c, "itemscope") {
				walk(c)
			}
		}
	}
	walk(scope)
	return name, offers && !aggregate
}

// holdsName reports whether every word of one of names is a word of
// heading: the page's heading names the item its microdata declares,
// perhaps with its colour or size beside it. Unlike namesItem it does
// not accept a heading whose words a name holds: a category page whose
// product cards carry microdata has a heading ("Scarves") that many of
// its cards' names hold.
func holdsName(heading string, names []string) bool {
	h := wordSet(heading)
	for _, n := range names {
		if w := wordSet(n); len(w) > 0 && subset(w, h) {
			return true
		}
	}
	return false
}
