package extract

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Member profiles beside forum posts. Many forum templates set, beside
// each post, a definition list about its writer: the name as the term
// (<dt>), and as definitions (<dd>) a rank, the number of posts, the
// date they joined, a location ("Posts: 4,032", "Joined: Mon Jul 24,
// 2017"). The same box comes with every post, so a thread of twenty posts
// carries twenty of them, interleaved with what people wrote. The name
// stays (readers quote the thread by who said what); the definitions
// are the template's figures about the member, not the thread, and are
// not emitted.
//
// The evidence is structural: a <dl> whose definitions are all short
// lines, one of them a label and its count on one line ("Posts: 212"),
// repeated postProfileMinSeen times or more on the page. A glossary or
// a list of a function's parameters defines terms in sentences; a
// product's specifications put the label in the term and the figure in
// the definition; neither holds a "Label: count" definition in every
// one of three lists.

// postProfileMinSeen is how many member profiles make a thread's
// template: three posts, as for furnitureMinSeen.
const postProfileMinSeen = furnitureMinSeen

// postProfileMaxWords is the most words a profile's definition holds
// ("Location: Ashcombe", "Joined: Tue Mar 3, 2020 8:15 am").
const postProfileMaxWords = 8

// postProfileDefinitions returns the definitions (<dd>) of the member
// profiles (isPostProfile) under block when it holds postProfileMinSeen
// or more, for the emitter to skip; nil otherwise. Each profile's term,
// the member's name, stays. They are skipped rather than pruned, so
// that the page is measured and classified as it is: a thread whose
// profiles were cut holds a larger share of link text (the names, the
// posts' linked titles) and may read as a listing.
func postProfileDefinitions(block *html.Node) map[*html.Node]bool {
	profiles := findAll(block, false, isPostProfile)
	if len(profiles) < postProfileMinSeen {
		return nil
	}
	defs := make(map[*html.Node]bool, 4*len(profiles))
	for _, dl := range profiles {
		for c := dl.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode && c.DataAtom == atom.Dd {
				defs[c] = true
			}
		}
	}
	return defs
}

// isPostProfile reports whether n is a <dl> whose definitions (two or
// more) are each postProfileMaxWords words or fewer and one of which is
// a label with its count (isCountLine).
func isPostProfile(n *html.Node) bool {
	if n.DataAtom != atom.Dl {
		return false
	}
	defs, counted := 0, false
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode || c.DataAtom != atom.Dd {
			continue
		}
		t := strings.TrimSpace(textOf(c))
		if wordCount(t) > postProfileMaxWords {
			return false
		}
		defs++
		counted = counted || isCountLine(t)
	}
	return defs >= 2 && counted
}

// isCountLine reports whether s is a short label, one to three words of
// letters, a colon and a figure, nothing else: "Posts: 4,032".
func isCountLine(s string) bool {
	label, figure, ok := strings.Cut(s, ":")
	if !ok {
		return false
	}
	label, figure = strings.TrimSpace(label), strings.TrimSpace(figure)
	if label == "" || wordCount(label) > 3 || figure == "" {
		return false
	}
	for _, r := range label {
		if !(r == ' ' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r > 0x7f) {
			return false
		}
	}
	if figure[0] < '0' || figure[0] > '9' {
		return false
	}
	for _, r := range figure {
		if !(r >= '0' && r <= '9' || r == ',' || r == '.' || r == ' ') {
			return false
		}
	}
	return true
}
