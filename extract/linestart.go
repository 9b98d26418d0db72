package extract

import (
	"strings"

	"golang.org/x/net/html"
)

// opensLine reports whether x, read up to line, the block element its
// text is written in, starts a line of its own: at each level from x up
// to line, what comes before it is a block element (a heading, a
// paragraph, a <div>) or nothing, white space aside. A browser breaks
// the line after a block, so a link set right after a heading, outside
// it, sits on a line of its own although no element of its own wraps it
// (<div><h2>Plan your week</h2><a>Start free</a></div>); a link after
// words of the sentence it ends does not.
func opensLine(x, line *html.Node) bool {
	for at := x; at != nil && at != line; at = at.Parent {
		for k := at.PrevSibling; k != nil; k = k.PrevSibling {
			if k.Type == html.TextNode && strings.TrimSpace(k.Data) == "" || k.Type == html.CommentNode {
				continue
			}
			if k.Type == html.ElementNode && blockTags[k.DataAtom] {
				return true
			}
			return false
		}
	}
	return true
}
