package dedupe

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// TextSource gives the text a story was added with, by story id. The
// index does not keep texts (doc.go, "Memory layout"); a caller that keeps
// them elsewhere (a store, or memory in an evaluation) sets
// Options.Texts, and Match consults it for the few candidates in the
// near-miss band only (see the Second stage constants and doc.go,
// "Content: the second stage").
//
// Text is called while Match holds the index's read lock: it must not call
// the Index. It must be safe for concurrent use when Match is called
// concurrently. ok is false when the text is not known; the candidate is
// then judged by the index alone.
type TextSource interface {
	Text(id string) (text string, ok bool)
}

// TextFunc adapts a function to TextSource.
type TextFunc func(id string) (string, bool)

// Text calls f. A nil TextFunc knows no text, so a nil function put in
// Options.Texts turns the second stage off as a nil TextSource does.
func (f TextFunc) Text(id string) (string, bool) {
	if f == nil {
		return "", false
	}
	return f(id)
}

// The second stage (alignSentences). A candidate the shingle rules
// refused is checked on the full texts when it is in the near-miss band:
// its largest block holds at least secondContain of the shorter text and
// at least secondShared kept shingles, and it is neither a shared header
// (of either kind) nor a template frame.
// At most secondMax such candidates, by containment, are checked per
// Match.
//
// Both texts are cut into sentences; a sentence's terms are its words of
// at least sentTermRunes letters and its words holding a digit (names,
// numbers, content words; short function words say nothing of a story).
// Sentences with fewer than sentMinTerms terms are skipped. Each sentence
// of the text with fewer sentences is paired with the sentence of the
// other that shares the most terms with it (Dice coefficient); a pair
// aligns at sentPairDice or more; a pair with the same terms is verbatim,
// any other aligned pair rewritten. The text is a rewrite of the story
// when the aligned pairs, in the longest run that keeps the same order in
// both texts (a longest increasing subsequence), number at least
// sentShare of the shorter text's sentences, at least sentMinRewritten of
// them rewritten, and the run's first pair is within sentLead sentences
// of both texts' first counted one. A heavy rewrite leaves some sentences
// as they were, and they count in the run; verbatim pairs alone never
// make a rewrite (a template's sentences, a quoted paragraph, borrowed
// paragraphs: the shingles judge verbatim text). A short rewrite of a
// story's opening may have only two or three sentences beside its site's
// own lines; two rewritten in order from the start are most of it.
//
// A shared lead is a rewrite too, however the texts go on: the shorter
// text's first aligned sentence is the first counted sentence of one text
// and within sentLead of the other's, and from it the pairs follow
// sentence after sentence in both (none skipped in either), at least
// sentMinRewritten of them reworded and at least sentLeadShare of the
// shorter text's sentences. A pair is reworded when a plain word
// (lower-case, without a digit) is in one sentence and not the other: a
// template's lines at the start of two briefs (a dateline, a byline, an
// agency note) differ only in their fields, numbers and capitalised
// words (dates, times, names), and never make a lead. Two copies of one
// original that each keep a different part of it (an abridged brief in a
// new site template, whose lines come before its headline, and an edited
// copy that drops and trims other sentences) share little more than
// their opening sentences, reworded in one. A quoted inner paragraph
// starts late in both texts. A story's opening paragraph quoted right
// after another text's own first sentence starts the run at the story's
// first sentence, as a brief's does after its template's line: it is
// kept apart only when the story is more than twice as long as the
// quoted lead. And
// the two texts may not each have a subject term the other lacks: a term
// in at least subjectMin and at least subjectShare of a text's counted
// sentences names what it is about; reports written to one template about
// other subjects (another town's weather, another company's results)
// share every term but those, one subject swapped for another, where a
// rewrite keeps its subject.
const (
	subjectShare     = 0.8
	subjectMin       = 3
	secondContain    = 0.1
	secondShared     = 2
	secondMax        = 3
	sentTermRunes    = 4
	sentMinTerms     = 7
	sentPairDice     = 0.6
	sentShare        = 0.6
	sentLead         = 3
	sentMinRewritten = 2
	sentLeadShare    = 0.5
)

