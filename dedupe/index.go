package dedupe

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/feedsift/feedsift/internal/story"
)

// Defaults used for zero Options fields.
const (
	DefaultWindow           = 7 * 24 * time.Hour
	DefaultShingle          = 5
	DefaultThreshold        = 0.35
	DefaultRelatedThreshold = 0.1
	DefaultMaxDocFreq       = 4
	DefaultSample           = 16
	DefaultMinShared        = 5
	DefaultSketch           = 32
)

// maxRelated bounds Match.Related.
const maxRelated = 5

// maxSlots is the most stories an Index holds at once (story slots are
// kept in 24 bits); Add beyond it drops the oldest story.
const maxSlots = 1<<24 - 2

// Options configures an Index. Zero values mean the documented defaults.
type Options struct {
	// Window is how long a story stays in the index after its newest
	// entry's Time; Evict drops stories older than that. Default 7 days.
	Window time.Duration
	// Shingle is the word n-gram size. Default 5.
	Shingle int
	// Threshold is the containment (over the largest shared block) at or
	// above which a text is a duplicate of a story. Default 0.35.
	Threshold float64
	// RelatedThreshold is the containment at or above which a story that
	// is not a duplicate is listed as related. Default 0.1.
	RelatedThreshold float64
	// MaxStories bounds the number of stories; when Add goes past it the
	// story with the oldest newest-entry is removed. 0 = unbounded (up to
	// 16,777,214).
	MaxStories int
	// MaxDocFreq: a shingle held by this many stories or more is treated
	// as boilerplate (templates, shared quotes) and ignored when scoring.
	// Default 4.
	MaxDocFreq int
	// Sample is the body sample: one shingle in Sample (by hash value, so
	// the same shingles are kept in every text) is indexed over the whole
	// text, and containment is estimated on these. In a story's opening
	// (its first 64 words of distinctive text) one in Sample/4 is indexed
	// (one in 1 when Sample is not a multiple of 4), for the lead and
	// alignment checks. 1 keeps all. Default 16.
	Sample int
	// MinShared is the least number of kept, non-boilerplate shingles
	// (body or opening sample) a text must share with a story, in the
	// largest shared block, to be its duplicate. Default 5.
	MinShared int
	// Sketch bounds the body-sample shingles stored for a story: past it,
	// only the Sketch smallest hashes are kept (a bottom-k sketch; the
	// story remembers the cut so both sides are compared on the same hash
	// range). At most 255. Default 32: a text of up to about 500 words
	// keeps all of its body sample.
	Sketch int
	// Texts, when set, gives the texts stories were added with, for the
	// second stage: a candidate the shingle rules refuse by a near miss is
	// compared sentence by sentence with the story's full text (see
	// TextSource and doc.go). Nil: the index decides alone. It is not
	// saved in snapshots.
	Texts TextSource
}

// openingWords is the length of a story's opening, in words of
// distinctive text from its first distinctive kept shingle: the opening
// sample is indexed there.
const openingWords = 64

// openRate is the opening sample for a body sample.
func openRate(sample int) int {
	if sample%4 == 0 {
		return sample / 4
	}
	return 1
}

// Word distances of the lead and alignment checks.
//
// The lead check: a duplicate shares at least leadMin shingles that lie in
// the text's opening (its first leadQueryWords words of distinctive text)
// and in the story's first leadStoryWords.
//
// The alignment check: the shared text starts at the start of one of the
// two texts and near the start of the other: with a the offset in the text
// of its first shingle shared with the story and b the least offset in the
// story of a shared shingle, min(a,b) <= alignNearWords and max(a,b) <=
// alignFarWords (in words).
//
// A copy under its own header, or an abridged brief inside a template,
// starts its shared text after a few words and the original at once. A
// text that quotes a story's inner paragraph, or that copies its opening
// after paragraphs of its own, has the shared text start late in both, or
// far into one, and is kept apart.
const (
	leadQueryWords = 72
	leadStoryWords = 250
	leadMin        = 2
	alignNearWords = 36
	alignFarWords  = 56
	wrapNearWords  = 8
	wrapFarWords   = 100
)

// The update check: a duplicate is an update of the story (the story's text
// plus more) when the text holds at least updateStory of the story's
// distinctive shingles, the story holds at most updateQuery of the text's,
// and the shared text starts at the start of both.
const (
	updateStory      = 0.7
	updateQuery      = 0.75
	updateAlignWords = 24
)

