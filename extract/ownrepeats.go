package extract

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// A story may say a paragraph twice, word for word: a point it makes in
// its opening and again to close a later section, a rule it restates
// under a second heading. A page carrying its article twice (for desktop
// and phone, in a tab and an accordion) repeats paragraphs too, and
// dropRepeats removes long repeats for that. What tells the story's own
// repeat from a template's copy is where it sits (ownMark marks it):
//
//   - it repeats a paragraph of its own container (sibling <p>
//     elements, lines between the <br>s of one element), where a copy
//     of the article sits in an element of its own; or
//   - it repeats a paragraph of the same <article> element, in another
//     container, and the paragraph right before it belongs to its
//     container and is said there for the first time: the section has
//     gone on with new text and then repeats. A template's copy opens
//     with a repeat, or follows one, and a copy outside the <article>
//     is no repeat of the same article.
//
// dropRepeats still removes such a repeat when the next paragraph
// repeats another long one, so that it opens a copy of several.

// ownRepeat reports whether s, a paragraph of story text, repeats an
// earlier one whose block element has the same parent as the current one
// (its container), or an earlier one of the same <article> right after a
// paragraph of its container said there for the first time.
func (e *emitter) ownRepeat(s string) bool {
	if e.owner == nil {
		return false
	}
	box := e.owner.Parent
	if box == nil {
		box = e.owner
	}
	text := strings.Join(strings.Fields(strings.ToLower(s)), " ")
	if e.seen == nil {
		e.seen = make(map[ownKey]bool)
	}
	own, first := e.seenIn(box, text), true
	if story := enclosingArticle(e.owner); story != nil && story != box {
		again := e.seenIn(story, text)
		own = own || again && e.freshBox == box
		first = !again
	}
	e.freshBox = nil
	if first && !own {
		e.freshBox = box
	}
	return own
}

// seenIn reports whether text was seen before in box, and records it.
func (e *emitter) seenIn(box *html.Node, text string) bool {
	k := ownKey{box, text}
	if e.seen[k] {
		return true
	}
	e.seen[k] = true
	return false
}

// enclosingArticle returns the nearest <article> element around n, or nil.
func enclosingArticle(n *html.Node) *html.Node {
	for ; n != nil; n = n.Parent {
		if n.Type == html.ElementNode && n.DataAtom == atom.Article {
			return n
		}
	}
	return nil
}

// ownKey is a paragraph's text, lower-cased with its white space
// collapsed, in a container.
type ownKey struct {
	box  *html.Node
	text string
}