// sentenceTerms cuts text into sentences and returns each sentence's
// terms as sorted, distinct hashes (FNV-1a, 64 bits, of the lower-cased
// word's runes), skipping sentences with fewer than sentMinTerms terms. A
// sentence ends at '.', '!' or '?' followed by a space or the end, at a
// line break or at '|': a bar separates the items of a site's furniture
// (a menu, a dateline with its time, a row of links), which are short;
// prose does not use it, and the items joined would pass for a sentence.
// The sentences share one array. With limit > 0, it stops after the
// first limit sentences kept.
func sentenceTerms(text string, limit int) [][]uint64 {
	text = repairMojibake(text)
	// flat holds the kept sentences' terms end to end, ends where each
	// ends; the current sentence's terms run from start.
	nflat, nends := len(text)/8+sentMinTerms, len(text)/64+1
	if limit > 0 {
		// A head: a few sentences, not the whole text's terms.
		nflat, nends = min(nflat, 32*limit), min(nends, limit)
	}
	flat := make([]uint64, 0, nflat)
	ends := make([]int, 0, nends)
	start := 0
	closeSentence := func() {
		if cur := flat[start:]; len(cur) >= sentMinTerms {
			slices.Sort(cur)
			if cur = compactTerms(cur); len(cur) >= sentMinTerms {
				flat = flat[:start+len(cur)]
				ends = append(ends, len(flat))
				start = len(flat)
				return
			}
		}
		flat = flat[:start]
	}
	h := uint64(fnvOffset)
	runes, digit, upper := 0, false, false
	for i := 0; i < len(text); {
		var r rune
		if c := text[i]; c < utf8.RuneSelf {
			i++
			// A word's byte, lower-cased, by one load (asciiLower).
			if l := asciiLower[c]; l != 0 {
				if l != c {
					upper = upper || runes == 0
				}
				if l-'0' < 10 {
					digit = true
				}
				h = (h ^ uint64(l)) * fnvPrime
				runes++
				continue
			}
			r = rune(c)
		} else {
			var size int
			r, size = utf8.DecodeRuneInString(text[i:])
			i += size
			if isWord(r) {
				upper = upper || runes == 0 && unicode.IsUpper(r)
				r = unicode.ToLower(r)
				digit = digit || unicode.IsDigit(r)
				h = (h ^ uint64(r)) * fnvPrime
				runes++
				continue
			}
		}
		if runes > 0 {
			if digit || runes >= sentTermRunes {
				flat = append(flat, term(h, digit || upper))
			}
			h, runes, digit, upper = fnvOffset, 0, false, false
		}
		switch r {
		case '\n', '|':
			closeSentence()
		case '.', '!', '?':
			if next, _ := utf8.DecodeRuneInString(text[i:]); i >= len(text) || unicode.IsSpace(next) {
				closeSentence()
			}
		}
		if limit > 0 && len(ends) == limit {
			break
		}
	}
	if limit <= 0 || len(ends) < limit {
		if runes > 0 && (digit || runes >= sentTermRunes) {
			flat = append(flat, term(h, digit || upper))
		}
		closeSentence()
	}
	if len(ends) == 0 {
		return nil
	}
	out := make([][]uint64, len(ends))
	prev := 0
	for k, e := range ends {
		out[k] = flat[prev:e:e]
		prev = e
	}
	return out
}

// A term is a word's hash with its lowest bit replaced by whether the
// word is plain: it starts with a lower-case letter and holds no digit.
// The other words are the fields a site fills in its template lines
// (dates, times, counts, names, a weekday or a month) and sentence
// starts; a reworded sentence changes plain words too (see reworded).
// Terms are compared on the other 63 bits (termKey).
func term(h uint64, field bool) uint64 {
	if field {
		return h &^ 1
	}
	return h | 1
}

