package extract

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// threadMinStory is how many words of story text must come before a
// comment thread for emit to drop it: a page that opens with posts (a
// forum, a live blog, a listing) is not a story with comments under it.
const threadMinStory = 100

// isThread reports whether n holds a thread of user replies: two or more
// sibling posts made from one template (same tag and class), each dated
// (a <time> element or a short date line), each carrying an in-page
// action link (reply, permalink: an href starting with "#" or "?"), and
// nesting replies of the same kind. The evidence is the structure of the
// replies, not their wording; a list of references or a live blog, which
// do not nest, is not a thread.
func isThread(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Ol, atom.Ul, atom.Div, atom.Section:
	default:
		return false
	}
	if !repeatsTemplate(n) {
		return false // cheap test first: emit asks this of every element
	}
	var posts []*html.Node
	kids := 0
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		kids++
		if isPost(c) {
			posts = append(posts, c)
		}
	}
	if len(posts) < 2 || len(posts)*2 < kids {
		return false
	}
	nested, actions := false, 0
	for _, p := range posts {
		if !sameTemplate(posts[0], p) {
			return false
		}
		if hasNestedPosts(p) {
			nested = true
		}
		if hasActionLink(p) {
			actions++
		}
	}
	return nested && actions == len(posts)
}

// sameTemplate reports whether a and b are made from one template: the
// same tag, and the same class or a class word in common (comment
// templates mark alternate posts "even" and "odd", and the author's own
// replies "bypostauthor", around a shared "comment").
func sameTemplate(a, b *html.Node) bool {
	if a.DataAtom != b.DataAtom {
		return false
	}
	ca, cb := getAttr(a, "class"), getAttr(b, "class")
	if ca == cb {
		return true
	}
	for _, w := range strings.Fields(ca) {
		for _, v := range strings.Fields(cb) {
			if w == v {
				return true
			}
		}
	}
	return false
}

// repeatsTemplate reports whether two element children of n in a row
// are made from one template (sameTemplate).
func repeatsTemplate(n *html.Node) bool {
	var prev *html.Node
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		if prev != nil && sameTemplate(prev, c) {
			return true
		}
		prev = c
	}
	return false
}

// isPost reports whether n looks like one reply: it holds some text and a
// date, as a <time> element or a short line that is a date.
func isPost(n *html.Node) bool {
	if n.FirstChild == nil {
		return false
	}
	dated := false
	var walk func(*html.Node)
	walk = func(x *html.Node) {
		for c := x.FirstChild; c != nil && !dated; c = c.NextSibling {
			switch c.Type {
			case html.ElementNode:
				if c.DataAtom == atom.Time {
					dated = true
					return
				}
				walk(c)
			case html.TextNode:
				if t := strings.TrimSpace(c.Data); len(t) >= 6 && len(t) <= 60 && strings.ContainsAny(t, "0123456789") {
					k := strings.ToLower(t)
					dated = dateLine.MatchString(k) || relativeDate.MatchString(k)
				}
			}
		}
	}
	walk(n)
	if !dated {
		return false
	}
	k, _ := countText(textOf(n))
	return k >= 20
}

// hasNestedPosts reports whether n holds a list of posts of its own: the
// replies to a reply.
func hasNestedPosts(n *html.Node) bool {
	found := false
	var walk func(*html.Node)
	walk = func(x *html.Node) {
		for c := x.FirstChild; c != nil && !found; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			if c.DataAtom == n.DataAtom && isPost(c) {
				found = true
				return
			}
			walk(c)
		}
	}
	walk(n)
	return found
}

// hasActionLink reports whether n holds a link that acts on the page
// rather than leaving it: its href starts with "#" or "?".
func hasActionLink(n *html.Node) bool {
	found := false
	var walk func(*html.Node)
	walk = func(x *html.Node) {
		for c := x.FirstChild; c != nil && !found; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			if c.DataAtom == atom.A {
				if h := strings.TrimSpace(getAttr(c, "href")); strings.HasPrefix(h, "#") || strings.HasPrefix(h, "?") {
					found = true
					return
				}
			}
			walk(c)
		}
	}
	walk(n)
	return found
}

// Limits of commentsCarryPage: the prose in comment-named elements is at
// least commentPageMinProse runes, and the prose outside them at most
// commentPageMaxStory runes and a quarter of that inside.
const (
	commentPageMinProse = 1500
	commentPageMaxStory = 1000
)

// commentsCarryPage reports whether the page's prose is in its comments:
// the elements whose class or id names a comment (commentWords) or whose
// itemprop is comment hold most of the body's prose, and what is outside
// them is too short to be a story. Such a page is a thread (a link
// aggregator's discussion, a forum without structured data), whose
// comments are its content; an article page with comments under it has
// its story outside them.
func commentsCarryPage(body *html.Node, st map[*html.Node]*stat) bool {
	total := st[body]
	if total == nil || total.prose < commentPageMinProse {
		return false
	}
	inside := 0
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			if s := st[c]; s != nil && s.prose > 0 && commentNamed(c) {
				inside += s.prose
				continue
			}
			walk(c)
		}
	}
	walk(body)
	outside := total.prose - inside
	return inside >= commentPageMinProse && outside <= commentPageMaxStory && outside*4 <= inside
}

// commentNamed reports whether n's class or id has a word of commentWords,
// or its itemprop names a comment.
func commentNamed(n *html.Node) bool {
	if ip := strings.ToLower(getAttr(n, "itemprop")); ip == "comment" || ip == "comments" {
		return true
	}
	for _, t := range classTokens(getAttr(n, "class") + " " + getAttr(n, "id")) {
		if in(commentWords, t) {
			return true
		}
	}
	return false
}
