package extract

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// captionMaxWords is the most words an image's caption box holds.
const captionMaxWords = 20

// captionBoxes returns the caption boxes (captionBox) under root that no
// other caption box holds. They are found before pruning removes the
// images, and their text is not emitted.
func captionBoxes(root *html.Node, st map[*html.Node]*stat) map[*html.Node]bool {
	var boxes map[*html.Node]bool
	for _, n := range findAll(root, false, func(n *html.Node) bool { return captionBox(n, st) }) {
		if inRun(n, st) {
			continue // one of a run of cards or steps, each an image and its text
		}
		if boxes == nil {
			boxes = make(map[*html.Node]bool)
		}
		boxes[n] = true
	}
	return boxes
}

// storyCaptions returns captions when block holds a story (its
// storyContainer writes storyMinParas paragraphs of storyMinWords words
// or more), nil otherwise: on a listing, a shop or a service page, an
// image with a few words is a card, the page's content.
func storyCaptions(captions map[*html.Node]bool, block *html.Node, ss *stories) map[*html.Node]bool {
	if len(captions) == 0 {
		return nil
	}
	if _, writes := ss.of(block); !writes {
		return nil
	}
	return captions
}

// joinNodes returns the nodes of a and b in one set; it is a, or b, when
// the other is empty.
func joinNodes(a, b map[*html.Node]bool) map[*html.Node]bool {
	if len(b) == 0 {
		return a
	}
	if len(a) == 0 {
		return b
	}
	out := make(map[*html.Node]bool, len(a)+len(b))
	for n := range a {
		out[n] = true
	}
	for n := range b {
		out[n] = true
	}
	return out
}

// inRun reports whether the element next to n, before or after it, has
// n's tag and first class word and is a caption box too.
func inRun(n *html.Node, st map[*html.Node]*stat) bool {
	for _, k := range []*html.Node{prevElement(n), nextElement(n)} {
		if k != nil && k.DataAtom == n.DataAtom && familyClass(k) == familyClass(n) && captionBox(k, st) {
			return true
		}
	}
	return false
}

// prevElement is the element sibling before n, nil when there is none.
func prevElement(n *html.Node) *html.Node {
	for k := n.PrevSibling; k != nil; k = k.PrevSibling {
		if k.Type == html.ElementNode {
			return k
		}
	}
	return nil
}

// nextElement is the element sibling after n, nil when there is none.
func nextElement(n *html.Node) *html.Node {
	for k := n.NextSibling; k != nil; k = k.NextSibling {
		if k.Type == html.ElementNode {
			return k
		}
	}
	return nil
}

// captionBox reports whether n is an image with the few words that
// caption it, outside a <figure>: an element (not a list item, cell or
// heading) holding a picture and captionMaxWords words or fewer. st
// measures the tree n is in (measure).
func captionBox(n *html.Node, st map[*html.Node]*stat) bool {
	switch n.DataAtom {
	case atom.Div, atom.P, atom.Span, atom.A, atom.Center:
	default:
		return false
	}
	w := measuredWords(n, st)
	return w > 0 && w <= captionMaxWords && findFirstWhere(n, isPicture) != nil
}

// isPicture reports whether n is an image shown as a picture rather than
// an icon or an emoji drawn inline: no declared side under 50 pixels, and
// alt text other than a single character.
func isPicture(n *html.Node) bool {
	if n.DataAtom != atom.Img {
		return n.DataAtom == atom.Picture
	}
	if alt := strings.TrimSpace(getAttr(n, "alt")); alt != "" && utf8.RuneCountInString(alt) <= 1 {
		return false
	}
	for _, side := range []string{"width", "height"} {
		if v, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(getAttr(n, side)), "px")); err == nil && v < 50 {
			return false
		}
	}
	return true
}

// findFirstWhere returns the first element under n, in document order,
// for which match holds, or nil.
func findFirstWhere(n *html.Node, match func(*html.Node) bool) *html.Node {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		if match(c) {
			return c
		}
		if f := findFirstWhere(c, match); f != nil {
			return f
		}
	}
	return nil
}

// measuredWords returns the words of n's text as wordsIn counts them,
// read from st when it measured n.
func measuredWords(n *html.Node, st map[*html.Node]*stat) int {
	if s := st[n]; s != nil {
		return s.words.words
	}
	return wordsIn(n)
}

// wordsUpTo counts the words of n's text as wordsIn does, stopping at
// limit: captionBox asks it of every element of the page.
func wordsUpTo(n *html.Node, limit int) int {
	words, inWord := 0, false
	var walk func(*html.Node)
	walk = func(x *html.Node) {
		for c := x.FirstChild; c != nil && words < limit; c = c.NextSibling {
			switch c.Type {
			case html.TextNode:
				for i := 0; i < len(c.Data); {
					space, size := spaceAt(c.Data, i)
					if !space && !inWord {
						words++
					}
					inWord = !space
					i += size
				}
			case html.ElementNode:
				walk(c)
			}
		}
	}
	walk(n)
	return min(words, limit)
}