// termKey is what terms are compared on.
func termKey(t uint64) uint64 { return t >> 1 }

// compactTerms removes repeated terms from sorted ts, a term plain when
// any of its words is, and returns the shortened slice.
func compactTerms(ts []uint64) []uint64 {
	k := 0
	for _, t := range ts {
		if k > 0 && termKey(ts[k-1]) == termKey(t) {
			ts[k-1] |= t & 1
			continue
		}
		ts[k] = t
		k++
	}
	return ts[:k]
}

// common counts the terms in both sorted slices.
func common(a, b []uint64) int {
	n, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch x, y := termKey(a[i]), termKey(b[j]); {
		case x < y:
			i++
		case x > y:
			j++
		default:
			n++
			i++
			j++
		}
	}
	return n
}

// reworded reports whether a plain word is in one sorted sentence and
// not the other: an aligned pair that differs only in its fields (numbers,
// names, dates, sentence starts) is a template line filled in again, or
// the same sentence, not a rewrite.
func reworded(a, b []uint64) bool {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch x, y := termKey(a[i]), termKey(b[j]); {
		case x < y:
			if a[i]&1 != 0 {
				return true
			}
			i++
		case x > y:
			if b[j]&1 != 0 {
				return true
			}
			j++
		default:
			i++
			j++
		}
	}
	for ; i < len(a); i++ {
		if a[i]&1 != 0 {
			return true
		}
	}
	for ; j < len(b); j++ {
		if b[j]&1 != 0 {
			return true
		}
	}
	return false
}

// Why alignSentences stopped early (sentAlign.stop).
const (
	stopLead      = 1 + iota // no pair near both starts aligns
	stopUnaligned            // too many sentences align with none
	stopFew                  // the text has fewer than sentMinRewritten sentences
	stopHeads                // no pair of both texts' first sentLead+1 sentences aligns
)

// sentAlign is the outcome of alignSentences.
type sentAlign struct {
	ok        bool
	stop      int // why it stopped before the end, 0 when it did not
	compared  int // sentences of the text with fewer compared before it stopped
	unaligned int // of which aligning with none of the other's
	inOrder   int // aligned pairs in the longest same-order run, verbatim ones included
	rewritten int // of which rewritten (not verbatim; in a shared lead, reworded)
	aligned   int // rewritten pairs, in any order
	of        int // counted sentences of the text with fewer
	verbatim  int // its sentences whose terms are all in one of the other's
	// startA and startB: the run's first pair, as sentence indexes in the
	// text with fewer sentences and in the other.
	startA, startB int
	meanDice       float64 // mean Dice of the pairs in the run
	// subjectMissing is set when each text has a subject term that is in
	// no counted sentence of the other (see the Second stage constants).
	subjectMissing bool
	// lead is the length of the shared lead when the pair passed by it
	// (see the Second stage constants), 0 otherwise; inOrder, rewritten,
	// startA and startB then describe the lead.
	lead int
}

