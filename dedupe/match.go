package dedupe

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/feedsift/feedsift/internal/story"
)

// Blocks. The text's kept shingles shared with a story form blocks: a
// block ends where a run of the text's distinctive shingles not shared with
// the story is at least gapLimit long (estimated, in shingles) and the
// story also moves on by at least blockGapStory times that run between the
// two shared shingles around it (or one of them is a member's, without an
// offset). gapLimit is blockGapShare of the shorter text's estimated
// distinctive length, at least blockGapMin and at most blockGap body
// samples. The run counts the text's shingles the story could have shared
// (see unsharedRun). Containment and the shared count are taken on the
// largest block; alignment on the largest block or, when all blocks
// together hold most of the shorter text, on the first (alignAllContain).
//
// A copy shares one stretch of text: edits or a paragraph inserted in one
// text only do not split it (the other text does not move on). Briefs that
// share only a new template's header and footer around different bodies
// share two blocks, each a small part of either text, the footer starting
// late in both.
const (
	blockGap      = 6
	blockGapMin   = 24
	blockGapShare = 0.3
	blockGapStory = 0.5
)

// alignAllContain: when the largest block starts late, the text is still
// aligned with the story when its first block (of at least leadMin shared
// shingles) passes the alignment check and all blocks together hold at
// least this share of the shorter text (a copy whose lead was broken by
// edits). A quoted paragraph or a borrowed opening holds much less; a new
// template's header and footer around different bodies reach it only when
// the template outweighs the bodies (issue 13, category 6: a template is
// recognised once MaxDocFreq stories hold it).
const alignAllContain = 0.6

// The shared opening (sharedOpening): the least span of the block, in
// words, its least containment, and the least share of the text's
// shingles over its span that it holds.
const (
	sharedOpeningWords   = 56
	sharedOpeningContain = 0.1
	sharedOpeningDense   = 0.6
)

// A shared header (headerOnly): each text's least containment for the
// block to be more than a header, and the least share of the opening
// sample shingles of the block's span that it holds.
const (
	headerOwn   = 0.5
	headerDense = 0.8
)

// A header seen in a third story (seenHeader): the least share of the
// largest block's estimated shingles that another story holds as well.
const seenShare = 0.8

// A template frame (framed): the least text of its own each text must
// hold between two shared stretches (at least frameOwnMin words and
// frameOwn of the shorter text's estimated distinctive length), the most
// words the shared stretch before it (the header) and after it (the
// footer) may span, and the least share of the text's estimated
// distinctive shingles over each that the shared ones must hold (word for
// word).
const (
	frameOwn     = 0.2
	frameOwnMin  = 48
	frameSpanMax = 100
	frameDense   = 0.8
)

// The sparse lead (sparseLead): the near-start route with a single shared
// shingle in the lead, when the largest block spans at least this share
// of the shorter text's estimated distinctive length. A re-spun copy
// (words swapped every few words) keeps few 5-word runs in its first
// sentences, but its shared stretch runs through most of the text; a
// quoted paragraph or a template header is one short stretch.
const sparseLeadSpread = 0.5

// Two wrappers (wrappedCopy): the least share of the rest of each text,
// from the largest block's start to its end, that the block must hold,
// and the least containment of each text in the other. A copy under two
// wrappers (each text its own long header, issue 13, category 1) shares
// everything after its header with the other; a quoted paragraph or a
// borrowed one is a small part of what follows it in at least one text,
// and of either text as a whole.
const (
	wrapRest = 0.7
	wrapOwn  = 0.5
)

// The rewrite route (rewritten): least containment and least span of the
// block as a share of the shorter text's estimated distinctive length.
const (
	rewriteContain = 0.25
	rewriteSpread  = 0.3
)

// unsharedRun estimates the text's distinctive shingles, from its kept
// shingle from to the one before to, that a story with sketch cut tau and
// body weight wb could have shared: the opening sample in the text's
// opening (weight wz) and, past it, the body sample within the cut (weight
// wb). A long story keeps only the smallest hashes of its body sample, so
// the text's body shingles past its cut say nothing about a gap; counting
// them would split a long copy of the story into blocks at random.
func unsharedRun(dpos, dh []uint32, dbody []bool, from, to int, tau uint32, wz, wb float64) float64 {
	run := 0.0
	for j := from; j < to; j++ {
		switch {
		case int(dpos[j]-dpos[0]) < openingWords:
			run += wz
		case dbody[j] && dh[j] <= tau:
			run += wb
		}
	}
	return run
}

// closeBlock ends the candidate's current block, keeping the largest, the
// first with offsets and at least minShared shared shingles, and the mass
// of all.
func (c *candidate) closeBlock(minShared int) {
	if c.cur.mass > c.best.mass {
		c.best = c.cur
	}
	if c.first.qFirst < 0 && c.cur.qFirst >= 0 && c.cur.shared >= minShared {
		c.first = c.cur
	}
	c.total += c.cur.mass
	c.cur = block{qFirst: -1, sFirst: math.MaxInt}
}

// block is a run of the text's kept shingles shared with one story,
// split where an estimated gapLimit shingles in a row of the text are not
// shared.
type block struct {
	mass float64 // estimated shared shingles
	// seen: the part of mass held by another story as well (a text
	// shared by three stories)
	seen     float64
	shared   int    // shared kept shingles, opening or body sample
	qFirst   int    // words from the text's distinctive start to the block's first shingle
	sFirst   int    // least offset in the story of a shingle of the block
	posFirst uint32 // word offsets in the text of the first and last shared shingle
	posLast  uint32
	lead     int // shared shingles in the text's first leadQueryWords words and the story's first leadStoryWords
	leadWrap int // shared shingles in the text's first leadQueryWords words from the block's start
	qSkip    int // body-sample shingles of the text before the block
	// iFirst and iLast index the first and last shared shingle with an
	// offset in the text's distinctive shingles.
	iFirst, iLast int
}

