package extract

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// storyLists returns the lists (<ul>, <ol>) and the headings the story
// writes between its own paragraphs: children of the story's container
// (storyContainer, holding storyMinParas paragraphs of storyMinWords
// words or more) with a <p> of text both before and after them among
// their siblings. They keep their links: a list of sources, downloads or
// tools the writer cites is the story's, though it is mostly link text as
// a menu is, and so is a section heading that is a link (a product's name
// linking to its shop, a step linking to its page, a heading wrapped in
// the link to its own anchor; alone, or in a link or box holding nothing
// else). A list whose links all lead within the
// page is a table of contents, and one holding a quarter of the
// paragraphs' words or more is a directory of the site's pages; neither
// is one of them. A teaser's linked heading sits in a card of its own,
// not among the story's paragraphs.
func storyLists(block *html.Node) map[*html.Node]bool {
	c := storyContainer(block)
	if c == nil || !writesStory(c) {
		return nil
	}
	words := paragraphWords(c)
	last := c.LastChild // the last <p> of text: what comes before it has one after it
	for last != nil && !isTextParagraph(last) {
		last = last.PrevSibling
	}
	var lists map[*html.Node]bool
	before := false
	for k := c.FirstChild; k != last; k = k.NextSibling {
		if isTextParagraph(k) {
			before = true
			continue
		}
		if !before || k.Type != html.ElementNode {
			continue
		}
		if !storyHeading(k) && ((k.DataAtom != atom.Ul && k.DataAtom != atom.Ol) || inPageLinks(k) || wordsIn(k)*4 > words) {
			continue
		}
		if lists == nil {
			lists = make(map[*html.Node]bool)
		}
		lists[k] = true
	}
	return lists
}

// storyHeading reports whether n is a heading, or an element (a link, a
// <div>) holding a heading and no other text.
func storyHeading(n *html.Node) bool {
	if isHeading(n) {
		return true
	}
	h := findFirstWhere(n, isHeading)
	return h != nil && wordsIn(h) == wordsIn(n)
}

// paragraphWords counts the words of the <p> children of c.
func paragraphWords(c *html.Node) int {
	words := 0
	for k := c.FirstChild; k != nil; k = k.NextSibling {
		if k.DataAtom == atom.P {
			words += wordsIn(k)
		}
	}
	return words
}

// writesStory reports whether c, a story's container, holds at least
// storyMinParas <p> children of storyMinWords words in all.
func writesStory(c *html.Node) bool {
	paras, words := 0, 0
	for k := c.FirstChild; k != nil; k = k.NextSibling {
		if isTextParagraph(k) {
			paras++
			words += wordsIn(k)
		}
	}
	return paras >= storyMinParas && words >= storyMinWords
}

// isTextParagraph reports whether n is a <p> holding text.
func isTextParagraph(n *html.Node) bool {
	return n.DataAtom == atom.P && wordsIn(n) > 0
}

// inPageLinks reports whether every link in n leads within the page
// (href "#…").
func inPageLinks(n *html.Node) bool {
	links := findAll(n, false, func(x *html.Node) bool { return x.DataAtom == atom.A })
	for _, a := range links {
		if !strings.HasPrefix(strings.TrimSpace(getAttr(a, "href")), "#") {
			return false
		}
	}
	return len(links) > 0
}