// alignSentences is the second stage (see its constants): it pairs each
// sentence of the text with fewer sentences with its best match in the
// other and reports the longest run of aligned pairs in the same order.
// It stops early, with stop set, when the outcome is settled: when no
// pair among the first sentLead+1 sentences of both texts aligns (the run
// cannot start in time), when a shared lead passes (ok, lead set), or when
// more than 1-sentShare of the shorter text's sentences align with none of
// the other's and a shared lead can no longer pass.
func alignSentences(a, b [][]uint64) sentAlign {
	if len(a) > len(b) {
		a, b = b, a
	}
	r := sentAlign{of: len(a)}
	if len(a) == 0 {
		return r
	}
	js := make([]int, 0, len(a))
	is := make([]int, 0, len(a))
	ds := make([]float64, 0, len(a))
	leadPair := false // a pair within sentLead of both starts aligns
	// The shared lead is the first leadLen aligned pairs: open while they
	// follow sentence after sentence in both texts from the shorter
	// text's first aligned one, judged when it closes (at the first
	// break, or the end).
	leadOpen, leadClosed, leadLen, leadRw := false, false, 0, 0
	var lead sentAlign // the shared lead, when one passed (lead.lead > 0)
	closeLead := func() {
		if leadOpen {
			lead = r.sharedLead(a, b, is[:leadLen], js[:leadLen], ds[:leadLen], leadRw)
		}
		leadOpen, leadClosed = false, true
	}
	for i, sa := range a {
		best, bj := 0.0, -1
		for j, sb := range b {
			// Dice reaches sentPairDice only when the shorter holds at
			// least sentPairDice/2 of both sizes' sum.
			if float64(2*min(len(sa), len(sb))) < sentPairDice*float64(len(sa)+len(sb)) {
				continue
			}
			if d := 2 * float64(common(sa, sb)) / float64(len(sa)+len(sb)); d > best {
				best, bj = d, j
			}
		}
		r.compared = i + 1
		if best == 1 {
			r.verbatim++
		}
		if best >= sentPairDice {
			if k := len(js); !leadClosed {
				switch {
				case k == 0 && min(i, bj) == 0 && max(i, bj) <= sentLead,
					leadOpen && i == is[k-1]+1 && bj == js[k-1]+1:
					leadOpen = true
					leadLen++
					if best < 1 && reworded(sa, b[bj]) {
						leadRw++
					}
				default:
					closeLead()
				}
			}
			is = append(is, i)
			js = append(js, bj)
			ds = append(ds, best)
			leadPair = leadPair || i <= sentLead && bj <= sentLead
		} else {
			r.unaligned++
			if leadOpen || len(js) > 0 {
				closeLead()
			}
			// A shared lead may still start at this text's next
			// sentences (with the other's first) while i < sentLead;
			// once one passed, the outcome is settled but the run is
			// still measured, for the reason.
			if float64(len(a)-r.unaligned) < sentShare*float64(len(a)) && lead.lead == 0 && (leadClosed || i >= sentLead) {
				r.stop = stopUnaligned
				break
			}
		}
		if i == sentLead && !leadPair {
			r.stop = stopLead
			break
		}
	}
	if leadOpen {
		closeLead()
	}
	r.aligned = len(js) - r.verbatim
	n := len(js)
	if n == 0 || r.stop != 0 {
		return r
	}
	// Longest strictly increasing subsequence of js, O(n²): n is a
	// text's sentence count. Among runs of one length, the one with more
	// rewritten pairs wins.
	length := make([]int, n)
	nv := make([]int, n)
	sum := make([]float64, n)
	first := make([]int, n) // the run's first pair
	bestK := 0
	rw := func(k int) int {
		if ds[k] < 1 {
			return 1
		}
		return 0
	}
	for k := range n {
		length[k], nv[k], sum[k], first[k] = 1, rw(k), ds[k], k
		for p := range k {
			if js[p] < js[k] && (length[p]+1 > length[k] || length[p]+1 == length[k] && nv[p]+rw(k) > nv[k]) {
				length[k], nv[k], sum[k], first[k] = length[p]+1, nv[p]+rw(k), sum[p]+ds[k], first[p]
			}
		}
		if length[k] > length[bestK] || length[k] == length[bestK] && nv[k] > nv[bestK] {
			bestK = k
		}
	}
	r.inOrder = length[bestK]
	r.rewritten = nv[bestK]
	r.meanDice = sum[bestK] / float64(r.inOrder)
	r.startA, r.startB = is[first[bestK]], js[first[bestK]]
	r.ok = r.rewritten >= sentMinRewritten && float64(r.inOrder) >= sentShare*float64(r.of) &&
		max(r.startA, r.startB) <= sentLead
	if r.ok {
		// The subject check only matters to a pair that passes the rest.
		r.subjectMissing = lacksSubject(a, b) && lacksSubject(b, a)
		r.ok = !r.subjectMissing
	}
	if !r.ok && lead.lead > 0 {
		lead.of, lead.compared, lead.unaligned, lead.verbatim, lead.aligned = r.of, r.compared, r.unaligned, r.verbatim, r.aligned
		return lead
	}
	return r
}