type candidate struct {
	slot     uint32
	cur      block
	best     block // the largest block
	first    block // the first block with offsets and leadMin shared, qFirst -1 when none
	total    float64
	last     int // index in the text's distinctive shingles of the last shared one
	lastSo   int // its offset in the story, -1 when a member's
	gapLimit float64
	wb       float64 // weight of a body-sample shingle
	nq, ns   float64 // estimated distinctive shingles of the text and the story
	containQ float64 // shared / |query|
	containS float64 // shared / |story|
	contain  float64
	// containAll is the containment of all blocks together, at most 1.
	containAll float64
	jaccard    float64
	aligned    bool
	// alignedFirst: aligned on the first block, not the largest.
	alignedFirst bool
	// sparse: aligned on the largest block by the near-start route with
	// one shared shingle in the lead (see sparseLead).
	sparse bool
	// wrapCand: the largest block passes every check but alignment and
	// holds the rest of both texts (see wrappedCopy); wrapped: the text
	// before it in both is a header, not prose (see wrappers), so the
	// candidate is aligned and a duplicate by that route; proseIn says
	// what refused it when it is not.
	// restQ and restS are the shares of the rest of the text and of the
	// story that the block holds.
	wrapCand, wrapped bool
	// wrapOpen: the candidate is one by wrappedOpening, not wrappedCopy.
	wrapOpen bool
	// wrapLead: a duplicate by wrappedLead, a verbatim lead of
	// wrapLeadWords words from words wrapLeadQ/wrapLeadS under two
	// wrappers.
	wrapLead                            bool
	wrapLeadQ, wrapLeadS, wrapLeadWords int
	// wrapLeadWhy: what refused a candidate wrappedLead read, or "".
	wrapLeadWhy string
	// furniture: refused as a shared opening that is furniture, not
	// prose (see sharedFurniture), over furnitureWords words.
	furniture      bool
	furnitureWords int
	proseIn        string
	restQ, restS   float64
	// opening: the largest block is the opening of both texts, at least
	// sharedOpeningWords long (see sharedOpening).
	opening bool
	// rewrite: passes the lower rewrite threshold (see rewritten).
	rewrite bool
	// header: the largest block is a shared header only (see headerOnly).
	header bool
	// Frame tracking (see trackGap and framed): the text index and story
	// offset of the last shared shingle with an offset (lastOffI -1
	// before the first), the text's and story's word offsets of the first,
	// and the widest gap between two of them in which both texts hold
	// text of their own (the least of the two texts' own words).
	lastOffI, lastOffS   int
	firstOffQ, firstOffS int
	ownGap               float64
	// gapFrom and gapTo: the text's word offsets of the shared shingles
	// around the widest gap.
	gapFrom, gapTo uint32
	// lastOffPos: the text's word offset of the last shared shingle with
	// an offset; firstOffPos of the first.
	firstOffPos, lastOffPos uint32
	// firstOffI: the text index of the first shared shingle with an
	// offset; offMass their estimated shared shingles; gapToI is the index
	// of the one ending the widest gap, headMass the mass before it,
	// headDense whether that holds frameDense of the text's estimated
	// distinctive shingles from the first to the gap (word for word).
	firstOffI, gapToI int
	offMass, headMass float64
	headDense         bool
	// frame: the shared text is a template's frame around different
	// bodies (see framed); textFrame: the texts show one (see
	// textFrames), frameAt where.
	// toEnd: the text holds no distinctive shingle the story could
	// share after the last shared one with an offset (less than one
	// body sample's weight: a shared footer ends it).
	frame, textFrame, toEnd bool
	frameAt                 frameText
	// seenHead: the largest block is a header another story holds too
	// (see seenHeader).
	seenHead bool
	update   bool
	dup      bool // passes every check
	// checked: the second stage compared the full texts (second holds
	// what it found); a duplicate by it alone when dup and !first.
	checked bool
	second  sentAlign
}

// Match decides whether text is a near-copy of a story in the index. It
// does not modify the index.
func (ix *Index) Match(text string) Match {
	hs, pos := ix.shingles(text)
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.match(hs, pos, text)
}

// query is the text being matched as the phases of match see it: its
// distinctive kept shingles (doc.go: not boilerplate, from its first such
// one on) in text order.
type query struct {
	// Word offsets, hashes and samples (body or opening only) of the
	// distinctive kept shingles, with their postings all[ends[i-1]:ends[i]].
	dpos  []uint32
	dh    []uint32
	dbody []bool
	ends  []int
	all   []uint32
	// qZone counts the distinctive opening-sample shingles in the text's
	// first openingWords words; qBody holds the hashes of its distinctive
	// body-sample shingles past them.
	qZone int
	qBody []uint32
	// wz is the weight of an opening-sample shingle; before[i] and
	// nbody[i] are the estimated distinctive shingles and the body-sample
	// shingles of the text before its i-th distinctive kept one.
	wz            float64
	before, nbody []int32
}

// match decides on the text's kept shingles hs (word offsets pos, with
// bodyBit) under ix's read lock, in five phases: gather the postings of its
// distinctive shingles and the candidate stories, weigh them, cut each
// candidate's shared shingles into blocks, score each candidate (the
// alignment rule among its checks; scored runs these four), then rank
// the candidates and report the best (verdict).
func (ix *Index) match(hs, pos []uint32, text string) Match {
	m := Match{Method: "content"}
	sc := ix.getScratch()
	cands, why := ix.scored(hs, pos, sc)
	defer ix.putScratch(sc, cands)
	if why != "" {
		m.Reason = why
		return m
	}
	if ix.opts.Texts != nil {
		ix.wrappers(text, cands, sc)
		ix.sharedFurniture(text, cands, sc)
		ix.wrappedLead(text, cands, sc)
		ix.secondStage(text, cands)
		ix.textFrames(text, cands)
	}
	ix.rank(cands)
	return ix.verdict(m, cands)
}

// scratch holds the buffers of one match, kept in Index.scratch (a
// sync.Pool) between calls so that a Match allocates little: the phases'
// shingle buffers (see scored), the candidates, the slot-to-candidate
// map and the token buffers of the phases that read texts (see tokens).
type scratch struct {
	buf    []uint32
	dbody  []bool
	ends   []int
	counts []int32
	cands  []candidate
	where  map[uint32]int
	// tq holds the text's tokens once cut (text is the text they are
	// of), ts the last story text's; tsMax is the most ts has held in
	// this match, cleared on the way back to the pool so that no text
	// is kept alive by it.
	text  string
	tq    []string
	tqCut bool
	ts    []string
	tsMax int
}

