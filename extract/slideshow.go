package extract

import (
	"strings"

	"golang.org/x/net/html"
)

// A story may carry a slideshow of other stories' pictures ("The
// harbour in pictures"): a list of slides, each captioned with a counter of
// its place in the show ("1/50", "2 of 50"), a title and a few lines.
// The show is the site's, set into every story of a section; its captions
// are not the writer's text and can outweigh the story itself. Such a
// list is a run of slideshowMinSlides or more sibling elements, each
// whose text opens with a counter "k/N" or "k of N" of one total N, the
// k counting up one by one. Inside a block that holds a story
// (storyContainer, writesStory) outside the list, the list is not
// emitted, nor is the box holding only the list and its short title;
// a gallery page, whose slides are its content, keeps them.

// slideshowMinSlides is the least number of counted slides that make a
// slideshow.
const slideshowMinSlides = 3

// slideshows returns the slideshow lists (slideshowList) inside block,
// each with its titled box (storyInsets), when block holds a story
// outside them; nil otherwise.
func slideshows(block *html.Node, ss *stories) map[*html.Node]bool {
	lists := findAll(block, false, slideshowList)
	if len(lists) == 0 {
		return nil
	}
	c, writes := ss.of(block)
	if !writes {
		return nil
	}
	return storyInsets(block, c, lists)
}

// slideshowList reports whether n's element children holding text each
// open with a slide counter (slideCounter) of one total, counting up one
// by one, slideshowMinSlides of them or more, and no more than that
// total.
func slideshowList(n *html.Node) bool {
	if n.Type != html.ElementNode {
		return false
	}
	slides, total, last := 0, 0, 0
	for k := n.FirstChild; k != nil; k = k.NextSibling {
		switch k.Type {
		case html.TextNode:
			if strings.TrimSpace(k.Data) != "" {
				return false
			}
			continue
		case html.ElementNode:
		default:
			continue
		}
		first := firstText(k)
		if first == "" {
			continue // a slide's empty frame, filled by a script
		}
		place, of, ok := slideCounter(first)
		if !ok || (slides > 0 && (of != total || place != last+1)) {
			return false
		}
		slides, total, last = slides+1, of, place
	}
	return slides >= slideshowMinSlides && slides <= total
}

// firstText returns the first text of n that is not white space,
// trimmed, or "".
func firstText(n *html.Node) string {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch c.Type {
		case html.TextNode:
			if t := strings.TrimSpace(c.Data); t != "" {
				return t
			}
		case html.ElementNode:
			if t := firstText(c); t != "" {
				return t
			}
		}
	}
	return ""
}

// slideCounter reads the counter opening s, "k/N" or "k of N" (spaces
// around the slash allowed), followed by the end of s or a space; ok is
// false when s opens with none or k is not within 1..N.
func slideCounter(s string) (place, total int, ok bool) {
	place, rest := leadingNumber(s)
	if place < 1 {
		return 0, 0, false
	}
	s = strings.TrimLeft(s[rest:], " ")
	switch {
	case strings.HasPrefix(s, "/"):
		s = strings.TrimLeft(s[1:], " ")
	case strings.HasPrefix(s, "of "):
		s = strings.TrimLeft(s[3:], " ")
	default:
		return 0, 0, false
	}
	total, rest = leadingNumber(s)
	if total < place || (rest < len(s) && s[rest] != ' ' && s[rest] != '\n' && s[rest] != '\t') {
		return 0, 0, false
	}
	return place, total, true
}

// leadingNumber returns the number of one to three digits opening s and
// the index after it; -1 when s opens with no such number.
func leadingNumber(s string) (int, int) {
	n, i := 0, 0
	for i < len(s) && i < 4 && s[i] >= '0' && s[i] <= '9' {
		n = n*10 + int(s[i]-'0')
		i++
	}
	if i == 0 || i > 3 {
		return -1, i
	}
	return n, i
}
