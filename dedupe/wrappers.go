package dedupe

import (
	"fmt"
	"html"
	"math"
	"slices"
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

// wrappers is the two-wrappers routes' last check (doc.go, issue 13,
// category 1), run with the texts, under the read lock, on the
// candidates whose largest block holds the rest of both texts
// (wrappedCopy) or is a shared opening past both headers
// (wrappedOpening), marked wrapCand: the text before the shared text,
// in this text and in the story's (its text from Options.Texts), must be
// a header, not prose (see proseBefore; for a shared opening a headline
// and its lead are prose too). An update or a quoting story that puts a
// story of its own, its headline and paragraphs, before another story's
// paragraphs shares the rest of both as a copy does, but what comes
// before is prose. A candidate whose story's text is not known stays
// refused.
func (ix *Index) wrappers(text string, cands []candidate, sc *scratch) {
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
		other, ok := ix.opts.Texts.Text(ix.id(c.slot))
		if !ok {
			continue
		}
		// The block's first shared shingle is a sampled one: the shared
		// text may start some words before it, at the story's headline.
		// Both texts are at hand, so find where it starts in each.
		qi, sj, found := sharedStart(sc.textTokens(text), sc.storyTokens(other), int(b.posFirst), ix.opts.Shingle)
		if !found {
			continue
		}
		if max(qi, sj) > wrapMaxHeader {
			c.proseIn = "more than " + strconv.Itoa(wrapMaxHeader) + " words precede it, more than a header"
			continue
		}
		if proseBefore(text, qi, c.wrapOpen) {
			c.proseIn = "prose precedes it in this text"
			continue
		}
		if proseBefore(other, sj, c.wrapOpen) {
			c.proseIn = "prose precedes it in the story"
			continue
		}
		c.wrapped, c.aligned, c.dup = true, true, true
	}
}

// sharedGap is the most words sharedStart steps back over, in each
// text, from the start of a shared run to the end of an earlier one: a
// line one copy inserts between paragraphs ("Read more: ...", a photo
// credit) splits the shared text, and the start of the shared text is
// the start of the first run.
const sharedGap = 40

// sharedStart finds where the shared text around the text's word i
// starts: the first occurrence in ts of the shingle words of tq at i,
// then back, word by word, while both texts hold the same word, and on
// back over a gap of at most sharedGap words in each text to an earlier
// shingle both hold, as long as there is one. It returns the word
// offsets of that start in tq and ts, or false when ts does not hold
// the shingle.
func sharedStart(tq, ts []string, i, shingle int) (qi, sj int, ok bool) {
	if i+shingle > len(tq) {
		return 0, 0, false
	}
	j := indexShingle(ts, tq[i:i+shingle], 0, len(ts))
	if j < 0 {
		return 0, 0, false
	}
	for {
		for i > 0 && j > 0 && tq[i-1] == ts[j-1] {
			i, j = i-1, j-1
		}
		// An earlier shingle of tq, within sharedGap words, that ts
		// holds within sharedGap words before j.
		found := false
		for p := i - 1; p >= max(0, i-sharedGap) && !found; p-- {
			if p+shingle > len(tq) {
				continue
			}
			if q := indexShingle(ts, tq[p:p+shingle], max(0, j-sharedGap-shingle), j); q >= 0 {
				i, j, found = p, q, true
			}
		}
		if !found {
			return i, j, true
		}
	}
}

// indexShingle returns the first offset q in [from, to) at which ts holds
// the words of sh, or -1.
func indexShingle(ts, sh []string, from, to int) int {
	for q := from; q < to && q+len(sh) <= len(ts); q++ {
		if slices.Equal(ts[q:q+len(sh)], sh) {
			return q
		}
	}
	return -1
}

// proseBefore reports whether the first words words of text hold prose:
// a line (a paragraph) with two counted sentences or more (sentences of
// sentMinTerms terms, as the second stage counts them; a line holding a
// '|' is furniture, its items are not sentences), or a counted
// sentence on a line of its own right after a headline (see isHeadline:
// a line without a '|' or a final period, then a blank line) that
// shares a word of leadWordRunes letters or more with it and does not
// name it whole (a headline and its lead: a story's lead names what its
// headline names; see isLead). A site's header is
// furniture stacked a line an item: a dateline, a byline, a credit or
// agency note, a partner's headline, each at most one sentence long and
// about the site, not about the line above it; a story's own opening is
// a headline, a lead and then paragraphs of several sentences.
func proseBefore(text string, words int, leads bool) bool {
	if words <= 0 {
		return false
	}
	text = repairMojibake(html.UnescapeString(text))
	return proseLines(text[:wordByte(text, words)], leads)
}

// wordByte returns the byte offset in text where word number n (from 0,
// counting words as Tokens does) starts, or len(text) when text has n
// words or fewer.
func wordByte(text string, n int) int {
	k := 0
	for start := range wordStarts(text) {
		if k == n {
			return start
		}
		k++
	}
	return len(text)
}

