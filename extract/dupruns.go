package extract

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// dupRunMinCards is the least number of sibling cards in a run that a
// later run must repeat, card for card, to be taken for a second copy of
// it: three distinct items in the same order do not line up by chance.
// It is at most regionMinCards: regionParagraphs reads a region's listing
// cards from the same runs.
const dupRunMinCards = 3

// duplicateCardRuns returns the cards of every run in runs, the runs of
// dupRunMinCards or more sibling cards under a region (cardRunGroups),
// that repeats an earlier run: the same sequence of items, each card linking to the
// same address as its counterpart. A template renders some grids twice,
// once laid out for wide screens and once for phones, or repeats a
// category's few items in a carousel under its grid; the region would
// give each item twice. The first copy stays. A story's own repetition
// (a list repeated, an ingredient in two lists) is not a run of cards,
// each a piece of text with one or two links of its own to distinct
// pages, and is not touched.
func duplicateCardRuns(runs [][]*html.Node) map[*html.Node]bool {
	if len(runs) < 2 {
		return nil
	}
	first := make(map[string][]*html.Node, len(runs)) // the earliest run of each sequence
	var skip map[*html.Node]bool
	for _, r := range runs {
		sig := runSignature(r)
		if sig == "" {
			continue
		}
		kept, ok := first[sig]
		switch {
		case !ok:
			first[sig] = r
			continue
		case precedes(r[0], kept[0]):
			first[sig], r = r, kept
		}
		if skip == nil {
			skip = make(map[*html.Node]bool)
		}
		for _, c := range r {
			skip[c] = true
		}
	}
	return skip
}

// runSignature returns the addresses the cards of run link to first, in
// order, joined: their paths without query or fragment (a carousel's
// copy of a grid adds its own tracking parameters), or whole when the
// paths alone do not tell the cards apart ("item?id=7"). It returns ""
// when the addresses are not distinct either: a run whose cards share
// an address is not a sequence of items.
func runSignature(run []*html.Node) string {
	hrefs := make([]string, len(run))
	for i, c := range run {
		hrefs[i] = firstHref(c)
		if hrefs[i] == "" {
			return ""
		}
	}
	paths := make([]string, len(hrefs))
	for i, h := range hrefs {
		paths[i], _, _ = strings.Cut(h, "?")
		paths[i], _, _ = strings.Cut(paths[i], "#")
	}
	switch {
	case distinct(paths):
		return strings.Join(paths, "\n")
	case distinct(hrefs):
		return strings.Join(hrefs, "\n")
	}
	return ""
}

// firstHref returns the trimmed address of n, a link, or of the first
// link under n that has one, or "".
func firstHref(n *html.Node) string {
	if h := strings.TrimSpace(getAttr(n, "href")); n.DataAtom == atom.A && h != "" {
		return h
	}
	a := findFirstWhere(n, func(x *html.Node) bool {
		return x.DataAtom == atom.A && strings.TrimSpace(getAttr(x, "href")) != ""
	})
	if a == nil {
		return ""
	}
	return strings.TrimSpace(getAttr(a, "href"))
}

// distinct reports whether no two of ss are equal.
func distinct(ss []string) bool {
	seen := make(map[string]bool, len(ss))
	for _, s := range ss {
		if seen[s] {
			return false
		}
		seen[s] = true
	}
	return true
}