// textTokens returns the tokens of the text being matched, cut once in
// a match however many phases read it.
func (sc *scratch) textTokens(text string) []string {
	if !sc.tqCut || sc.text != text {
		clear(sc.tq)
		sc.tq, sc.text, sc.tqCut = appendTokens(sc.tq[:0], text), text, true
	}
	return sc.tq
}

// storyTokens returns the tokens of a story's text, in a buffer that the
// next call overwrites: a phase reads one story at a time.
func (sc *scratch) storyTokens(other string) []string {
	sc.ts = appendTokens(sc.ts[:0], other)
	sc.tsMax = max(sc.tsMax, len(sc.ts))
	return sc.ts
}

// scratchMaxTokens bounds the token buffers a pooled scratch keeps, as
// scratchMaxWhere the map: one very long text should not hold memory for
// every later match.
const scratchMaxTokens = 1 << 14

// scratchMaxWhere bounds the map a pooled scratch keeps: clearing a map
// costs its size, and one long text's candidates should not slow every
// later match.
const scratchMaxWhere = 1 << 12

func (ix *Index) getScratch() *scratch {
	if sc, ok := ix.scratch.Get().(*scratch); ok {
		return sc
	}
	return &scratch{where: make(map[uint32]int)}
}

// putScratch returns sc to the pool, with cands (which may have outgrown
// sc.cands) as its candidate buffer. Nothing of a Match may point into
// it.
func (ix *Index) putScratch(sc *scratch, cands []candidate) {
	if cap(cands) > cap(sc.cands) {
		sc.cands = cands
	}
	sc.cands = sc.cands[:0]
	clear(sc.tq)
	clear(sc.ts[:sc.tsMax])
	sc.text, sc.tq, sc.tqCut, sc.ts, sc.tsMax = "", sc.tq[:0], false, sc.ts[:0], 0
	if cap(sc.tq) > scratchMaxTokens {
		sc.tq = nil
	}
	if cap(sc.ts) > scratchMaxTokens {
		sc.ts = nil
	}
	if len(sc.where) > scratchMaxWhere {
		sc.where = make(map[uint32]int)
	} else {
		clear(sc.where)
	}
	ix.scratch.Put(sc)
}

// grow returns b with length n, reusing its array when it is large
// enough; the contents are not kept.
func grow[T any](b []T, n int) []T {
	if cap(b) < n {
		return make([]T, n)
	}
	return b[:n]
}

// scored runs match's first four phases on the text's kept shingles hs
// (word offsets pos, with bodyBit) under ix's read lock and returns the
// scored candidates, unranked, or, when there is nothing to score, the
// reason why.
func (ix *Index) scored(hs, pos []uint32, sc *scratch) (cands []candidate, why string) {
	// The buffers are taken from sc here and handed to the phases. The
	// uint32 ones share one array, each capped (three-index slices) so
	// that none runs into the next. Only all can outgrow its capacity (a
	// shingle's postings are looked up before boilerplate is dropped;
	// append then moves it); qBody holds at most the text's body-sample
	// shingles. Every buffer is written before it is read.
	nb := 0
	for _, p := range pos {
		if p&bodyBit != 0 {
			nb++
		}
	}
	n := len(hs)
	sc.buf = grow(sc.buf, 4*n+nb)
	sc.dbody = grow(sc.dbody, n)
	sc.ends = grow(sc.ends, n)
	buf := sc.buf
	q := query{
		dpos:  buf[0:0:n],
		dh:    buf[n : n : 2*n],
		dbody: sc.dbody[:0],
		ends:  sc.ends[:0],
		all:   buf[2*n : 2*n : 4*n],
		qBody: buf[4*n : 4*n : 4*n+nb],
	}
	where := sc.where
	q, cands = ix.gather(q, hs, pos, where, sc.cands[:0])
	if len(q.dpos) < ix.opts.MinShared {
		return cands, fmt.Sprintf("content: text too short or all boilerplate (%d distinctive %d-word shingles kept, need %d)",
			len(q.dpos), ix.opts.Shingle, ix.opts.MinShared)
	}
	if len(cands) == 0 {
		return cands, "content: no story shares a distinctive shingle"
	}
	sc.counts = grow(sc.counts, 2*(len(q.dpos)+1))
	counts := sc.counts
	counts[0], counts[len(q.dpos)+1] = 0, 0 // before[0] and nbody[0]; weigh fills the rest
	q.before, q.nbody = counts[:len(q.dpos)+1], counts[len(q.dpos)+1:]
	ix.weigh(&q, cands)
	ix.blocks(&q, cands, where)
	for k := range cands {
		ix.score(&q, &cands[k])
	}
	return cands, ""
}

// gather is match's first phase: it looks up the postings of the text's
// kept shingles hs (word offsets pos), drops boilerplate ones (held by
// MaxDocFreq stories or more), appends the distinctive ones to q's
// buffers and returns q and a candidate for each story holding any of
// them (appended to cands, empty); where (empty) maps a story slot to the
// index of its candidate.
func (ix *Index) gather(q query, hs, pos []uint32, where map[uint32]int, cands []candidate) (query, []candidate) {
	maxDF := ix.opts.MaxDocFreq
	// The lookups first, alone: each reads the posting arrays where its
	// hash falls, likely a cache miss, and a loop of nothing else lets
	// the processor run several at once. q.dpos holds the indexes in hs
	// of the distinctive shingles until the second loop puts their
	// offsets in their place.
	for i, h := range hs {
		n0 := len(q.all)
		q.all = ix.lookup(h, q.all)
		if len(q.all)-n0 >= maxDF {
			q.all = q.all[:n0]
			continue
		}
		q.dpos = append(q.dpos, uint32(i))
		q.ends = append(q.ends, len(q.all))
	}
	n0 := 0
	for k, n1 := range q.ends {
		i := q.dpos[k]
		h := hs[i]
		p := pos[i] &^ bodyBit
		if k == 0 || int(p-q.dpos[0]) < openingWords {
			q.qZone++
		} else if pos[i]&bodyBit != 0 {
			q.qBody = append(q.qBody, h)
		}
		q.dpos[k] = p
		q.dh = append(q.dh, h)
		q.dbody = append(q.dbody, pos[i]&bodyBit != 0)
		for _, w := range q.all[n0:n1] {
			s := sofSlot(w)
			if _, ok := where[s]; !ok {
				where[s] = len(cands)
				cands = append(cands, candidate{slot: s})
			}
		}
		n0 = n1
	}
	return q, cands
}