// Entry is what the index holds for a story or for a member merged into it.
type Entry struct {
	// StoryID names the story; an empty StoryID is derived with StoryID
	// from the first key, or from the text when there are no keys.
	StoryID string
	// Keys are identity keys (see IdentityKeys).
	Keys []string
	// Text is the clean text whose shingles are indexed.
	Text string
	// Time is when the entry was seen or published; it drives Evict.
	Time time.Time
}

// Match is the outcome of Index.Match.
type Match struct {
	// Duplicate is true when the text is a near-copy of StoryID.
	Duplicate bool
	// Update is true when the text is a duplicate that holds most of the
	// story plus notably more text, aligned at the start: a new version
	// of the story rather than another copy.
	Update bool
	// StoryID is the best candidate: the story the text duplicates, when
	// Duplicate. Empty when no story shares content with the text.
	StoryID string
	// Method is "content".
	Method string
	// Similarity is the Jaccard index of the non-boilerplate shingle sets
	// (estimated on the body sample).
	Similarity float64
	// Containment is |A∩B| / min(|A|,|B|) over the same sets, A∩B
	// taken over the largest shared block.
	Containment float64
	// Shared is the number of kept, non-boilerplate shingles the text
	// shares with StoryID in the largest shared block (see the package
	// documentation).
	Shared int
	// SpanStart and SpanEnd are the word offsets in the text of the first
	// and the last shared kept shingle of that block (SpanEnd is past its
	// last word); both 0 when nothing with an offset is shared.
	SpanStart, SpanEnd int
	// Reason explains the decision for people.
	Reason string
	// Related lists other stories at or above RelatedThreshold that are
	// not the duplicate, best first, at most 5.
	Related []story.Related
}

// slot states
const (
	slotFree = iota
	slotLive
	slotDead // removed; its postings are dropped at the next compaction
)

type keyEnt struct {
	h    uint64
	next uint32 // index+1 of the story's next key, 0 at the end
}

// Index finds stories by identity key and by content. All methods are safe
// for concurrent use; Match and Seen may run in parallel with each other.
type Index struct {
	opts                  Options
	open                  int // opening sample rate
	leadQ, leadS, leadMin int
	alignN, alignF        int
	sketch                int

	mu sync.RWMutex

	// Per story slot, flat (ids: see ids.go).
	idOff   []uint32
	times   []uint32 // seconds since timeEpoch
	tau     []uint32 // the body sketch cut
	nZone   []uint8  // opening postings of the story
	nBody   []uint8  // body postings (past the opening), members' included
	boilZ   []uint8  // of which boilerplate (document frequency >= MaxDocFreq)
	boilB   []uint8
	state   []uint8
	hpos    []uint32
	keyHead []uint32

	byTime []uint32 // min-heap of live slots by time
	free   []uint32
	dead   []uint32
	nlive  int
	idTab  []uint32
	idBuf  []byte
	idDead int
	idLong map[uint32]string

	keys    map[uint64]uint32 // hash of identity key -> slot
	keyEnts []keyEnt
	keyFree []uint32

	// Postings (see postings.go).
	mh       []uint16
	ms       []uint32
	bucket   []uint32
	bbits    uint
	delta    []uint64
	ndelta   int
	deadPost int

	// last caches the shingles of the last text seen, so that the usual
	// Match(text) then Add(Entry{Text: text}) shingles the text once. Its
	// slices are never modified.
	last atomic.Pointer[shingled]

	// scratch pools the buffers of Match (see the scratch type).
	scratch sync.Pool
}

type shingled struct {
	text    string
	hs, pos []uint32
}

