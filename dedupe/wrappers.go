package dedupe

import (
	"html"
	"strconv"
	"strings"
	"unicode/utf8"
)

// wrapMaxHeader is the most words before the shared text, in either
// text, that the two-wrappers route takes for a header: a site's header
// (datelines, bylines, credit notes, partner links) is a few dozen words
// to a hundred or so; more than this before the shared text is a text
// of its own.
const wrapMaxHeader = 160

// wrappers is the two-wrappers route's last check (doc.go, issue 13,
// category 1), run with the texts, under the read lock, on the
// candidates whose largest block holds the rest of both texts
// (wrapCand): the text before the shared text, in this text and in the
// story's (its text from Options.Texts), must be a header, not prose
// (see proseBefore). An update or a quoting story that puts a story of
// its own, its headline and paragraphs, before another story's
// paragraphs shares the rest of both as a copy does, but what comes
// before is prose. A candidate whose story's text is not known stays
// refused.
func (ix *Index) wrappers(text string, cands []candidate) {
	for k := range cands {
		c := &cands[k]
		if !c.wrapCand {
			continue
		}
		b := &c.best
		if max(b.qFirst, b.sFirst) > wrapMaxHeader {
			c.proseIn = "more than " + strconv.Itoa(wrapMaxHeader) + " words precede it, more than a header"
			continue
		}
		if proseBefore(text, int(b.posFirst)) {
			c.proseIn = "prose precedes it in this text"
			continue
		}
		other, ok := ix.opts.Texts.Text(ix.id(c.slot))
		if !ok {
			continue
		}
		if proseBefore(other, b.sFirst) {
			c.proseIn = "prose precedes it in the story"
			continue
		}
		c.wrapped, c.aligned, c.dup = true, true, true
	}
}

// proseBefore reports whether the first words words of text hold prose:
// a line (a paragraph) with two counted sentences or more (sentences of
// sentMinTerms terms, as the second stage counts them). A site's header
// is furniture stacked a line an item: a dateline, a byline, a credit or
// agency note, a partner's headline, each at most one sentence long; a
// story's own opening has a headline and a lead, and then paragraphs of
// several sentences. A story whose lead is its only paragraph before
// the shared text is not told from a header here; the other text, which
// then holds the paragraphs, is.
func proseBefore(text string, words int) bool {
	if words <= 0 {
		return false
	}
	text = repairMojibake(html.UnescapeString(text))
	// Find the byte where word number words starts, counting words as
	// Tokens does.
	n, in, end := 0, false, len(text)
	for i, r := range text {
		w := isWord(r)
		if w && !in {
			if n == words {
				end = i
				break
			}
			n++
		}
		in = w
	}
	prefix := text[:end]
	for len(prefix) > 0 {
		line := prefix
		if i := strings.IndexByte(prefix, '\n'); i >= 0 {
			line, prefix = prefix[:i], prefix[i+1:]
		} else {
			prefix = ""
		}
		if utf8.RuneCountInString(line) < 2*sentMinTerms*sentTermRunes {
			continue // too short to hold two counted sentences
		}
		if len(sentenceTerms(line, 2)) >= 2 {
			return true
		}
	}
	return false
}