// weigh is match's second phase. Sizes and the intersection are
// estimated by weighting each sampled shingle by the inverse of its
// sampling rate (doc.go, "Content: the decision"): the opening sample in
// the openings, the body sample (within the story's sketch cut) past
// them. weigh fills q.before and q.nbody (made with one more element than
// the text's distinctive shingles) counting the same way, sorts q.qBody,
// and sets each candidate's body weight, the estimated distinctive sizes
// of the text and the story, its gap limit and empty blocks.
func (ix *Index) weigh(q *query, cands []candidate) {
	q.wz = float64(ix.open)
	for i, p := range q.dbody {
		q.before[i+1] = q.before[i]
		q.nbody[i+1] = q.nbody[i]
		if p {
			q.nbody[i+1]++
		}
		switch {
		case int(q.dpos[i]-q.dpos[0]) < openingWords:
			q.before[i+1] += int32(ix.open)
		case p:
			q.before[i+1] += int32(ix.opts.Sample)
		}
	}
	slices.Sort(q.qBody)
	for k := range cands {
		c := &cands[k]
		c.wb = float64(ix.opts.Sample) * (1 << 32) / (float64(ix.tau[c.slot]) + 1)
		c.last = -1
		c.lastOffI = -1
		nqb := len(q.qBody)
		if t := ix.tau[c.slot]; t != math.MaxUint32 {
			nqb, _ = slices.BinarySearch(q.qBody, t+1)
		}
		c.nq = q.wz*float64(q.qZone) + c.wb*float64(nqb)
		c.ns = q.wz*float64(int(ix.nZone[c.slot])-int(ix.boilZ[c.slot])) + c.wb*float64(int(ix.nBody[c.slot])-int(ix.boilB[c.slot]))
		c.gapLimit = min(blockGap*c.wb, max(blockGapMin, blockGapShare*min(c.nq, c.ns)))
		c.cur = block{qFirst: -1, sFirst: math.MaxInt}
		c.first = block{qFirst: -1}
	}
}

// blocks is match's third phase: it walks the text's distinctive
// shingles in order and adds each posting to its candidate's current
// block, closing the block first where the gap since the candidate's last
// shared shingle ends it (endsBlock). The last block of each candidate is
// left open. A member's posting counts in a block's mass and shared count
// only, it has no offset.
func (ix *Index) blocks(q *query, cands []candidate, where map[uint32]int) {
	start := 0
	for i, end := range q.ends {
		qo := int(q.dpos[i] - q.dpos[0])
		// Held by two stories or more: another story besides any one
		// candidate holds it (a story and its member's posting are one).
		multi := false
		if end-start >= 2 {
			s0 := sofSlot(q.all[start])
			for _, w := range q.all[start+1 : end] {
				if sofSlot(w) != s0 {
					multi = true
					break
				}
			}
		}
		for _, w := range q.all[start:end] {
			c := &cands[where[sofSlot(w)]]
			so := -1
			if w&0xff != offMember {
				so = offWords(w)
			}
			if c.last >= 0 && ix.endsBlock(q, c, i, so) {
				c.closeBlock(ix.leadMin)
			}
			c.last, c.lastSo = i, so
			b := &c.cur
			wm := c.wb
			if inOpening(w) {
				wm = q.wz
			}
			b.mass += wm
			if multi {
				b.seen += wm
			}
			b.shared++
			if w&0xff == offMember {
				continue
			}
			wt := c.wb
			if inOpening(w) {
				wt = q.wz
			}
			ix.trackGap(q, c, i, qo, so, wt)
			if b.qFirst < 0 {
				b.qFirst = qo
				b.posFirst = q.dpos[i]
				b.qSkip = int(q.nbody[i])
				b.iFirst = i
			}
			b.posLast = q.dpos[i]
			b.iLast = i
			b.sFirst = min(b.sFirst, so)
			if qo < ix.leadQ && so < ix.leadS {
				b.lead++
			}
			if qo-b.qFirst < ix.leadQ && so < wrapFarWords+ix.leadS {
				b.leadWrap++
			}
		}
		start = end
	}
}

// endsBlock reports whether the text's i-th distinctive shingle, shared
// with c's story at offset so (-1 for a member's), starts a new block: the
// run of the text's shingles since c's last shared one, not shared with
// the story, is at least c.gapLimit and the story moves on by at least
// blockGapStory times that run between the two (or either is a member's).
// See the Blocks constants and doc.go.
func (ix *Index) endsBlock(q *query, c *candidate, i, so int) bool {
	run := float64(q.before[i] - q.before[c.last+1])
	// Past a long story's sketch cut, count only what it could share;
	// run*wb/Sample bounds that count, so the exact one is needed only
	// when the bound reaches the limit.
	if t := ix.tau[c.slot]; t != math.MaxUint32 && run*c.wb/float64(ix.opts.Sample) >= c.gapLimit {
		run = unsharedRun(q.dpos, q.dh, q.dbody, c.last+1, i, t, q.wz, c.wb)
	}
	return run >= c.gapLimit && (so < 0 || c.lastSo < 0 || float64(so-c.lastSo) >= run*blockGapStory)
}