// proseLines reports whether prefix, decoded text, holds prose as
// proseBefore defines it.
func proseLines(prefix string, leads bool) bool {
	// prev is the headline before the line, when a blank line followed
	// it; cand the last line, when it may be a headline.
	prev, cand := "", ""
	for len(prefix) > 0 {
		line := prefix
		if i := strings.IndexByte(prefix, '\n'); i >= 0 {
			line, prefix = prefix[:i], prefix[i+1:]
		} else {
			prefix = ""
		}
		if strings.TrimSpace(line) == "" {
			prev, cand = cand, ""
			continue
		}
		counted := 0
		// A line whose items a bar separates is furniture (a menu, a
		// row of partner headlines): its items are not sentences.
		if !strings.ContainsRune(line, '|') && utf8.RuneCountInString(line) >= sentMinTerms*sentTermRunes {
			counted = len(sentenceTerms(line, 2))
			switch counted {
			case 2:
				return true
			case 1:
				if leads && isLead(prev, line) {
					return true
				}
			}
		}
		prev, cand = "", ""
		if isHeadline(line) {
			cand = line
		}
	}
	return false
}

// isHeadline reports whether line may be a headline: it holds no '|'
// (a bar separates the items of a site's furniture) and does not end a
// sentence. A headline also stands as a paragraph of its own, a blank
// line after it (see proseBefore): a site's furniture is stacked a line
// an item, and its lines that name the site, its section, its partners'
// headlines or its writers may share words with the next.
func isHeadline(line string) bool {
	t := strings.TrimSpace(line)
	return !strings.ContainsRune(t, '|') && !strings.HasSuffix(t, ".")
}

// leadWordRunes: the least letters of a word a headline and its lead
// must share (shorter ones are the function words any two lines share).
const leadWordRunes = 5

// isLead reports whether line may be the lead of headline prev: the
// two share a word of leadWordRunes letters or more, case aside, and
// line does not hold every word of prev in order and in a row. A line
// naming the line before it whole (a site's or a writer's name, then
// "Filed by ... for the <site> news desk") is a credit line, not a lead,
// which names what its headline names in words of its own. Each line is
// cut into words once.
func isLead(prev, line string) bool {
	if prev == "" {
		return false
	}
	wp, wl := Tokens(prev), Tokens(line)
	for _, w := range wl {
		if utf8.RuneCountInString(w) >= leadWordRunes && slices.Contains(wp, w) {
			return indexShingle(wl, wp, 0, len(wl)) < 0
		}
	}
	return false
}

// furnitureOwn: each text's most containment in the other for
// sharedFurniture to look at a candidate (a copy, trimmed or not, is
// mostly the other text on one side at least).
const furnitureOwn = 0.9

// sharedFurniture is run with the texts, under the read lock, on the
// candidates judged duplicates whose largest block starts within
// wrapNearWords of both texts' distinctive start while each text is
// mostly its own (containment under furnitureOwn either way): it finds
// the shared opening word for word in both texts and, when it is
// furniture, not prose (see proseBefore, a headline and its lead
// counting as prose), refuses the candidate (issue 13, category 2: a new
// template's header, shared by briefs of different originals, before
// MaxDocFreq stories, a footer or a third story show it is one). A
// story's opening, which an update keeps or a brief abridges, is its
// headline, a lead that names what the headline names and paragraphs of
// several sentences; a copy shares that and more. A candidate whose
// story's text is not known is judged by the index alone.
func (ix *Index) sharedFurniture(text string, cands []candidate, sc *scratch) {
	for k := range cands {
		c := &cands[k]
		b := &c.best
		if !c.dup || c.wrapped || b.qFirst < 0 || b.qFirst == math.MaxInt32 || max(b.qFirst, b.sFirst) > wrapNearWords ||
			c.containQ >= furnitureOwn || c.containS >= furnitureOwn {
			continue
		}
		// This text first: a copy's shared opening is prose, and the
		// story's text need not be read.
		end := int(b.posLast) + ix.opts.Shingle
		if proseBefore(text, end, true) {
			continue
		}
		other, ok := ix.opts.Texts.Text(ix.id(c.slot))
		if !ok {
			continue
		}
		qi, sj, found := sharedStart(sc.textTokens(text), sc.storyTokens(other), int(b.posFirst), ix.opts.Shingle)
		if !found {
			continue
		}
		// The block's span, from the shared start to its last shared
		// shingle, in the story (edits inside it do not end it).
		n := end - qi
		if proseBefore(other, sj+n, true) {
			continue
		}
		c.dup, c.furniture, c.furnitureWords = false, true, n
	}
}

// wrapLeadWords: the fewest words of a verbatim shared lead under two
// wrappers (see wrappedLead); a brief keeps a story's first 45 words or
// more.
const wrapLeadWords = 40

// wrapLeadSame: the least share of the shared text's span, in the text
// that spans fewer words, that both texts hold word for word: a line one
// copy inserts is in the other text's span only, while two stories that
// tell one event in different words share short runs between edits in
// both.
const wrapLeadSame = 0.9

