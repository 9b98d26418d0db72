package extract

import (
	"strings"

	"golang.org/x/net/html"
)

// Remarks on a question-and-answer page. Such a page (schema.org
// QAPage) marks its question as a Question and its replies as Answer
// items, and the short notes readers leave under the question and under
// each answer as Comment items inside them. The answers are the thread;
// the notes ("what version are you on?", "this worked, thanks") are
// remarks on a post, as comments under an article are, and are removed
// before the page is read. A forum that marks its replies as Comment
// items (no Answer items on the page) keeps them.

// remarkHolders are the schema.org types of posts whose schema.org
// Comment items are remarks on the post: a question's or an answer's
// comments, where the answers are the thread's replies.
var remarkHolders = []string{"question", "answer"}

// itemTypeIs reports whether n is a microdata item of one of types
// (lower-case schema.org names).
func itemTypeIs(n *html.Node, types ...string) bool {
	if n.Type != html.ElementNode || !hasAttr(n, "itemscope") {
		return false
	}
	t := strings.ToLower(strings.TrimRight(strings.TrimSpace(getAttr(n, "itemtype")), "/"))
	for _, o := range types {
		if strings.HasSuffix(t, "/"+o) {
			return true
		}
	}
	return false
}

// dropRemarks removes, on a page holding schema.org Answer items, the
// schema.org Comment items set inside a Question or an Answer: remarks
// on a post ("does not work for me", "see also"), where the answers are
// the replies. It returns how many it removed.
func dropRemarks(body *html.Node) int {
	if len(findAll(body, false, func(n *html.Node) bool { return itemTypeIs(n, "answer") })) == 0 {
		return 0
	}
	var remarks []*html.Node
	for _, post := range findAll(body, true, func(n *html.Node) bool { return itemTypeIs(n, remarkHolders...) }) {
		remarks = append(remarks, findAll(post, false, func(n *html.Node) bool { return itemTypeIs(n, "comment") })...)
	}
	k := 0
	for _, r := range remarks {
		if r.Parent != nil {
			r.Parent.RemoveChild(r)
			k++
		}
	}
	return k
}