// trackGap records, for the text's i-th distinctive shingle (qo words
// from its distinctive start) shared with c's story at offset so, the
// first shared shingle with an offset and the widest gap since the last
// one in which both texts hold text of their own (see framed). Blocks
// do not decide it: a short body between a template's header and footer
// does not split them into two blocks.
func (ix *Index) trackGap(q *query, c *candidate, i, qo, so int, wt float64) {
	if c.lastOffI < 0 {
		c.firstOffI = i
		c.firstOffQ, c.firstOffS = qo, so
		c.firstOffPos = q.dpos[i]
	} else if i > c.lastOffI && so > c.lastOffS {
		run := float64(q.before[i] - q.before[c.lastOffI+1])
		if t := ix.tau[c.slot]; t != math.MaxUint32 && run > 0 {
			run = unsharedRun(q.dpos, q.dh, q.dbody, c.lastOffI+1, i, t, q.wz, c.wb)
		}
		// The story's own words between the two: how far it moves on less
		// the shared words the text moves on by (its move less its own
		// run). A long story keeps a sparse sample of its body, so its
		// move alone would count shared text it did not sample.
		storyOwn := float64(so-c.lastOffS) - (float64(q.dpos[i]-q.dpos[c.lastOffI]) - run)
		if g := min(run, storyOwn); g > c.ownGap {
			c.ownGap = g
			c.gapFrom, c.gapTo = q.dpos[c.lastOffI], q.dpos[i]
			c.gapToI, c.headMass = i, c.offMass
			c.headDense = c.offMass >= frameDense*float64(q.before[c.lastOffI+1]-q.before[c.firstOffI])
		}
	}
	c.lastOffI, c.lastOffS = i, so
	c.lastOffPos = q.dpos[i]
	c.offMass += wt
}

// framed: the text and c's story share a template's frame around
// different bodies (issue 13, category 6: briefs of different originals
// in one new template, before MaxDocFreq stories make it boilerplate):
// their shared text starts within wrapNearWords of both texts'
// distinctive start; then, at the widest gap between two shared
// shingles, each text holds at least frameOwnMin words and frameOwn of
// the shorter text of its own (the text's estimated unshared shingles;
// the story's words less the shared ones the text moves on by) before
// they share text again; and the shared stretches before the gap (the
// header) and after it (the footer) each span at most frameSpanMax words
// and are word for word (frameDense). A copy shares its body without a
// gap of its own in both (an inserted paragraph or quote is in one text
// only), a trimmed copy stops where the story goes on, an update that
// keeps a story's opening and appends other text shares nothing after
// it, a copy under the same long header shares a header that runs on
// into the shared body (longer than frameSpanMax), and a heavy rewrite
// is not word for word on both sides of a gap. The frame refuses the
// candidate whatever route it would pass, and the second stage does not
// read it.
func (ix *Index) framed(q *query, c *candidate) bool {
	if c.lastOffI < 0 || max(c.firstOffQ, c.firstOffS) > wrapNearWords || c.ownGap < max(frameOwnMin, frameOwn*min(c.nq, c.ns)) {
		return false
	}
	head := int(c.gapFrom-c.firstOffPos) + ix.opts.Shingle
	tail := int(c.lastOffPos-c.gapTo) + ix.opts.Shingle
	tailDense := c.offMass-c.headMass >= frameDense*float64(q.before[c.lastOffI+1]-q.before[c.gapToI])
	return head <= frameSpanMax && tail <= frameSpanMax && c.headDense && tailDense
}

// score is match's fourth phase for one candidate: it closes c's last
// block, estimates containment and Jaccard on the largest block, and
// judges alignment (the alignment rule), update and duplicate (doc.go,
// "Content: the decision").
func (ix *Index) score(q *query, c *candidate) {
	c.closeBlock(ix.leadMin)
	inter := c.best.mass
	b := &c.best
	if b.qFirst < 0 { // members' shingles only
		b.qFirst, b.sFirst = math.MaxInt32, math.MaxInt32
	}
	c.nq, c.ns = max(c.nq, inter, 1), max(c.ns, inter, 1)
	c.containQ = inter / c.nq
	c.containS = inter / c.ns
	c.contain = inter / min(c.nq, c.ns)
	c.jaccard = inter / (c.nq + c.ns - inter)
	far := max(b.qFirst, b.sFirst)
	c.containAll = min(c.total/min(c.nq, c.ns), 1)
	c.aligned, c.alignedFirst = ix.alignment(q, c)
	c.update = c.containS >= updateStory && c.containQ <= updateQuery && far <= updateAlignWords
	c.opening = ix.sharedOpening(q, c)
	c.rewrite = ix.rewritten(c)
	c.header = ix.headerOnly(c)
	c.frame = ix.framed(q, c)
	c.toEnd = c.lastOffI >= 0 && int(q.before[len(q.dpos)]-q.before[c.lastOffI+1]) < ix.opts.Sample
	c.seenHead = ix.seenHeader(c)
	c.dup = b.shared >= ix.opts.MinShared && !c.header && !c.frame && !c.seenHead && (c.contain >= ix.opts.Threshold && c.aligned || c.opening || c.rewrite)
	if !c.dup && !c.aligned && b.shared >= ix.opts.MinShared && !c.header && !c.frame && !c.seenHead {
		switch {
		case c.contain >= ix.opts.Threshold && ix.wrappedCopy(q, c):
			c.wrapCand = true
		case ix.wrappedOpening(q, c):
			c.wrapCand, c.wrapOpen = true, true
		}
	}
}

// seenHeader: the largest block starts within wrapNearWords of both
// texts' distinctive start, at least seenShare of it is held by another
// story as well, and each text holds mostly text of its own (containment
// under headerOwn either way): a new template's header (of any length)
// over different bodies, seen in a third story before MaxDocFreq stories
// make it boilerplate (issue 13, category 6). A copy holds mostly the
// story's text, even when an earlier copy of it (a story of its own, the
// cluster split) holds the same text.
func (ix *Index) seenHeader(c *candidate) bool {
	b := &c.best
	return max(b.qFirst, b.sFirst) <= wrapNearWords && b.seen >= seenShare*b.mass &&
		c.containQ < headerOwn && c.containS < headerOwn
}

