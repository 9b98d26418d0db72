package extract

import (
	"regexp"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Limits of a figure grid (figureGrid): its cells, their words, and the
// share of them that are figures.
const (
	figureGridMinCells   = 6
	figureGridMinFigures = 3
	figureCellMaxWords   = 6
)

// figureLine matches a cell that is only a figure: an amount, a count,
// a share or a range of them ("$244B", "302K", "59.54 %", "80+",
// "$ 45.90 - $ 47.88").
var figureLine = regexp.MustCompile(`^[$€£¥]?\s?[0-9][0-9.,]*\s?(%|[kKmMbB]|\+)?(\s?[-–]\s?[$€£¥]?\s?[0-9][0-9.,]*\s?(%|[kKmMbB]|\+)?)?$`)

// figureGrids returns the figure grids (figureGrid) inside block when
// block holds a story (storyContainer, writesStory); nil otherwise, so
// that a page of figures keeps them.
func figureGrids(block *html.Node, ss *stories) map[*html.Node]bool {
	c, writes := ss.of(block)
	if !writes {
		return nil
	}
	return storyInsets(block, c, findAll(block, false, figureGrid))
}

// storyInsets returns, of found, the elements set into block beside the
// story's container c (a figure grid, a slideshow): each one that is not
// the container nor holds it, widened to the box holding only it and its
// short title ("Key figures"), so that the title goes with it. nil when
// none is.
func storyInsets(block, c *html.Node, found []*html.Node) map[*html.Node]bool {
	var out map[*html.Node]bool
	for _, n := range found {
		if n == block || contains(n, c) {
			continue // the story's own container is never an inset
		}
		if out == nil {
			out = make(map[*html.Node]bool)
		}
		if p := n.Parent; p != nil && p != block && isBox(p) && !contains(p, c) && titledOnly(p, n) {
			n = p
		}
		out[n] = true
	}
	return out
}

// figureGrid reports whether n, outside a table, lays out figures as a
// grid of short cells: figureGridMinCells element children or more, each
// of figureCellMaxWords words or fewer, of which figureGridMinFigures or
// more, and two fifths, hold a figure on a line of its own beside their
// label ("Market Cap", "$244B"; "20k", "grants awarded"). Such a panel is
// a data widget set into the page (a quote box, a key-figures strip),
// not the writer's text; a table of figures the story writes is a
// <table>, read as one.
func figureGrid(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Table, atom.Tbody, atom.Thead, atom.Tr, atom.Pre, atom.Code, atom.P:
		return false
	}
	cells, figures := 0, 0
	for k := n.FirstChild; k != nil; k = k.NextSibling {
		switch k.Type {
		case html.TextNode:
			if strings.TrimSpace(k.Data) != "" {
				return false // loose text: a sentence, not a grid
			}
			continue
		case html.ElementNode:
		default:
			continue
		}
		w := wordsUpTo(k, figureCellMaxWords+1)
		if w == 0 {
			continue
		}
		if w > figureCellMaxWords || hasAny(k, atom.Table, atom.A) {
			return false
		}
		cells++
		if holdsFigure(k) {
			figures++
		}
	}
	return cells >= figureGridMinCells && figures >= figureGridMinFigures && figures*5 >= cells*2
}

// holdsFigure reports whether n, or an element in it, holds only a
// figure (figureLine).
func holdsFigure(n *html.Node) bool {
	if isFigure(n) {
		return true
	}
	return findFirstWhere(n, func(x *html.Node) bool { return isFigure(x) }) != nil
}

func isFigure(n *html.Node) bool {
	return figureLine.MatchString(strings.Join(strings.Fields(textOf(n)), " "))
}

// titledOnly reports whether box holds nothing but grid and headings of
// figureCellMaxWords words or fewer: the widget's title over its cells.
func titledOnly(box, grid *html.Node) bool {
	for k := box.FirstChild; k != nil; k = k.NextSibling {
		switch {
		case k == grid:
		case k.Type == html.TextNode:
			if strings.TrimSpace(k.Data) != "" {
				return false
			}
		case k.Type != html.ElementNode:
		case isHeading(k) && wordsUpTo(k, figureCellMaxWords+1) <= figureCellMaxWords:
		case wordsUpTo(k, 1) == 0:
		default:
			return false
		}
	}
	return true
}