// NewIndex returns an empty index. It fails on negative or out-of-range
// options.
func NewIndex(opts Options) (*Index, error) {
	switch {
	case opts.Window < 0:
		return nil, fmt.Errorf("%w: negative Window %v", ErrOptions, opts.Window)
	case opts.Shingle < 0 || opts.Shingle > 32:
		return nil, fmt.Errorf("%w: Shingle %d not in 1..32", ErrOptions, opts.Shingle)
	case opts.Threshold < 0 || opts.Threshold > 1 || math.IsNaN(opts.Threshold):
		return nil, fmt.Errorf("%w: Threshold %v not in [0,1]", ErrOptions, opts.Threshold)
	case opts.RelatedThreshold < 0 || opts.RelatedThreshold > 1 || math.IsNaN(opts.RelatedThreshold):
		return nil, fmt.Errorf("%w: RelatedThreshold %v not in [0,1]", ErrOptions, opts.RelatedThreshold)
	case opts.MaxStories < 0 || opts.MaxStories > maxSlots:
		return nil, fmt.Errorf("%w: MaxStories %d not in 0..%d", ErrOptions, opts.MaxStories, maxSlots)
	case opts.MaxDocFreq < 0:
		return nil, fmt.Errorf("%w: negative MaxDocFreq %d", ErrOptions, opts.MaxDocFreq)
	case opts.Sample < 0:
		return nil, fmt.Errorf("%w: negative Sample %d", ErrOptions, opts.Sample)
	case opts.MinShared < 0:
		return nil, fmt.Errorf("%w: negative MinShared %d", ErrOptions, opts.MinShared)
	case opts.Sketch < 0 || opts.Sketch > 255:
		return nil, fmt.Errorf("%w: Sketch %d not in 1..255", ErrOptions, opts.Sketch)
	}
	opts.Window = cmp.Or(opts.Window, DefaultWindow)
	opts.Shingle = cmp.Or(opts.Shingle, DefaultShingle)
	opts.Threshold = cmp.Or(opts.Threshold, DefaultThreshold)
	opts.RelatedThreshold = cmp.Or(opts.RelatedThreshold, DefaultRelatedThreshold)
	opts.MaxDocFreq = cmp.Or(opts.MaxDocFreq, DefaultMaxDocFreq)
	opts.Sample = cmp.Or(opts.Sample, DefaultSample)
	opts.MinShared = cmp.Or(opts.MinShared, DefaultMinShared)
	opts.Sketch = cmp.Or(opts.Sketch, DefaultSketch)
	return &Index{
		opts:    opts,
		open:    openRate(opts.Sample),
		leadQ:   leadQueryWords,
		leadS:   leadStoryWords,
		leadMin: leadMin,
		alignN:  alignNearWords,
		alignF:  alignFarWords,
		sketch:  opts.Sketch,
		keys:    make(map[uint64]uint32),
	}, nil
}

// Options returns the options in force, defaults filled in.
func (ix *Index) Options() Options { return ix.opts }

// hashString is 64-bit FNV-1a finished with mix64. Story ids and identity
// keys are held as these hashes; two different strings sharing one (odds
// about n²/2^65 for n strings, ~3e-8 at a million) would be taken as the
// same id or key.
func hashString(s string) uint64 {
	h := uint64(fnvOffset)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * fnvPrime
	}
	return mix64(h)
}

// timeEpoch is the zero of story times, which are kept as whole seconds
// after it in 32 bits (up to 2136); earlier times count as the epoch.
var timeEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC).Unix()

func stamp(t time.Time) uint32 {
	return uint32(min(max(t.Unix()-timeEpoch, 0), math.MaxUint32))
}

// Seen reports the story an identity key already belongs to: the first of
// keys that the index knows, and its story.
func (ix *Index) Seen(keys []string) (storyID, key string, ok bool) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	for _, k := range keys {
		if s, found := ix.keys[hashString(k)]; found {
			return ix.id(s), k, true
		}
	}
	return "", "", false
}

// Len returns the number of stories in the index.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.nlive
}

func (ix *Index) shingles(text string) (hs, pos []uint32) {
	if c := ix.last.Load(); c != nil && c.text == text {
		return c.hs, c.pos
	}
	hs, pos = sampleText(text, ix.opts.Shingle, uint64(ix.open), uint64(ix.opts.Sample))
	ix.last.Store(&shingled{text: text, hs: hs, pos: pos})
	return hs, pos
}