// headerOnly: the largest block is a short opening that both texts
// start with word for word (every opening-sample shingle of its span
// shared), shorter than sharedOpeningWords, and each text holds mostly
// text of its own (containment under headerOwn either way): a new
// template's header over different bodies before MaxDocFreq stories
// make it boilerplate (issue 13, category 6).
func (ix *Index) headerOnly(c *candidate) bool {
	b := &c.best
	if max(b.qFirst, b.sFirst) > wrapNearWords || c.containQ >= headerOwn || c.containS >= headerOwn {
		return false
	}
	span := int(b.posLast-b.posFirst) + ix.opts.Shingle
	return span < sharedOpeningWords && float64(b.shared*ix.open) >= headerDense*float64(span)
}

// rewritten: a heavy rewrite (words replaced, sentences dropped, the text
// trimmed and padded with its own) keeps few 5-word runs of the story, in
// stretches from near the start of both (issue 13, category 7). A
// block that starts within alignNearWords of both texts' distinctive
// start, passes the lead check, and spans at least rewriteSpread of the
// shorter text is a copy from rewriteContain on. A quoted paragraph or a
// template header is usually one short stretch of the text (a quote that
// is a quarter of a short text, near its start, is not told apart).
func (ix *Index) rewritten(c *candidate) bool {
	b := &c.best
	if c.contain < rewriteContain || max(b.qFirst, b.sFirst) > ix.alignN || b.lead < ix.leadMin {
		return false
	}
	span := float64(b.posLast-b.posFirst) + float64(ix.opts.Shingle)
	return span >= rewriteSpread*min(c.nq, c.ns)
}

// sharedOpening: a text whose largest block with a story starts at the
// start of one text (within wrapNearWords words of its distinctive start)
// and near the start of the other (within alignNearWords: an own header),
// spans at least sharedOpeningWords of the text and is word for word
// (it holds at least sharedOpeningDense of the text's estimated
// distinctive shingles over its span) shares the story's opening and is a
// version of it however the two go on (issue 13, category 5: an update
// that keeps a story's first paragraphs and appends others, or the story
// when it arrives after such an update). A quoted paragraph starts late in
// the quoting text; a template header shared by different briefs is
// shorter, and once MaxDocFreq stories hold it, boilerplate; two stories
// that share scattered phrases over their openings are not word for word.
// The block must still hold sharedOpeningContain of the shorter text.
func (ix *Index) sharedOpening(q *query, c *candidate) bool {
	b := &c.best
	if !(min(b.qFirst, b.sFirst) <= wrapNearWords && max(b.qFirst, b.sFirst) <= ix.alignN &&
		int(b.posLast-b.posFirst)+ix.opts.Shingle >= sharedOpeningWords &&
		c.contain >= sharedOpeningContain) {
		return false
	}
	// Word for word: the block holds most of the text's estimated
	// distinctive shingles over its span.
	within := float64(q.before[b.iLast+1] - q.before[b.iFirst])
	return b.mass >= sharedOpeningDense*within
}

// alignment is the alignment rule of doc.go ("Content: the decision"):
// the text is aligned with c's story when its largest block starts near
// the start of both texts (alignedAt) or, when all blocks together hold
// at least alignAllContain of the shorter text (c.containAll, set before),
// when its first block with offsets and leadMin shared shingles does
// (onFirst: a copy whose lead was broken by edits). A quote of an inner
// paragraph, or an update that copies a story's opening after paragraphs
// of its own, starts late in both and is not aligned.
func (ix *Index) alignment(q *query, c *candidate) (aligned, onFirst bool) {
	if ix.alignedAt(&c.best) {
		return true, false
	}
	if ix.sparseLead(c) {
		c.sparse = true
		return true, false
	}
	if c.first.qFirst >= 0 && c.containAll >= alignAllContain && ix.alignedAt(&c.first) {
		return true, true
	}
	return false, false
}

// sparseLead: the largest block passes the near-start route (doc.go)
// with one shared shingle, not leadMin, in the text's first leadQueryWords
// words and the story's first leadStoryWords, and spans at least
// sparseLeadSpread of the shorter text's estimated distinctive length: a
// copy re-spun in its first sentences whose shared text still runs
// through most of it (issue 13, re-spins). A quote or a header is one
// short stretch and still needs leadMin.
func (ix *Index) sparseLead(c *candidate) bool {
	b := &c.best
	near, far := min(b.qFirst, b.sFirst), max(b.qFirst, b.sFirst)
	if b.lead < 1 || near > ix.alignN || far > ix.alignF {
		return false
	}
	span := float64(b.posLast-b.posFirst) + float64(ix.opts.Shingle)
	return span >= sparseLeadSpread*min(c.nq, c.ns)
}

// wrappedCopy: the largest block, wherever it starts, holds at least
// wrapRest of the rest of both texts (from where it starts in each to
// the end) and each text is at least wrapOwn in the other: two copies of
// one story, each under a long header of its own (issue 13, category 1).
// Shared text starts late in both, so no other route aligns them, but
// it then runs to the end of both. A quoted paragraph or a borrowed
// opening is a small part of what follows it in one text or the other,
// and of each text; a template's header is shared from the start of
// both, then each goes on with a body of its own.
//
// The rest of the text is its estimated distinctive shingles from the
// block's first (what the story could share, as c.nq counts them); the
// rest of the story is its estimated distinctive shingles less the
// words before the block's least offset in it (one shingle a word).
func (ix *Index) wrappedCopy(q *query, c *candidate) bool {
	b := &c.best
	if b.qFirst < 0 || b.qFirst == math.MaxInt32 || c.containQ < wrapOwn || c.containS < wrapOwn {
		return false
	}
	before := float64(q.before[b.iFirst])
	if t := ix.tau[c.slot]; t != math.MaxUint32 {
		before = unsharedRun(q.dpos, q.dh, q.dbody, 0, b.iFirst, t, q.wz, c.wb)
	}
	restQ := c.nq - before
	restS := c.ns - float64(b.sFirst)
	if restQ <= 0 || restS <= 0 {
		return false
	}
	c.restQ, c.restS = min(b.mass/restQ, 1), min(b.mass/restS, 1)
	return c.restQ >= wrapRest && c.restS >= wrapRest
}