// sharedLead returns the outcome of a shared lead made of the aligned
// pairs is[k], js[k] (Dice ds[k]), reworded of them (see reworded), which
// follow sentence after sentence in a (the text with fewer sentences) and
// b from their first: ok, with lead set, when at least sentMinRewritten of
// them are reworded and
// they number at least sentLeadShare of a's sentences, unless each text
// lacks the other's subject (see lacksSubject; r.subjectMissing is then
// set); the zero sentAlign otherwise.
func (r *sentAlign) sharedLead(a, b [][]uint64, is, js []int, ds []float64, reworded int) sentAlign {
	l := sentAlign{ok: true, lead: len(is), inOrder: len(is), startA: is[0], startB: js[0], rewritten: reworded}
	for _, d := range ds {
		l.meanDice += d
	}
	if l.rewritten < sentMinRewritten || float64(l.lead) < sentLeadShare*float64(len(a)) {
		return sentAlign{}
	}
	if lacksSubject(a, b) && lacksSubject(b, a) {
		r.subjectMissing = true
		return sentAlign{}
	}
	l.meanDice /= float64(len(ds))
	return l
}

// lacksSubject reports whether a has a subject term (one in at least
// subjectMin and subjectShare of its sentences) that is in none of b's
// sentences.
func lacksSubject(a, b [][]uint64) bool {
	need := max(subjectMin, int(math.Ceil(subjectShare*float64(len(a)))))
	if len(a) < need {
		return false
	}
	counts := make(map[uint64]int)
	for _, s := range a {
		for _, t := range s {
			counts[termKey(t)]++
		}
	}
	var inB map[uint64]bool
	for t, n := range counts {
		if n < need {
			continue
		}
		if inB == nil {
			inB = make(map[uint64]bool)
			for _, s := range b {
				for _, u := range s {
					inB[termKey(u)] = true
				}
			}
		}
		if !inB[t] {
			return true
		}
	}
	return false
}

// secondStage runs the second stage on the near-miss candidates of text
// (see the Second stage constants) and marks those whose texts align as
// duplicates. It is called under the read lock.
func (ix *Index) secondStage(text string, cands []candidate) {
	var band []int
	for k := range cands {
		c := &cands[k]
		if c.dup || c.header || c.frame || c.seenHead || c.furniture || c.contain < secondContain || c.best.shared < secondShared {
			continue
		}
		band = append(band, k)
	}
	if len(band) == 0 {
		return
	}
	slices.SortFunc(band, func(x, y int) int {
		if cands[x].contain != cands[y].contain {
			if cands[x].contain > cands[y].contain {
				return -1
			}
			return 1
		}
		return x - y
	})
	band = band[:min(len(band), secondMax)]
	// The run must start within sentLead sentences of both texts'
	// starts: a pair among the first sentLead+1 of each must align, which
	// their heads tell without parsing the rest of either text.
	head := sentenceTerms(text, sentLead+1)
	var mine [][]uint64
	for _, k := range band {
		c := &cands[k]
		if len(head) < sentMinRewritten {
			// No run can be long enough: the story's text is not needed.
			c.second, c.checked = sentAlign{of: len(head), stop: stopFew}, true
			continue
		}
		other, ok := ix.opts.Texts.Text(ix.id(c.slot))
		if !ok {
			continue
		}
		c.checked = true
		if !headsAlign(head, sentenceTerms(other, sentLead+1)) {
			c.second = sentAlign{stop: stopHeads}
			continue
		}
		if mine == nil {
			mine = sentenceTerms(text, 0)
		}
		c.second = alignSentences(mine, sentenceTerms(other, 0))
		if c.second.ok {
			c.dup = true
		}
	}
}

