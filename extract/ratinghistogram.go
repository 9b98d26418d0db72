package extract

import (
	"regexp"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// histogramRows is the least run of sibling rows (histogramRow) read as
// a rating histogram: one row per star count, five to one.
const histogramRows = 5

// histogramRowMaxWords is the most words a histogram row holds: a star
// count, a bar and a share or a count ("5 stars 78% (412)"), with the
// label a screen reader gets.
const histogramRowMaxWords = 12

// percentIn finds a percentage in a text ("78%", "78 %").
var percentIn = regexp.MustCompile(`\d\s?%`)

// ratedReviewNodes returns the elements under n named for reviews
// (reviewNamed) that hold a rating histogram (ratingHistogram), each the
// outermost such element that holds no <h1>: a shop's customer reviews
// section, its average, its bar per star count, the buyers' reviews and
// the summary a script writes of them ("customers say"), on a page that
// declares no schema.org Product (where reviews are pruned by name
// anyway). The histogram is what tells the buyers' reviews from a book's
// "editorial reviews", which a page also names for reviews and which
// are the publisher's blurbs: those are never a histogram. An element
// holding the <h1> holds the item itself and stays.
func ratedReviewNodes(n *html.Node) []*html.Node {
	var out []*html.Node
	var walk func(x *html.Node)
	walk = func(x *html.Node) {
		for c := x.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			if mayNameReviews(c) && reviewNamed(c) && ratingHistogramIn(c) && findFirst(c, atom.H1) == nil {
				out = append(out, c)
				continue
			}
			walk(c)
		}
	}
	walk(n)
	return out
}

// mayNameReviews reports whether n's class or id holds "review" at all,
// the cheap test that spares most elements of the walk the joining and
// splitting of their names reviewNamed does.
func mayNameReviews(n *html.Node) bool {
	return containsFoldASCII(getAttr(n, "class"), "review") || containsFoldASCII(getAttr(n, "id"), "review")
}

// ratingHistogramIn reports whether an element under n, or n, is a
// rating histogram: histogramRows or more sibling rows in a row, each a
// star count and its share (histogramRow).
func ratingHistogramIn(n *html.Node) bool {
	return findFirstWhere(n, ratingHistogram) != nil
}

// ratingHistogram reports whether n's element children include a run of
// histogramRows rows (histogramRow) in a row.
func ratingHistogram(n *html.Node) bool {
	if n.Type != html.ElementNode {
		return false
	}
	run := 0
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		if !histogramRow(c) {
			run = 0
			continue
		}
		if run++; run >= histogramRows {
			return true
		}
	}
	return false
}

// histogramRow reports whether n is one row of a rating histogram: a few
// words (histogramRowMaxWords) holding a star count (a digit from 1 to
// 5) and either a percentage or a bar (role "progressbar", <progress>,
// <meter>) drawing the share of ratings with that count.
func histogramRow(n *html.Node) bool {
	if n.FirstChild == nil || wordsUpTo(n, histogramRowMaxWords+1) > histogramRowMaxWords {
		return false
	}
	t := textOf(n)
	if !containsStarCount(t) {
		return false
	}
	return percentIn.MatchString(t) || findFirstWhere(n, isBar) != nil
}

// containsStarCount reports whether s holds a digit from 1 to 5.
func containsStarCount(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= '1' && s[i] <= '5' {
			return true
		}
	}
	return false
}

// isBar reports whether n draws a share as a bar: a <progress>, a
// <meter> or an element of role "progressbar".
func isBar(n *html.Node) bool {
	return n.Type == html.ElementNode &&
		(n.DataAtom == atom.Progress || n.DataAtom == atom.Meter || getAttr(n, "role") == "progressbar")
}

// ratedItemStrips returns the price cards (priceCards) of a page whose
// buyers' reviews section holds a rating histogram (ratedReviewNodes):
// a page that rates one item is that item's page, whatever it declares,
// and its strips of three or more priced cards linking elsewhere
// ("customers also bought", "related sponsored products") are other
// items. Cards holding the page's first <h1> are the item's own.
func ratedItemStrips(n *html.Node, st map[*html.Node]*stat) map[*html.Node]bool {
	return priceCards(n, findFirst(n, atom.H1), st)
}
