package extract

import (
	"slices"
	"strings"

	"golang.org/x/net/html"
)

// reviewRunMin is the least number of sibling elements named for reviews
// (reviewNamed) that reviewRunNodes reads as a run of customer reviews.
const reviewRunMin = 3

// cutReviewRuns removes the runs of dated customer reviews under n
// (reviewRunNodes) and the reviews sections holding a rating histogram
// (ratedReviewNodes), and reports whether it found any, and whether
// it found such a section. The first pass
// cuts them from a page that declares no Product; the content region
// (readRegion), read from a fresh parse, cuts them again when the first
// pass found some, so a page read as its region (a shop's item page
// classified "other") does not get its buyers' reviews back.
func cutReviewRuns(n *html.Node) (cut, rated bool) {
	rs := ratedReviewNodes(n) // ratinghistogram.go
	runs := append(reviewRunNodes(n), rs...)
	for _, r := range runs {
		if r.Parent == nil {
			continue
		}
		r.Parent.RemoveChild(r)
	}
	return len(runs) > 0, len(rs) > 0
}

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
		var named map[string][]*html.Node // by tag; most elements hold none
		for c := x.FirstChild; c != nil; c = c.NextSibling {
			switch {
			case c.Type != html.ElementNode:
			case reviewNamed(c):
				if named == nil {
					named = map[string][]*html.Node{}
				}
				named[c.Data] = append(named[c.Data], c)
			default:
				walk(c)
			}
		}
		for _, siblings := range named {
			// The dates are read only where a run could form: a lone
			// element named for reviews may wrap the whole page.
			var dated []*html.Node
			if len(siblings) >= reviewRunMin {
				for _, c := range siblings {
					if datedIn.MatchString(strings.ToLower(textOf(c))) {
						dated = append(dated, c)
					}
				}
			}
			if len(dated) < reviewRunMin {
				dated = nil
			}
			out = append(out, dated...)
			for _, c := range siblings {
				if !slices.Contains(dated, c) {
					walk(c)
				}
			}
		}
	}
	walk(n)
	if len(out) > 0 {
		out = append(out, reviewKin(n, out)...)
	}
	return out
}

// reviewKin returns the dated elements under n, outside runs, that share
// the tag and class of a member of runs: the same review box printed in
// a shorter list beside the run (a shop's few featured reviews above
// the rest), too short to be a run itself. It is read only once a run is found, so a page without one
// pays nothing.
func reviewKin(n *html.Node, runs []*html.Node) []*html.Node {
	inRun := make(map[*html.Node]bool, len(runs))
	kinds := map[string]bool{}
	for _, r := range runs {
		inRun[r] = true
		kinds[r.Data+"\x00"+getAttr(r, "class")] = true
	}
	var kin []*html.Node
	var walk func(x *html.Node)
	walk = func(x *html.Node) {
		for c := x.FirstChild; c != nil; c = c.NextSibling {
			switch {
			case c.Type != html.ElementNode || inRun[c]:
			case reviewNamed(c) && kinds[c.Data+"\x00"+getAttr(c, "class")] &&
				datedIn.MatchString(strings.ToLower(textOf(c))):
				kin = append(kin, c)
			default:
				walk(c)
			}
		}
	}
	walk(n)
	return kin
}