// Add inserts e as a new story, or, when e.StoryID already exists, adds
// e's keys to that story and makes its time the newest of its entries. A
// member's text is not indexed (a later text is compared with the story's
// own text only, so a text that shares a quoted paragraph with one member
// does not join through it), unless the story has no indexed text yet. A
// key that already belongs to another story stays with that story. Adding
// the same entry twice changes nothing.
func (ix *Index) Add(e Entry) {
	if e.StoryID == "" {
		if len(e.Keys) > 0 {
			e.StoryID = StoryID(e.Keys[0])
		} else {
			e.StoryID = StoryID("text:" + e.Text)
		}
	}
	var hs, pos []uint32
	if e.Text != "" {
		hs, pos = ix.shingles(e.Text)
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	slot, found := ix.findStory(e.StoryID)
	tm := stamp(e.Time)
	if !found {
		slot = ix.newSlot(e.StoryID, tm)
		ix.addShingles(slot, hs, pos)
	} else {
		if tm > ix.times[slot] {
			ix.times[slot] = tm
			ix.heapFix(int(ix.hpos[slot]))
		}
		if ix.nZone[slot] == 0 && ix.nBody[slot] == 0 {
			ix.addShingles(slot, hs, pos)
		} else {
			ix.addMember(slot, hs, pos)
		}
	}
	for _, k := range e.Keys {
		kh := hashString(k)
		if _, taken := ix.keys[kh]; taken {
			continue
		}
		ix.keys[kh] = slot
		var i uint32
		if n := len(ix.keyFree); n > 0 {
			i = ix.keyFree[n-1]
			ix.keyFree = ix.keyFree[:n-1]
		} else {
			i = uint32(len(ix.keyEnts))
			ix.keyEnts = append(ix.keyEnts, keyEnt{})
		}
		ix.keyEnts[i] = keyEnt{h: kh, next: ix.keyHead[slot]}
		ix.keyHead[slot] = i + 1
	}
	limit := ix.opts.MaxStories
	if limit == 0 {
		limit = maxSlots
	}
	for ix.nlive > limit {
		ix.remove(ix.byTime[0])
	}
}

func (ix *Index) newSlot(id string, tm uint32) uint32 {
	if len(ix.free) == 0 && len(ix.state) >= maxSlots {
		// Every slot is taken by a live or a removed story: drop the
		// removed ones' postings to free theirs, or the oldest story.
		ix.compact()
		if len(ix.free) == 0 {
			ix.remove(ix.byTime[0])
			ix.compact()
		}
	}
	var slot uint32
	if n := len(ix.free); n > 0 {
		slot = ix.free[n-1]
		ix.free = ix.free[:n-1]
	} else {
		slot = uint32(len(ix.state))
		ix.idOff = append(ix.idOff, 0)
		ix.times = append(ix.times, 0)
		ix.tau = append(ix.tau, 0)
		ix.nZone = append(ix.nZone, 0)
		ix.nBody = append(ix.nBody, 0)
		ix.boilZ = append(ix.boilZ, 0)
		ix.boilB = append(ix.boilB, 0)
		ix.state = append(ix.state, slotFree)
		ix.hpos = append(ix.hpos, 0)
		ix.keyHead = append(ix.keyHead, 0)
	}
	ix.setID(slot, id)
	ix.putStory(slot)
	ix.times[slot] = tm
	ix.tau[slot] = math.MaxUint32
	ix.nZone[slot], ix.nBody[slot], ix.boilZ[slot], ix.boilB[slot] = 0, 0, 0, 0
	ix.state[slot] = slotLive
	ix.keyHead[slot] = 0
	ix.nlive++
	ix.heapPush(slot)
	return slot
}

// addShingles indexes the text of a new story, given its kept shingles hs
// (text order) and their positions: its distinctive body-sample shingles
// (the Sketch smallest hashes, recording the cut) and the distinctive
// opening-sample shingles of its opening. Shingles that are boilerplate
// already are not stored.
func (ix *Index) addShingles(slot uint32, hs, pos []uint32) {
	if len(hs) == 0 {
		return
	}
	maxDF := ix.opts.MaxDocFreq
	var buf [16]uint32
	// A story's kept shingles fit on the stack, but for a long text's.
	var dfBuf [256]int
	var bodyBuf [64]uint32
	dfs := dfBuf[:0]
	if len(hs) > len(dfBuf) {
		dfs = make([]int, 0, len(hs))
	}
	dfs = dfs[:len(hs)]
	body := bodyBuf[:0]
	for i, h := range hs {
		dfs[i] = len(ix.lookup(h, buf[:0]))
		if dfs[i] < maxDF && pos[i]&bodyBit != 0 {
			body = append(body, h)
		}
	}
	tau := uint32(math.MaxUint32)
	if len(body) > ix.sketch {
		slices.Sort(body)
		tau = body[ix.sketch-1]
	}
	ix.tau[slot] = tau
	p0 := -1
	for i, h := range hs {
		if dfs[i] >= maxDF {
			continue
		}
		off := int(pos[i] &^ bodyBit)
		if p0 < 0 {
			p0 = off
		}
		off -= p0
		inZone := off < openingWords
		if !inZone && (pos[i]&bodyBit == 0 || h > tau) {
			continue
		}
		if !inZone && ix.nBody[slot] == math.MaxUint8 || inZone && ix.nZone[slot] == math.MaxUint8 {
			continue
		}
		w := sof(slot, offCode(off))
		d := dfs[i]
		if d+1 == maxDF {
			for _, p := range ix.lookup(h, buf[:0]) {
				ix.countBoiler(p)
			}
		}
		if d+1 >= maxDF {
			ix.countBoiler(w)
		}
		ix.insert(h, w)
		if inZone {
			ix.nZone[slot]++
		} else {
			ix.nBody[slot]++
		}
	}
}

// Remove deletes a story, its keys and its shingles. Unknown ids are
// ignored.
func (ix *Index) Remove(storyID string) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if s, ok := ix.findStory(storyID); ok {
		ix.remove(s)
	}
}

