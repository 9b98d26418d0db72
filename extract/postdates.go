package extract

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// postDateMaxWords bounds the words of a post's date line: "May 2, 2024,
// 3:41pm", "Tue Aug 27, 2019 1:47 am".
const postDateMaxWords = 8

// discussion reports whether the page reads as a discussion before its
// text is emitted: it declares a DiscussionForumPosting or a QAPage, marks
// three or more posts as schema.org Comment items, or, without an article
// declaration, holds four or more sibling posts (as the page type
// liveblog_forum reads them, without a live blog's declaration: a live
// blog's entries are stamped by its own newsroom).
func (sg *signals) discussion() bool {
	return sg.ldTypes["discussionforumposting"] || sg.itemTypes["discussionforumposting"] > 0 ||
		sg.ldTypes["qapage"] || sg.itemTypes["qapage"] > 0 ||
		sg.itemTypes["comment"] >= 3 || sg.posts >= 4 && !sg.declaresArticle()
}

// postDateLinks returns the links under the blocks that show a post's
// date on a discussion page: an <a> holding nothing but one <time>
// element (white space aside) with a date of postDateMaxWords words or
// fewer, alone on its line (the nearest block element around it holds no
// other text). Forum templates print each post's date as the post's
// permalink; read as a line that is only a link, or only a date, it would
// be dropped as a menu entry or an article's dateline, and the thread
// would lose when each reply was written. A date inside a sentence ("as I
// wrote on <a><time>May 2</time></a>") is not alone on its line and
// stays part of it.
func postDateLinks(blocks []*html.Node) map[*html.Node]bool {
	var dates map[*html.Node]bool
	for _, b := range blocks {
		for _, a := range findAll(b, false, isDateLink) {
			if aloneOnLine(a) {
				if dates == nil {
					dates = make(map[*html.Node]bool)
				}
				dates[a] = true
			}
		}
	}
	return dates
}

// isDateLink reports whether n is an <a> whose only content is one
// <time> element holding a short text.
func isDateLink(n *html.Node) bool {
	if n.DataAtom != atom.A {
		return false
	}
	var t *html.Node
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch {
		case c.Type == html.TextNode && strings.TrimSpace(c.Data) == "":
		case c.Type == html.ElementNode && c.DataAtom == atom.Time && t == nil:
			t = c
		default:
			return false
		}
	}
	if t == nil {
		return false
	}
	w := len(strings.Fields(textOf(t)))
	return w > 0 && w <= postDateMaxWords
}

// aloneOnLine reports whether the nearest block element around n holds no
// text outside n.
func aloneOnLine(n *html.Node) bool {
	p := n.Parent
	for p != nil && p.Type == html.ElementNode && !blockTags[p.DataAtom] {
		p = p.Parent
	}
	if p == nil {
		return false
	}
	return strings.TrimSpace(textOf(p)) == strings.TrimSpace(textOf(n))
}
