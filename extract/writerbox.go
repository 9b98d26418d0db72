package extract

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// The writer's box under the story.
//
// Many templates close an article with a box about its writer: a
// headshot, the name as a link to the writer's page, a role line, and a
// paragraph or two about the person. The name link goes to the same
// address, with the same words, as the byline's link over the story (a
// link the page's author metadata names, a rel="author" link, or one on
// a line opening with "By" or its like in other languages, stripBy):
// that repeat is the signal, for a story does not link its own writer
// twice under one name. The box is the smallest element around the
// repeated link that also holds an image and a paragraph naming the
// person (a word of the name of three letters or more), when it is
// short (writerBoxMaxWords), its text opens with the name and it does
// not hold the byline itself. A related story's card, with its writer's
// link and picture, opens with its title and its teaser does not name
// its writer.
//
// The boxes are read from the page before pruning (which may take the
// byline or the name link), and the lines that close the text and are
// each found in a box's text are dropped: the box after the story's
// last paragraph. A closing paragraph of the story that mentions the
// writer is no part of such a box and stays, and so does a box the text
// does not close, with what follows it.

// Limits of writerBoxes.
const (
	writerBoxMaxWords  = 160 // words of the whole box, at most
	writerBoxMaxLevels = 5   // ancestors climbed from the name link
	writerNameMaxWords = 5   // words of the name link, at most
	writerLinksKept    = 4   // earlier links to one address compared, at most
)

// writerBoxes returns the texts (as squeeze gives them) of the writer's
// boxes under root: the smallest ancestor (writerBoxMaxLevels up at
// most) of a link whose address and text (two to writerNameMaxWords
// words) repeat those of an earlier link that is the byline (isByline),
// when it holds an <img> and a <p> with a word of the name, no more than
// writerBoxMaxWords words, opens with the name, and does not hold the
// earlier link. The walk reads only links' addresses; a link's text is
// read when its address repeats, and a box is climbed to from it.
func writerBoxes(root *html.Node, author string) []string {
	if root == nil {
		return nil
	}
	// Links by address, the first writerLinksKept of each: a link's
	// text is read only when its address repeats.
	var seen map[string][]*html.Node
	var out []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.DataAtom == atom.A {
			href := getAttr(n, "href")
			if href == "" || href[0] == '#' {
				return
			}
			earlier := seen[href]
			if len(earlier) > 0 {
				if box := repeatedWriter(n, earlier, author, root); box != nil {
					out = append(out, squeeze(textOf(box)))
				}
			}
			if len(earlier) < writerLinksKept {
				if seen == nil {
					seen = make(map[string][]*html.Node)
				}
				seen[href] = append(earlier, n)
			}
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
	return out
}

// repeatedWriter returns the writer's box around the link a (writerBox)
// when its text, a name of two to writerNameMaxWords words, is that of
// one of the earlier links to its address and that link is the byline
// (isByline); nil otherwise.
func repeatedWriter(a *html.Node, earlier []*html.Node, author string, root *html.Node) *html.Node {
	name := normalize(textOf(a))
	if w := wordCount(name); w < 2 || w > writerNameMaxWords || endsSentence(name) {
		return nil
	}
	for _, f := range earlier {
		if normalize(textOf(f)) == name && isByline(f, name, author) {
			return writerBox(a, f, name, root)
		}
	}
	return nil
}

// writerBox returns the box around the repeated name link a (see
// writerBoxes), or nil.
func writerBox(a, byline *html.Node, name string, scope *html.Node) *html.Node {
	parts := strings.Fields(strings.ToLower(name))
	n := a
	for i := 0; i < writerBoxMaxLevels && n.Parent != nil && n != scope; i++ {
		n = n.Parent
		if contains(n, byline) {
			return nil
		}
		img, named := false, false
		var visit func(c *html.Node)
		visit = func(c *html.Node) {
			if c.Type != html.ElementNode {
				return
			}
			switch c.DataAtom {
			case atom.Img, atom.Picture:
				img = true
			case atom.P:
				lower := strings.ToLower(textOf(c))
				for _, w := range parts {
					if len(w) >= 3 && strings.Contains(lower, w) {
						named = true
					}
				}
			}
			for d := c.FirstChild; d != nil; d = d.NextSibling {
				visit(d)
			}
		}
		visit(n)
		if img && named {
			t := normalize(textOf(n))
			if wordCount(t) > writerBoxMaxWords || !strings.HasPrefix(t, name) {
				return nil
			}
			return n
		}
	}
	return nil
}

// isByline reports whether the link a, holding name, is the story's
// byline: the page's author as its metadata gives it, a rel="author"
// link, or a link on a line opening with a byline's "By" (stripBy).
func isByline(a *html.Node, name, author string) bool {
	if strings.EqualFold(name, strings.TrimSpace(author)) {
		return true
	}
	for _, t := range strings.Fields(getAttr(a, "rel")) {
		if strings.EqualFold(t, "author") {
			return true
		}
	}
	if a.Parent == nil {
		return false
	}
	t := strings.TrimSpace(normalize(textOf(a.Parent)))
	return stripBy(t) != t && strings.Contains(strings.ToLower(t), strings.ToLower(name))
}

// squeeze returns s without its white space, so that the lines the
// emitter made of an element compare with the element's text run
// together.
func squeeze(s string) string {
	return strings.Join(strings.Fields(s), "")
}

// dropWriterBoxes drops the lines closing the text that are each found
// in one of the writer's boxes (writerBoxes, their text as squeeze gives
// it): the box set after the story's last paragraph, its name, role and
// bio. A box the emitter set anywhere else is left alone, as is what
// the story has after it; a text made of the box alone stays.
func dropWriterBoxes(paras []string, boxes []string) []string {
	if len(boxes) == 0 {
		return paras
	}
	end := len(paras)
	for end > 0 {
		p := squeeze(paras[end-1])
		if p != "" && !inAnyBox(p, boxes) {
			break
		}
		end--
	}
	if end == 0 {
		return paras
	}
	return paras[:end]
}

// inAnyBox reports whether p is part of one of boxes' texts.
func inAnyBox(p string, boxes []string) bool {
	for _, b := range boxes {
		if strings.Contains(b, p) {
			return true
		}
	}
	return false
}
