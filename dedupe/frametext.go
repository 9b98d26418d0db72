package dedupe

import (
	"fmt"
	"iter"
	"unicode/utf8"
)

// A template frame read in the texts (textFrames): the text's first
// shared shingle lies within frameTextNear words of both texts'
// distinctive start; the header and the footer both texts hold word for
// word are at least frameTextEdge words each; each text holds at least
// frameTextOwn words of its own between them; and the two bodies share
// at most frameTextShare of the shorter one's Shingle-word runs. The
// texts are read only when a shared footer ends the text or the shorter
// text is at most frameTextShort estimated words (a header and a footer
// of wrapMaxHeader words each).
const (
	frameTextNear  = 36
	frameTextEdge  = 8
	frameTextOwn   = 20
	frameTextShare = 0.1
	frameTextShort = 2 * wrapMaxHeader
)

// textFrames is run with the texts, under the read lock, last, on the
// candidates judged duplicates whose first shared shingle lies within
// frameTextNear words of both texts' distinctive start and after whose
// last shared shingle the text holds nothing the story could share
// (toEnd: a shared footer ends the text) or whose shorter text is at
// most frameTextShort words (issue 13, category 6): briefs of different
// originals in one new template share its header and its footer around
// short bodies of their own. A body of a few sampled shingles splits
// neither the shared text into blocks nor, estimated, into a frame (see
// framed), so the frame holds most of each brief and passes the
// containment threshold; and a site's footer that its other sections'
// stories made boilerplate leaves a header that passes for an update's
// shared opening. Read in the full texts (see readFrame), the two start
// with the same header and end with the same footer, and the bodies
// between them share no run of words: the candidate is refused. A copy
// shares its body, edited or not, a trimmed copy or an update shares no
// footer past its body, and a copy under another site's wrapper shares
// neither the header nor the footer. A candidate whose story's text is
// not known is judged by the index alone.
func (ix *Index) textFrames(text string, cands []candidate) {
	for k := range cands {
		c := &cands[k]
		if !c.dup || !c.toEnd && min(c.nq, c.ns) > frameTextShort || max(c.firstOffQ, c.firstOffS) > frameTextNear {
			continue
		}
		other, ok := ix.opts.Texts.Text(ix.id(c.slot))
		if !ok {
			continue
		}
		f, ok := readFrame(text, other, ix.opts.Shingle)
		if !ok {
			continue
		}
		c.dup, c.textFrame, c.frameAt = false, true, f
	}
}

// frameText is a frame found in two texts: the words of the shared
// header and of the shared footer, each text's words between them (its
// body), and the Shingle-word runs the bodies share.
type frameText struct {
	head, foot   int32
	qBody, sBody int32
	shared       int32
}

func (f frameText) String() string {
	return fmt.Sprintf("a header of %d words, a footer of %d, bodies of %d/%d words sharing %d runs",
		f.head, f.foot, f.qBody, f.sBody, f.shared)
}

// readFrame finds a frame in text q and the story's text s: the text
// both start with (the header) and the text both end with (the footer),
// each at least frameTextEdge words, cut at a word's start. It reports
// the frame when each text holds frameTextOwn words or more between the
// two (its body) and the bodies share at most frameTextShare of the
// shorter one's runs of shingle words.
func readFrame(q, s string, shingle int) (frameText, bool) {
	var f frameText
	n := min(len(q), len(s))
	p := 0
	for p < n && q[p] == s[p] {
		p++
	}
	p = wordCut(q, p)
	head := countWords(q[:p])
	if head < frameTextEdge {
		return f, false
	}
	e := 0
	for e < n-p && q[len(q)-1-e] == s[len(s)-1-e] {
		e++
	}
	e = len(q) - wordEnd(q, len(q)-e)
	foot := countWords(q[len(q)-e:])
	if foot < frameTextEdge {
		return f, false
	}
	tq, ts := Tokens(q[p:len(q)-e]), Tokens(s[p:len(s)-e])
	if len(tq) < frameTextOwn || len(ts) < frameTextOwn {
		return f, false
	}
	shared := sharedRuns(tq, ts, shingle)
	runs := min(len(tq), len(ts)) - shingle + 1
	f = frameText{head: int32(head), foot: int32(foot), qBody: int32(len(tq)), sBody: int32(len(ts)), shared: int32(shared)}
	return f, float64(shared) <= frameTextShare*float64(runs)
}

// wordCut moves byte offset i of text back to the start of the word it
// falls in (a shared prefix may end inside a word).
func wordCut(text string, i int) int {
	for i > 0 && i < len(text) && isWordByte(text[i]) && isWordByte(text[i-1]) {
		i--
	}
	return i
}

// wordEnd moves byte offset i of text on to the end of the word it
// falls in (a shared suffix may start inside a word).
func wordEnd(text string, i int) int {
	for i > 0 && i < len(text) && isWordByte(text[i]) && isWordByte(text[i-1]) {
		i++
	}
	return i
}

// isWordByte reports whether byte c is part of a word: an ASCII letter,
// digit or '_', or any byte of a multi-byte character (a letter, as far
// as cutting at a word's edge goes).
func isWordByte(c byte) bool {
	return c >= utf8.RuneSelf || isWord(rune(c))
}

// countWords counts the words of text as Tokens cuts them, without
// building them.
func countWords(text string) int {
	n := 0
	for range wordStarts(text) {
		n++
	}
	return n
}

// wordStarts yields the byte offset in text where each word starts,
// cutting words as Tokens does: ASCII by table, the rest rune by rune.
func wordStarts(text string) iter.Seq[int] {
	return func(yield func(int) bool) {
		in := false
		for i := 0; i < len(text); {
			start := i
			var w bool
			if c := text[i]; c < utf8.RuneSelf {
				w = asciiWord[c]
				i++
			} else {
				r, size := utf8.DecodeRuneInString(text[i:])
				w = isWord(r)
				i += size
			}
			if w && !in && !yield(start) {
				return
			}
			in = w
		}
	}
}

// sharedRuns counts the runs of shingle words of a also found in b.
func sharedRuns(a, b []string, shingle int) int {
	if len(a) < shingle || len(b) < shingle {
		return 0
	}
	in := make(map[uint64]struct{}, len(b)-shingle+1)
	for i := 0; i+shingle <= len(b); i++ {
		in[runHash(b[i:i+shingle])] = struct{}{}
	}
	n := 0
	for i := 0; i+shingle <= len(a); i++ {
		if _, ok := in[runHash(a[i:i+shingle])]; ok {
			n++
		}
	}
	return n
}

// runHash is the 64-bit FNV-1a hash of words ws, a space after each.
func runHash(ws []string) uint64 {
	h := uint64(14695981039346656037)
	for _, w := range ws {
		for i := 0; i < len(w); i++ {
			h = (h ^ uint64(w[i])) * 1099511628211
		}
		h = (h ^ ' ') * 1099511628211
	}
	return h
}
