package extract

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// The story's header: its meta lines. Blog and news templates set the
// story's title (<h1>) in a <header> element of its own, and beside the
// title, in the same header, the lines about the story rather than of
// it: the writer's name, the date it was posted or updated, a reading
// time, a count of views or likes, a category label, a "Follow" or a
// "Reviewed by" label. Each sits in an element of its own, so no line
// filter sees a byline and its date together ("Ann Roe", "Mar 3",
// "Revised: Apr 11"), and the line-level filters, which read one line
// at a time, keep them.
//
// The evidence is the position: a <header> inside the block that holds
// the <h1> and little text besides (a header, not a wrapper of the whole
// story). Its title stays; of the rest, a short line that is no sentence
// (under storyHeaderMetaMaxRunes of text, not ending in sentence
// punctuation) is a meta line and is not emitted, while a sentence, a
// longer line or a paragraph of four words or more without links (the
// dek that introduces the story, written as a sentence or as a
// headline) stays. Headers are read only where a <header> tag marks
// them: a box of a template's own around a title, taken as a header,
// costs a shop's or a service's page the short lines of its offer.

// storyHeaderMaxRunes is the most text, in non-space runes, a story's
// header holds besides its title: as much as may sit between the title
// and the story for a standfirst (standfirstMaxRunes).
const storyHeaderMaxRunes = standfirstMaxRunes

// storyHeaderMetaMaxRunes is the most text, in non-space runes, of a
// meta line in a story's header: under the least text of a standfirst
// (standfirstMinRunes), so a dek never goes as one.
const storyHeaderMetaMaxRunes = standfirstMinRunes

// shortDekMinWords is the fewest words of a headline-like dek in a
// story's header: more than a label and its value ("Updated: Oct 3").
const shortDekMinWords = 4

// storyHeaderMeta returns the meta lines' elements in the story headers
// (storyHeader) under scope, for the emitter to skip; nil when there is
// none. st is the measure after pruning.
func storyHeaderMeta(scope *html.Node, st map[*html.Node]*stat) map[*html.Node]bool {
	var skip map[*html.Node]bool
	for _, title := range findAll(scope, false, isH1) {
		h := storyHeader(title, scope, st)
		if h == nil {
			continue
		}
		if skip == nil {
			skip = make(map[*html.Node]bool)
		}
		markHeaderMeta(h, title, st, skip)
	}
	return skip
}

// storyHeader returns the header of the story titled by the <h1>
// title: its nearest <header> ancestor under scope, when that holds
// storyHeaderMaxRunes of text or less besides the title; nil otherwise.
// A box of a template's own around the title, set without a <header>
// tag, is not read as one: on a shop's or a service's page the box
// around the name holds the price and the offer's short lines.
func storyHeader(title, scope *html.Node, st map[*html.Node]*stat) *html.Node {
	ts := st[title]
	if ts == nil {
		return nil
	}
	for a := title.Parent; a != nil && a != scope; a = a.Parent {
		if a.DataAtom != atom.Header {
			continue
		}
		if as := st[a]; as != nil && as.text-ts.text <= storyHeaderMaxRunes {
			return a
		}
		return nil
	}
	return nil
}

// markHeaderMeta adds to skip the meta lines among the descendants of
// n, which holds the title heading or is a container without text of
// its own: an element that holds text is a meta line when it is short
// and no sentence (isMetaLine); one that is not is kept whole when it
// has text of its own (a paragraph, whose links are words of it) and
// read child by child when it is a container.
func markHeaderMeta(n, title *html.Node, st map[*html.Node]*stat, skip map[*html.Node]bool) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode || c == title {
			continue
		}
		s := st[c]
		if s == nil || s.text == 0 {
			continue
		}
		switch {
		case contains(c, title):
			markHeaderMeta(c, title, st, skip)
		case isMetaLine(c, s):
			skip[c] = true
		case s.own == 0:
			markHeaderMeta(c, title, st, skip)
		}
	}
}

// isMetaLine reports whether element n, measured s, is a short line
// that ends no sentence: under storyHeaderMetaMaxRunes of text, its last
// character not sentence punctuation, and not a headline-like dek
// (isShortDek).
func isMetaLine(n *html.Node, s *stat) bool {
	if s.text > storyHeaderMetaMaxRunes {
		return false
	}
	t := strings.TrimSpace(textOf(n))
	return !endsSentence(t) && !isShortDek(n, s, t)
}

// isShortDek reports whether element n, measured s, with text t, is a
// dek written as a headline ("Twelve new novels for the spring"): a
// paragraph (<p>) of shortDekMinWords words or more without links. A
// meta line links to the writer's page or is a label and its value
// ("Updated: Oct 3"), a count, a name; a subtitle is a phrase.
func isShortDek(n *html.Node, s *stat, t string) bool {
	return n.DataAtom == atom.P && s.link == 0 && wordCount(t) >= shortDekMinWords
}