// wrappedOpening: the largest block starts past wrapNearWords in both
// texts, spans at least sharedOpeningWords, is word for word (as
// sharedOpening) and holds sharedOpeningContain of the shorter text: the
// shared opening of a story and an abridged copy of it (a brief), each
// under a header of its own (issue 13, category 1). wrappers then asks
// that what precedes the block in both be a header.
func (ix *Index) wrappedOpening(q *query, c *candidate) bool {
	b := &c.best
	if b.qFirst < 0 || b.qFirst == math.MaxInt32 || min(b.qFirst, b.sFirst) <= wrapNearWords ||
		int(b.posLast-b.posFirst)+ix.opts.Shingle < sharedOpeningWords || c.contain < sharedOpeningContain {
		return false
	}
	within := float64(q.before[b.iLast+1] - q.before[b.iFirst])
	return b.mass >= sharedOpeningDense*within
}

// rank sorts the candidates best first. The best is the story the text
// is a copy of that shares the largest block with it, if any (a small
// story that the text merely contains in full does not hide the one it
// copies); else the story with the best containment. Ties go to more
// shared shingles, then Jaccard, then the smaller story id.
func (ix *Index) rank(cands []candidate) {
	slices.SortFunc(cands, func(a, b candidate) int {
		if a.dup != b.dup {
			if a.dup {
				return -1
			}
			return 1
		}
		if a.dup {
			if c := cmp.Compare(b.best.mass, a.best.mass); c != 0 {
				return c
			}
		}
		if c := cmp.Compare(b.contain, a.contain); c != 0 {
			return c
		}
		if c := cmp.Compare(b.best.shared, a.best.shared); c != 0 {
			return c
		}
		if c := cmp.Compare(b.jaccard, a.jaccard); c != 0 {
			return c
		}
		return cmp.Compare(ix.id(a.slot), ix.id(b.slot))
	})
}

// verdict is match's last phase: it fills m from the best of the ranked
// candidates (story, estimates, span, duplicate and update, reason) and
// lists as related, up to maxRelated, the others (all of them when the
// best is not a duplicate) whose containment reaches RelatedThreshold.
func (ix *Index) verdict(m Match, cands []candidate) Match {
	best := cands[0]
	m.StoryID = ix.id(best.slot)
	m.Similarity = best.jaccard
	m.Containment = best.contain
	m.Shared = best.best.shared
	if best.best.qFirst != math.MaxInt32 {
		m.SpanStart, m.SpanEnd = int(best.best.posFirst), int(best.best.posLast)+ix.opts.Shingle
	}
	m.Duplicate = best.dup
	m.Update = m.Duplicate && best.update
	m.Reason = ix.reason(m, best)
	rest := cands
	if m.Duplicate {
		rest = cands[1:]
	}
	for _, c := range rest {
		if len(m.Related) == maxRelated {
			break
		}
		if c.contain < ix.opts.RelatedThreshold {
			continue
		}
		m.Related = append(m.Related, story.Related{StoryID: ix.id(c.slot), Similarity: c.contain})
	}
	return m
}

// alignedAt reports whether the shared text of block b starts near the
// start of both texts, by one of the two routes of doc.go ("near start"
// and "own header"). alignment says which block it is asked about.
func (ix *Index) alignedAt(b *block) bool {
	near, far := min(b.qFirst, b.sFirst), max(b.qFirst, b.sFirst)
	return near <= ix.alignN && far <= ix.alignF && b.lead >= ix.leadMin ||
		(near <= wrapNearWords || b.sFirst >= openingWords && b.qSkip == 0 && b.qFirst <= ix.opts.Sample*3/2) && far <= wrapFarWords && b.leadWrap >= ix.leadMin
}

