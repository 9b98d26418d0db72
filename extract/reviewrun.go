package extract

import (
	"strings"

	"golang.org/x/net/html"
)

// reviewRunMin is the least number of sibling elements named for reviews
// (reviewNamed) that reviewRunNodes reads as a run of customer reviews.
const reviewRunMin = 3

// reviewRunNodes returns the members of every run of reviewRunMin or
// more sibling elements of one tag named for reviews (reviewNamed) that
// each hold a date (datedIn): the list of customer reviews a shop prints
// under an item, one dated box per buyer, whether or not the page
// declares the item a schema.org Product. A critic's review is one
// element, not a run; a service page's testimonials carry no dates and
// are its pitch, which its reference text keeps. Only the boxes go, not
// every element named for reviews: a book's "editorial reviews" are
// the publisher's blurbs, part of its description.
func reviewRunNodes(n *html.Node) []*html.Node {
	var out []*html.Node
	var walk func(x *html.Node)
	walk = func(x *html.Node) {
		runs := map[string][]*html.Node{}
		for c := x.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			if reviewNamed(c) && datedIn.MatchString(strings.ToLower(textOf(c))) {
				runs[c.Data] = append(runs[c.Data], c)
				continue
			}
			walk(c)
		}
		for _, r := range runs {
			if len(r) >= reviewRunMin {
				out = append(out, r...)
			} else {
				for _, c := range r {
					walk(c)
				}
			}
		}
	}
	walk(n)
	return out
}
