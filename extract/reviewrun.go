package extract

import (
	"strings"

	"golang.org/x/net/html"
)

// reviewRunMin is the least number of sibling elements named for reviews
// (reviewNamed) that reviewRun reads as a run of customer reviews.
const reviewRunMin = 3

// reviewRun reports whether some element under n has reviewRunMin or
// more element children of one tag named for reviews (reviewNamed) that
// each hold a date (datedIn): the list of customer reviews a shop prints
// under an item, one dated box per buyer, whether or not the page
// declares the item a schema.org Product. A critic's review is one
// element, not a run; a service page's testimonials carry no dates and
// are its pitch, which its reference text keeps.
func reviewRun(n *html.Node) bool {
	found := false
	var walk func(x *html.Node)
	walk = func(x *html.Node) {
		count := map[string]int{}
		for c := x.FirstChild; c != nil && !found; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			if reviewNamed(c) && datedIn.MatchString(strings.ToLower(textOf(c))) {
				count[c.Data]++
				if count[c.Data] >= reviewRunMin {
					found = true
					return
				}
			}
			walk(c)
		}
	}
	walk(n)
	return found
}