// wrappedLead is run with the texts, under the read lock, on the
// candidates no rule took nor refused as a header, a frame or prose
// before the shared text (the second stage's band, at most secondMax of
// them): a brief of a story's opening under a template's header and
// footer, and a copy of the story under a header of its own, share the
// story's lead word for word, late in both texts, and a brief's lead is
// too short for its sampled shingles to pass any other route (issue 13,
// category 1's briefs). Read in the full texts, from where the shared
// text starts in both (sharedStart) to where it ends (sharedEnd, over
// lines one copy inserts), the candidate is a duplicate when:
//   - the shared text starts past wrapNearWords in one text at least
//     (a header precedes it: two briefs of one template share a header
//     from the start of both, a story that opens with another's lead
//     quotes it at the start of both) and within wrapMaxHeader of both;
//   - both texts hold wrapLeadWords words of it word for word, and at
//     least wrapLeadSame of its span in the text where it spans fewer
//     words, and it holds sentMinRewritten counted sentences (prose, not
//     a template's lines);
//   - what precedes it in both texts is a header, not prose (proseBefore,
//     a headline and its lead counting as prose);
//   - what follows it in one text at least is furniture, not prose (no
//     line of two counted sentences): the shared lead is all of that
//     text's prose. A quoted paragraph or an update's borrowed opening
//     is followed by prose in both.
func (ix *Index) wrappedLead(text string, cands []candidate, sc *scratch) {
	var tq []string
	var dq string
	read := false
	tried := 0
	for k := range cands {
		c := &cands[k]
		b := &c.best
		if c.dup || c.header || c.frame || c.seenHead || c.furniture || c.wrapCand || b.qFirst < 0 || b.qFirst == math.MaxInt32 ||
			c.contain < secondContain || b.shared < secondShared || tried >= secondMax {
			continue
		}
		if !read {
			// The shared text must hold sentMinRewritten counted
			// sentences: a text with fewer is refused without reading
			// any story's text.
			if len(sentenceTerms(text, sentMinRewritten)) < sentMinRewritten {
				return
			}
			tq, read = sc.textTokens(text), true
			dq = repairMojibake(html.UnescapeString(text))
		}
		other, ok := ix.opts.Texts.Text(ix.id(c.slot))
		if !ok {
			continue
		}
		tried++
		ts := sc.storyTokens(other)
		qi, sj, found := sharedStart(tq, ts, int(b.posFirst), ix.opts.Shingle)
		if !found || max(qi, sj) <= wrapNearWords || max(qi, sj) > wrapMaxHeader {
			if found {
				c.wrapLeadWhy = fmt.Sprintf("the shared text starts at %d/%d words (need past %d in one, within %d in both)", qi, sj, wrapNearWords, wrapMaxHeader)
			}
			continue
		}
		qe, se, same := sharedEnd(tq, ts, qi, sj, ix.opts.Shingle)
		if same < wrapLeadWords || float64(same) < wrapLeadSame*float64(min(qe-qi, se-sj)) {
			c.wrapLeadWhy = fmt.Sprintf("%d words word for word over %d/%d (need %d and %.0f%%)", same, qe-qi, se-sj, wrapLeadWords, 100*wrapLeadSame)
			continue
		}
		if len(sentenceTerms(dq[wordByte(dq, qi):wordByte(dq, qe)], sentMinRewritten)) < sentMinRewritten {
			c.wrapLeadWhy = "the shared text holds fewer than 2 counted sentences"
			continue
		}
		ds := repairMojibake(html.UnescapeString(other))
		if proseLines(dq[:wordByte(dq, qi)], true) || proseLines(ds[:wordByte(ds, sj)], true) {
			c.wrapLeadWhy = "prose precedes the shared text"
			continue
		}
		if proseLines(dq[wordByte(dq, qe):], false) && proseLines(ds[wordByte(ds, se):], false) {
			c.wrapLeadWhy = "prose follows the shared text in both"
			continue
		}
		c.dup, c.aligned, c.wrapLead, c.wrapLeadQ, c.wrapLeadS, c.wrapLeadWords = true, true, true, qi, sj, qe-qi
	}
}

// sharedEnd finds where the shared text from the text's word i and the
// story's word j ends: on, word by word, while both texts hold the same
// word, and on over a gap of at most sharedGap words in each text to a
// later shingle both hold (a line one copy inserts, an edited word). It
// returns the word offsets of that end in tq and ts and the words of
// the runs both hold word for word.
func sharedEnd(tq, ts []string, i, j, shingle int) (qe, se, same int) {
	for {
		for i < len(tq) && j < len(ts) && tq[i] == ts[j] {
			i, j, same = i+1, j+1, same+1
		}
		found := false
		for p := i; p <= i+sharedGap && p+shingle <= len(tq) && !found; p++ {
			if q := indexShingle(ts, tq[p:p+shingle], j, j+sharedGap+shingle); q >= 0 {
				i, j, found = p, q, true
			}
		}
		if !found {
			return i, j, same
		}
	}
}
