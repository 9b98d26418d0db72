package extract

import (
	"golang.org/x/net/html"
)

// A thread's opening post. A question-and-answer page or a forum thread
// marks its opening post with schema.org microdata (an element whose
// itemtype is Question or DiscussionForumPosting: the question, the
// topic's first post). The replies often hold more text than the opening
// post, so the scored block can be the container of the replies alone,
// with the question set beside it; the thread then reads as answers to
// nothing. When the page marks exactly one opening post and the blocks
// chosen do not hold it, the block becomes the opening post's element
// when that holds the blocks (a Question item wrapping its answers, a
// forum posting wrapping its replies), else the nearest element holding
// both, unless the element taken is mostly links.

// openingMaxLinks is the link density over which the element holding
// both the opening post and the replies is a page's frame (menus,
// related threads) rather than the thread.
const openingMaxLinks = 0.35

// openingTypes are the schema.org types of a thread's opening post.
var openingTypes = []string{"question", "discussionforumposting"}

// openingPost returns the page's one element marked as a thread's
// opening post (see above), or nil when there is none or more than one.
func openingPost(body *html.Node) *html.Node {
	found := findAll(body, false, func(n *html.Node) bool { return itemTypeIs(n, openingTypes...) })
	if len(found) != 1 {
		return nil
	}
	return found[0]
}

// withOpening returns blocks, or the nearest element holding both them
// and the page's opening post when they leave it out (see above).
func withOpening(body *html.Node, blocks []*html.Node, st map[*html.Node]*stat) []*html.Node {
	if len(blocks) == 0 {
		return blocks
	}
	op := openingPost(body)
	if op == nil || op.Parent == nil || st[op] == nil || st[op].good() == 0 {
		return blocks
	}
	inside := 0
	for _, b := range blocks {
		if contains(b, op) {
			return blocks
		}
		if contains(op, b) {
			inside++
		}
	}
	if inside == len(blocks) {
		if st[op].linkDensity() > openingMaxLinks {
			return blocks
		}
		return []*html.Node{op}
	}
	if inside > 0 {
		return blocks
	}
	var both *html.Node
	for a := op.Parent; a != nil && a != body; a = a.Parent {
		all := true
		for _, b := range blocks {
			if !contains(a, b) {
				all = false
				break
			}
		}
		if all {
			both = a
			break
		}
	}
	if both == nil || st[both] == nil || st[both].linkDensity() > openingMaxLinks {
		return blocks
	}
	return []*html.Node{both}
}
