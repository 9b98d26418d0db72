package extract

import (
	"net/url"
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

// postNameMaxWords bounds the words of a poster's name: a member name or
// a first and last name.
const postNameMaxWords = 3

// postNameMinPosts is how many posts must link their poster's name to one
// part of the site (the same first path segment: "/members/…") for those
// links to be read as the posters' names.
const postNameMinPosts = 3

// postNameLinks returns the links naming each post's writer, given the
// posts' date links (postDateLinks): in each post (the largest element
// around a date link holding no other one), the first link alone on its
// line with a text of postNameMaxWords words or fewer and an address
// that is no anchor, when postNameMinPosts posts or more have one and
// those links lead to one part of the site, as a forum links every
// member's name to their profile. names receives the names' texts.
func postNameLinks(dates map[*html.Node]bool, names map[string]bool) map[*html.Node]bool {
	if len(dates) < postNameMinPosts {
		return nil
	}
	count := make(map[*html.Node]int)
	for d := range dates {
		for x := d.Parent; x != nil; x = x.Parent {
			count[x]++
		}
	}
	bySection := make(map[string][]*html.Node)
	for d := range dates {
		post := d.Parent
		for post.Parent != nil && count[post.Parent] == 1 {
			post = post.Parent
		}
		if n := firstNameLink(post, dates); n != nil {
			s := linkSection(getAttr(n, "href"))
			bySection[s] = append(bySection[s], n)
		}
	}
	var out map[*html.Node]bool
	for s, links := range bySection {
		if s == "" || len(links) < postNameMinPosts {
			continue
		}
		if out == nil {
			out = make(map[*html.Node]bool)
		}
		for _, n := range links {
			out[n] = true
			names[strings.Join(strings.Fields(textOf(n)), " ")] = true
		}
	}
	return out
}

// firstNameLink returns the first link under post, in document order,
// that could name its writer (nameLink); when a later one leads to the
// same address, that one: an avatar showing the member's initial links
// to the profile as the name printed beside it does.
func firstNameLink(post *html.Node, dates map[*html.Node]bool) *html.Node {
	var first *html.Node
	for _, a := range findAll(post, false, func(x *html.Node) bool { return x.DataAtom == atom.A }) {
		if !nameLink(a, dates) {
			continue
		}
		if first == nil {
			first = a
		} else if getAttr(a, "href") == getAttr(first, "href") {
			return a
		}
	}
	return first
}

// nameLink reports whether a could name a post's writer: not a date
// link, holding no <time>, with an address that is no anchor, a text of
// postNameMaxWords words or fewer, alone on its line.
func nameLink(a *html.Node, dates map[*html.Node]bool) bool {
	href := strings.TrimSpace(getAttr(a, "href"))
	if dates[a] || href == "" || strings.HasPrefix(href, "#") {
		return false
	}
	w := len(strings.Fields(textOf(a)))
	return w > 0 && w <= postNameMaxWords && findFirst(a, atom.Time) == nil && aloneOnLine(a)
}

// linkSection returns the host and first path segment of href, the part
// of the web it leads to ("/members/ana.12/" gives "/members").
func linkSection(href string) string {
	u, err := url.Parse(strings.TrimSpace(href))
	if err != nil {
		return ""
	}
	p := strings.TrimPrefix(u.Path, "/")
	if i := strings.IndexByte(p, '/'); i >= 0 {
		p = p[:i]
	}
	if p == "" {
		return ""
	}
	return u.Host + "/" + p
}