func (ix *Index) reason(m Match, c candidate) string {
	o := ix.opts
	b := c.best
	verdict := "not a copy of"
	if m.Duplicate {
		verdict = "copy of"
	}
	starts := fmt.Sprintf("starts %d/%d words", b.qFirst, b.sFirst)
	if b.qFirst == math.MaxInt32 {
		starts = "members' shingles only, no offsets"
	}
	if c.sparse {
		starts += fmt.Sprintf("; one shared shingle in the lead, the shared text spreading over %d words (at least %.0f%% of the shorter text)",
			int(b.posLast-b.posFirst)+o.Shingle, 100*sparseLeadSpread)
	}
	if c.wrapped && c.wrapOpen {
		starts += fmt.Sprintf("; a shared opening under two wrappers: %d words word for word from where each text's header ends",
			int(b.posLast-b.posFirst)+o.Shingle)
	} else if c.wrapped {
		starts += fmt.Sprintf("; a copy under two wrappers: the shared text holds %.0f%% of the rest of this text and %.0f%% of the story's from where it starts (at least %.0f%%)",
			100*c.restQ, 100*c.restS, 100*wrapRest)
	}
	if c.wrapLead {
		starts += fmt.Sprintf("; a lead under two wrappers: %d words word for word from where each text's header ends (%d/%d words), prose, and what follows it in one text furniture",
			c.wrapLeadWords, c.wrapLeadQ, c.wrapLeadS)
	}
	if c.alignedFirst {
		starts += fmt.Sprintf("; aligned on the first shared block, which starts %d/%d words, all blocks holding %.0f%% of the shorter text",
			c.first.qFirst, c.first.sFirst, 100*c.containAll)
	}
	shape := ""
	switch {
	case m.Duplicate && c.checked && c.second.ok:
		shape = "; a rewrite by the second stage: " + c.second.reason()
	case !m.Duplicate:
		var why []string
		if c.contain < o.Threshold {
			why = append(why, "containment below threshold")
		}
		if b.shared < o.MinShared {
			why = append(why, fmt.Sprintf("too few shared (need %d)", o.MinShared))
		}
		if c.header {
			why = append(why, fmt.Sprintf("a shared header only: both texts open with the same %d words, then each is mostly its own", m.SpanEnd-m.SpanStart))
		}
		if c.seenHead {
			why = append(why, fmt.Sprintf("a header seen in another story: both texts open with the same %d words, %.0f%% of them held by another story as well, then each is mostly its own",
				m.SpanEnd-m.SpanStart, 100*c.best.seen/c.best.mass))
		}
		if c.frame {
			why = append(why, fmt.Sprintf("a template frame: both texts open with the same text (%d/%d words in, up to word %d of this text), then each holds %.0f words or more of its own (at least %d and %.0f%% of the shorter text) before they share text again from word %d to %d (a fixed header and footer around different bodies)",
				c.firstOffQ, c.firstOffS, c.gapFrom+uint32(ix.opts.Shingle), c.ownGap, frameOwnMin, 100*frameOwn, c.gapTo, c.lastOffPos+uint32(ix.opts.Shingle)))
		}
		if c.textFrame {
			why = append(why, fmt.Sprintf("a template frame read in the texts: the same header and footer around bodies of their own (%s; at most %.0f%% of the shorter body's runs, a fixed header and footer around different bodies)",
				c.frameAt, 100*frameTextShare))
		}
		if c.furniture {
			why = append(why, fmt.Sprintf("a shared header: both texts open with the same %d words, furniture (no paragraph of sentences, no headline and its lead), then each is mostly its own",
				c.furnitureWords))
		}
		if c.wrapCand && c.proseIn != "" {
			if c.wrapOpen {
				why = append(why, fmt.Sprintf("two wrappers: a shared opening of %d words past both texts' starts, but %s",
					int(b.posLast-b.posFirst)+o.Shingle, c.proseIn))
			} else {
				why = append(why, fmt.Sprintf("two wrappers: the shared text holds %.0f%% of the rest of this text and %.0f%% of the story's, but %s",
					100*c.restQ, 100*c.restS, c.proseIn))
			}
		}

		if c.wrapLeadWhy != "" {
			why = append(why, "a lead under two wrappers: "+c.wrapLeadWhy)
		}
		if !c.aligned {
			if b.qFirst == math.MaxInt32 {
				why = append(why, "alignment: no offsets to check")
			} else if near, far := min(b.qFirst, b.sFirst), max(b.qFirst, b.sFirst); near <= ix.alignN && far <= ix.alignF && b.lead < ix.leadMin {
				why = append(why, fmt.Sprintf("alignment: the shared text starts near the start of both (%d/%d words) but only %d shared shingle(s) lie in this text's first %d words and the story's first %d (need %d)",
					b.qFirst, b.sFirst, b.lead, ix.leadQ, ix.leadS, ix.leadMin))
			} else {
				why = append(why, fmt.Sprintf("alignment: shared text starts late (%d words into this text, %d into the story)", b.qFirst, b.sFirst))
			}
		}
		switch {
		case c.checked && c.second.stop != 0:
			why = append(why, "second stage: "+c.second.reason())
		case c.checked:
			why = append(why, "second stage: only "+c.second.reason()+" (need "+strconv.FormatFloat(100*sentShare, 'f', 0, 64)+"%, "+strconv.Itoa(sentMinRewritten)+" of them rewritten, or a shared lead from the start: "+strconv.Itoa(sentMinRewritten)+" reworded sentences in a row, half of the shorter text)")
		}
		if len(why) > 0 {
			shape = "; failed: " + strings.Join(why, ", ")
		}
	case c.opening && !(c.contain >= o.Threshold && c.aligned):
		shape = fmt.Sprintf("; both texts open with the same %d words (a shared opening), then go on apart", m.SpanEnd-m.SpanStart)
	case c.rewrite && !(c.contain >= o.Threshold && c.aligned):
		shape = fmt.Sprintf("; a rewrite: below the threshold, but the shared shingles spread over %d words (at least %.0f%% of the shorter text) from near the start of both",
			m.SpanEnd-m.SpanStart, 100*rewriteSpread)
	case m.Update:
		shape = "; an update: this text holds the story from its start plus more"
	case c.containQ >= 0.9 && c.containS >= 0.9:
		shape = "; same text up to boilerplate"
	case c.containS >= c.containQ:
		shape = "; this text holds the story plus other text"
	default:
		shape = "; this text is a part of the story (trimmed or abridged)"
	}
	// Built with strconv rather than one fmt.Sprintf of a dozen boxed
	// arguments: every Match makes a reason, and the boxing was most of
	// match's allocations. The text is the same as
	// "content: %s story %s: %.0f%% of this text's distinctive %d-word
	// shingles are in it, %.0f%% of its are in this text (largest shared
	// block: containment %.2f, Jaccard %.2f, %d shared in sample,
	// threshold %.2f, span words %d-%d, %s)%s".
	var r strings.Builder
	var num [32]byte
	r.Grow(320 + len(m.StoryID) + len(starts) + len(shape))
	r.WriteString("content: ")
	r.WriteString(verdict)
	r.WriteString(" story ")
	r.WriteString(m.StoryID)
	r.WriteString(": ")
	r.Write(strconv.AppendFloat(num[:0], 100*c.containQ, 'f', 0, 64))
	r.WriteString("% of this text's distinctive ")
	r.Write(strconv.AppendInt(num[:0], int64(o.Shingle), 10))
	r.WriteString("-word shingles are in it, ")
	r.Write(strconv.AppendFloat(num[:0], 100*c.containS, 'f', 0, 64))
	r.WriteString("% of its are in this text (largest shared block: containment ")
	r.Write(strconv.AppendFloat(num[:0], c.contain, 'f', 2, 64))
	r.WriteString(", Jaccard ")
	r.Write(strconv.AppendFloat(num[:0], c.jaccard, 'f', 2, 64))
	r.WriteString(", ")
	r.Write(strconv.AppendInt(num[:0], int64(b.shared), 10))
	r.WriteString(" shared in sample, threshold ")
	r.Write(strconv.AppendFloat(num[:0], o.Threshold, 'f', 2, 64))
	r.WriteString(", span words ")
	r.Write(strconv.AppendInt(num[:0], int64(m.SpanStart), 10))
	r.WriteByte('-')
	r.Write(strconv.AppendInt(num[:0], int64(m.SpanEnd), 10))
	r.WriteString(", ")
	r.WriteString(starts)
	r.WriteByte(')')
	r.WriteString(shape)
	return r.String()
}