func (ix *Index) remove(slot uint32) {
	for k := ix.keyHead[slot]; k != 0; {
		e := ix.keyEnts[k-1]
		if ix.keys[e.h] == slot {
			delete(ix.keys, e.h)
		}
		ix.keyFree = append(ix.keyFree, k-1)
		k = e.next
	}
	ix.keyHead[slot] = 0
	ix.heapRemove(int(ix.hpos[slot]))
	ix.delStory(slot)
	ix.state[slot] = slotDead
	ix.nlive--
	ix.dead = append(ix.dead, slot)
	ix.deadPost += int(ix.nZone[slot]) + int(ix.nBody[slot])
	// Boilerplate counts of the others are recounted at compaction; until
	// then a shingle this story made boilerplate stays so.
	if ix.deadPost > max(1<<12, (len(ix.mh)+ix.ndelta)/4) {
		ix.compact()
	}
}

// Evict removes every story whose newest entry is older than now minus
// Window (to the second), and returns how many it removed.
func (ix *Index) Evict(now time.Time) int {
	cut := stamp(now.Add(-ix.opts.Window))
	ix.mu.Lock()
	defer ix.mu.Unlock()
	n := 0
	for len(ix.byTime) > 0 && ix.times[ix.byTime[0]] < cut {
		ix.remove(ix.byTime[0])
		n++
	}
	return n
}

// The eviction heap: live slots ordered by time, oldest first, with each
// slot's position in hpos.

func (ix *Index) heapLess(i, j int) bool {
	return ix.times[ix.byTime[i]] < ix.times[ix.byTime[j]]
}

func (ix *Index) heapSwap(i, j int) {
	h := ix.byTime
	h[i], h[j] = h[j], h[i]
	ix.hpos[h[i]] = uint32(i)
	ix.hpos[h[j]] = uint32(j)
}

func (ix *Index) heapUp(j int) {
	for j > 0 {
		i := (j - 1) / 2
		if !ix.heapLess(j, i) {
			break
		}
		ix.heapSwap(i, j)
		j = i
	}
}

func (ix *Index) heapDown(i int) bool {
	n := len(ix.byTime)
	i0 := i
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		j := l
		if r := l + 1; r < n && ix.heapLess(r, l) {
			j = r
		}
		if !ix.heapLess(j, i) {
			break
		}
		ix.heapSwap(i, j)
		i = j
	}
	return i > i0
}

func (ix *Index) heapPush(slot uint32) {
	ix.hpos[slot] = uint32(len(ix.byTime))
	ix.byTime = append(ix.byTime, slot)
	ix.heapUp(len(ix.byTime) - 1)
}

func (ix *Index) heapFix(i int) {
	if !ix.heapDown(i) {
		ix.heapUp(i)
	}
}

func (ix *Index) heapRemove(i int) {
	n := len(ix.byTime) - 1
	if i != n {
		ix.heapSwap(i, n)
	}
	ix.byTime = ix.byTime[:n]
	if i != n {
		ix.heapFix(i)
	}
}

func (ix *Index) addMember(slot uint32, hs, pos []uint32) {
	maxDF := ix.opts.MaxDocFreq
	var buf [16]uint32
	tau := ix.tau[slot]
	for i, h := range hs {
		if pos[i]&bodyBit == 0 || h > tau {
			continue
		}
		ps := ix.lookup(h, buf[:0])
		if len(ps) >= maxDF {
			continue
		}
		have := false
		for _, p := range ps {
			if sofSlot(p) == slot {
				have = true
			}
		}
		if have || ix.nBody[slot] == 255 {
			continue
		}
		w := sof(slot, offMember)
		if len(ps)+1 == maxDF {
			for _, p := range ps {
				ix.countBoiler(p)
			}
			ix.countBoiler(w)
		}
		ix.insert(h, w)
		ix.nBody[slot]++
	}
}