// headsAlign reports whether a sentence of a aligns (Dice sentPairDice or
// more) with one of b.
func headsAlign(a, b [][]uint64) bool {
	for _, sa := range a {
		for _, sb := range b {
			if 2*float64(common(sa, sb)) >= sentPairDice*float64(len(sa)+len(sb)) {
				return true
			}
		}
	}
	return false
}

// reason describes the second stage's finding for Match.Reason.
func (s sentAlign) reason() string {
	var r strings.Builder
	switch s.stop {
	case stopFew:
		r.WriteString("this text has ")
		r.WriteString(strconv.Itoa(s.of))
		r.WriteString(" sentence(s) of ")
		r.WriteString(strconv.Itoa(sentMinTerms))
		r.WriteString(" terms or more, fewer than the ")
		r.WriteString(strconv.Itoa(sentMinRewritten))
		r.WriteString(" a rewrite needs")
		return r.String()
	case stopHeads:
		r.WriteString("none of this text's first ")
		r.WriteString(strconv.Itoa(sentLead + 1))
		r.WriteString(" sentences aligns with one of the story's first ")
		r.WriteString(strconv.Itoa(sentLead + 1))
		return r.String()
	case stopLead:
		r.WriteString("none of the first ")
		r.WriteString(strconv.Itoa(s.compared))
		r.WriteString(" sentences of the shorter text (")
		r.WriteString(strconv.Itoa(s.of))
		r.WriteString(" sentences) aligns with one of the other's first ")
		r.WriteString(strconv.Itoa(sentLead + 1))
		return r.String()
	case stopUnaligned:
		r.WriteString(strconv.Itoa(s.unaligned))
		r.WriteString(" of the first ")
		r.WriteString(strconv.Itoa(s.compared))
		r.WriteString(" sentences of the shorter text (")
		r.WriteString(strconv.Itoa(s.of))
		r.WriteString(" sentences) align with none of the other's, more than ")
		r.WriteString(strconv.FormatFloat(100*(1-sentShare), 'f', 0, 64))
		r.WriteString("% of it")
		return r.String()
	}
	if s.lead > 0 {
		r.WriteString("a shared lead: sentences ")
		writeSpan(&r, s.startA, s.lead)
		r.WriteString(" of the shorter text (")
		r.WriteString(strconv.Itoa(s.of))
		r.WriteString(" sentences) align one after another with sentences ")
		writeSpan(&r, s.startB, s.lead)
		r.WriteString(" of the other, ")
		r.WriteString(strconv.Itoa(s.rewritten))
		r.WriteString(" of them rewritten, mean term overlap ")
		r.WriteString(strconv.FormatFloat(s.meanDice, 'f', 2, 64))
		return r.String()
	}
	r.WriteString(strconv.Itoa(s.inOrder))
	r.WriteString(" of ")
	r.WriteString(strconv.Itoa(s.of))
	r.WriteString(" sentences of the shorter text align in order, ")
	r.WriteString(strconv.Itoa(s.rewritten))
	r.WriteString(" of them rewritten (")
	r.WriteString(strconv.Itoa(s.aligned))
	r.WriteString(" rewritten in any order, ")
	r.WriteString(strconv.Itoa(s.verbatim))
	r.WriteString(" verbatim), mean term overlap ")
	r.WriteString(strconv.FormatFloat(s.meanDice, 'f', 2, 64))
	if s.subjectMissing {
		r.WriteString(", but each text has a term most of its sentences hold that the other lacks (another subject)")
	}
	if s.inOrder > 0 {
		r.WriteString(", from sentence ")
		r.WriteString(strconv.Itoa(s.startA + 1))
		r.WriteByte('/')
		r.WriteString(strconv.Itoa(s.startB + 1))
	}
	return r.String()
}

// writeSpan writes the 1-based span of n sentences from index start, as
// "first-last".
func writeSpan(r *strings.Builder, start, n int) {
	r.WriteString(strconv.Itoa(start + 1))
	r.WriteByte('-')
	r.WriteString(strconv.Itoa(start + n))
}
