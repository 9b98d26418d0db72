package extract

import (
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// singleItemPage reports whether the page sells one item: its JSON-LD
// declares one (singleItem) and the page's one <h1> names it
// (namesItem), or its microdata declares one (microdataItemNames) whose
// whole name the <h1> holds (holdsName); several <h1> of one text count
// as one, a template printing the name once for phones and once for
// wider screens. Such a page is read from its chosen blocks, not as its
// content region (readRegion): the region of an item's page holds the
// shop's menus, its footer and its strips of other products as links,
// while the blocks hold the item. A page whose Product carries an
// AggregateOffer (the item sold in many configurations or by many
// sellers, each a line of the page) and a shop's category page, whose
// heading names the category, are read as their region still.
func singleItemPage(ld linkedData, body *html.Node) bool {
	var names []string
	for _, e := range ld.entities {
		if !singleItem(e) {
			continue
		}
		if n, _ := e["name"].(string); n != "" {
			names = append(names, html.UnescapeString(n))
		}
	}
	marked := microdataItemNames(body)
	if len(names) == 0 && len(marked) == 0 {
		return false
	}
	heading, ok := itemHeading(body)
	if !ok {
		return false
	}
	return namesItem(heading, names) || holdsName(heading, marked)
}

// itemHeading returns the text of the page's one <h1>, or of its
// several <h1> when they all read the same; ok is false when the page
// has none or several that differ.
func itemHeading(body *html.Node) (heading string, ok bool) {
	h1s := findAll(body, false, func(x *html.Node) bool { return x.DataAtom == atom.H1 })
	if len(h1s) == 0 {
		return "", false
	}
	heading = collapseSpace(textOf(h1s[0]))
	for _, h := range h1s[1:] {
		if collapseSpace(textOf(h)) != heading {
			return "", false
		}
	}
	return heading, true
}

// singleItem reports whether a JSON-LD entity is one item on sale: a
// Product with offers of its own price (offersOwnPrice), or a
// ProductGroup (one item in several sizes or colours, whose variants
// carry the offers) without an AggregateOffer.
func singleItem(e map[string]any) bool {
	switch {
	case ldTypeIs(e["@type"], "product"):
		return offersOwnPrice(e["offers"])
	case ldTypeIs(e["@type"], "productgroup"):
		return e["offers"] == nil || offersOwnPrice(e["offers"])
	}
	return false
}

// offersOwnPrice reports whether a JSON-LD "offers" value is one offer
// or a list of them, none of them an AggregateOffer.
func offersOwnPrice(v any) bool {
	switch x := v.(type) {
	case map[string]any:
		return !ldTypeIs(x["@type"], "aggregateoffer")
	case []any:
		for _, e := range x {
			if !offersOwnPrice(e) {
				return false
			}
		}
		return len(x) > 0
	}
	return false
}
