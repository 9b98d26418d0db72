package dedupe

import (
	"cmp"
	"container/heap"
	"fmt"
	"math"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/feedsift/feedsift/internal/story"
)

// Defaults used for zero Options fields.
const (
	DefaultWindow           = 7 * 24 * time.Hour
	DefaultShingle          = 5
	DefaultThreshold        = 0.45
	DefaultRelatedThreshold = 0.1
	DefaultMaxDocFreq       = 4
	DefaultSample           = 4
	DefaultMinShared        = 5
)

// maxRelated bounds Match.Related.
const maxRelated = 5

// Options configures an Index. Zero values mean the documented defaults.
type Options struct {
	// Window is how long a story stays in the index after its newest
	// entry's Time; Evict drops stories older than that. Default 7 days.
	Window time.Duration
	// Shingle is the word n-gram size. Default 5.
	Shingle int
	// Threshold is the containment at or above which a text is a
	// duplicate of a story. Default 0.45.
	Threshold float64
	// RelatedThreshold is the containment at or above which a story that
	// is not a duplicate is listed as related. Default 0.1.
	RelatedThreshold float64
	// MaxStories bounds the number of stories; when Add goes past it the
	// story with the oldest newest-entry is removed. 0 = unbounded.
	MaxStories int
	// MaxDocFreq: a shingle held by this many stories or more is treated
	// as boilerplate (templates, shared quotes) and ignored when scoring.
	// Default 4.
	MaxDocFreq int
	// Sample keeps one shingle in Sample (by hash value, so the same
	// shingles are kept in every text); 1 keeps all. Containment and
	// Jaccard are estimated on the kept shingles. Default 4.
	Sample int
	// MinShared is the least number of kept, non-boilerplate shingles a
	// text must share with a story to be its duplicate. Default 5.
	MinShared int
}

// The lead check: a duplicate must share at least leadMin of its first
// leadQuery distinctive sampled shingles (its opening, about 60 words past
// any boilerplate) with the openings of the story's entries (their first
// leadStory sampled shingles, about 250 words). A text that merely carries a
// story's quoted paragraph, or an update that appends another story's
// paragraphs, has a different opening and is kept apart.
const (
	leadQuery = 16
	leadStory = 64
	leadMin   = 2
)

// The alignment check: the shared text must start at the start of at least
// one of the two texts and near the start of the other. For the query and
// each entry of the story, take their first distinctive sampled shingles
// (alignStore of the entry's are kept, about 160 words); a is the rank in
// the query's opening of its first shingle found in the entry's opening, b
// the rank in the entry's of its first found in the query's. A duplicate
// needs min(a,b) <= alignNear and max(a,b) <= alignFar for some entry.
//
// A copy with its own header (or an abridged brief inside a template)
// starts its shared text after a few shingles and the original at once. A
// text that quotes a story's paragraph, or one that copies its opening
// after paragraphs of its own, has the shared text start late in both, or
// far into one of them, and is kept apart.
const (
	alignStore = 40
	alignNear  = 6
	alignFar   = 20
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
	// StoryID is the best candidate: the story the text duplicates, when
	// Duplicate. Empty when no story shares content with the text.
	StoryID string
	// Method is "content".
	Method string
	// Similarity is the Jaccard index of the non-boilerplate shingle sets.
	Similarity float64
	// Containment is |A∩B| / min(|A|,|B|) over the same sets.
	Containment float64
	// Reason explains the decision for people.
	Reason string
	// Related lists other stories at or above RelatedThreshold that are
	// not the duplicate, best first, at most 5.
	Related []story.Related
}

type storyRec struct {
	id    string
	slot  uint32
	keys  []string
	sh    []uint64   // sorted sampled shingles
	leads []uint64   // sorted: the first sampled shingles of each member
	opens [][]uint64 // per member: its first alignStore sampled shingles, in text order
	time  time.Time
	hpos  int // position in the eviction heap
}

// Index finds stories by identity key and by content. All methods are safe
// for concurrent use; Match and Seen may run in parallel with each other.
type Index struct {
	opts Options

	mu      sync.RWMutex
	stories map[string]*storyRec
	keys    map[string]*storyRec
	slots   []*storyRec
	free    []uint32
	post    map[uint64][]uint32
	byTime  timeHeap

	// last caches the shingles of the last text seen, so that the usual
	// Match(text) then Add(Entry{Text: text}) shingles the text once. Its
	// slices are never modified.
	last atomic.Pointer[shingled]
}

type shingled struct {
	text      string
	sh, first []uint64
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
	case opts.MaxStories < 0:
		return nil, fmt.Errorf("%w: negative MaxStories %d", ErrOptions, opts.MaxStories)
	case opts.MaxDocFreq < 0:
		return nil, fmt.Errorf("%w: negative MaxDocFreq %d", ErrOptions, opts.MaxDocFreq)
	case opts.Sample < 0:
		return nil, fmt.Errorf("%w: negative Sample %d", ErrOptions, opts.Sample)
	case opts.MinShared < 0:
		return nil, fmt.Errorf("%w: negative MinShared %d", ErrOptions, opts.MinShared)
	}
	opts.Window = cmp.Or(opts.Window, DefaultWindow)
	opts.Shingle = cmp.Or(opts.Shingle, DefaultShingle)
	opts.Threshold = cmp.Or(opts.Threshold, DefaultThreshold)
	opts.RelatedThreshold = cmp.Or(opts.RelatedThreshold, DefaultRelatedThreshold)
	opts.MaxDocFreq = cmp.Or(opts.MaxDocFreq, DefaultMaxDocFreq)
	opts.Sample = cmp.Or(opts.Sample, DefaultSample)
	opts.MinShared = cmp.Or(opts.MinShared, DefaultMinShared)
	return &Index{
		opts:    opts,
		stories: make(map[string]*storyRec),
		keys:    make(map[string]*storyRec),
		post:    make(map[uint64][]uint32),
	}, nil
}

// Options returns the options in force, defaults filled in.
func (ix *Index) Options() Options { return ix.opts }

// Seen reports the story an identity key already belongs to: the first of
// keys that the index knows, and its story.
func (ix *Index) Seen(keys []string) (storyID, key string, ok bool) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	for _, k := range keys {
		if r, found := ix.keys[k]; found {
			return r.id, k, true
		}
	}
	return "", "", false
}

// Len returns the number of stories in the index.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return len(ix.stories)
}

func (ix *Index) shingles(text string) ([]uint64, []uint64) {
	if c := ix.last.Load(); c != nil && c.text == text {
		return c.sh, c.first
	}
	sh, first := shingleSet(text, ix.opts.Shingle, uint64(ix.opts.Sample), leadStory)
	ix.last.Store(&shingled{text: text, sh: sh, first: first})
	return sh, first
}

type candidate struct {
	slot     uint32
	shared   int
	containQ float64 // shared / |query|
	containS float64 // shared / |story|
	contain  float64
	jaccard  float64
	lead     int
	aligned  bool
}

// Match decides whether text is a near-copy of a story in the index. It
// does not modify the index.
func (ix *Index) Match(text string) Match {
	sh, first := ix.shingles(text)
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.match(sh, first)
}

func (ix *Index) match(sh, first []uint64) Match {
	m := Match{Method: "content"}
	maxDF := ix.opts.MaxDocFreq
	hits := make(map[uint32]int32)
	nq := 0
	for _, h := range sh {
		p := ix.post[h]
		if len(p) >= maxDF {
			continue
		}
		nq++
		for _, s := range p {
			hits[s]++
		}
	}
	if nq < ix.opts.MinShared {
		m.Reason = fmt.Sprintf("content: text too short or all boilerplate (%d distinctive %d-word shingles kept, need %d)",
			nq, ix.opts.Shingle, ix.opts.MinShared)
		return m
	}
	var lead []uint64
	for _, h := range first {
		if len(lead) == leadQuery {
			break
		}
		if len(ix.post[h]) < maxDF {
			lead = append(lead, h)
		}
	}
	cands := make([]candidate, 0, len(hits))
	for s, n := range hits {
		r := ix.slots[s]
		ns := 0
		for _, h := range r.sh {
			if len(ix.post[h]) < maxDF {
				ns++
			}
		}
		c := candidate{slot: s, shared: int(n)}
		for _, h := range lead {
			if _, ok := slices.BinarySearch(r.leads, h); ok {
				c.lead++
			}
		}
		c.aligned = ix.aligned(first, r.opens)
		c.containQ = float64(n) / float64(nq)
		if ns > 0 {
			c.containS = float64(n) / float64(ns)
		}
		c.contain = float64(n) / float64(min(nq, max(ns, 1)))
		c.jaccard = float64(n) / float64(nq+ns-int(n))
		cands = append(cands, c)
	}
	sort.Slice(cands, func(i, j int) bool {
		if cands[i].contain != cands[j].contain {
			return cands[i].contain > cands[j].contain
		}
		if cands[i].jaccard != cands[j].jaccard {
			return cands[i].jaccard > cands[j].jaccard
		}
		return ix.slots[cands[i].slot].id < ix.slots[cands[j].slot].id
	})
	if len(cands) == 0 {
		m.Reason = "content: no story shares a distinctive shingle"
		return m
	}
	best := cands[0]
	br := ix.slots[best.slot]
	m.StoryID = br.id
	m.Similarity = best.jaccard
	m.Containment = best.contain
	m.Duplicate = best.contain >= ix.opts.Threshold && best.shared >= ix.opts.MinShared && best.lead >= leadMin && best.aligned
	m.Reason = reason(m.Duplicate, br.id, best, ix.opts)
	rest := cands
	if m.Duplicate {
		rest = cands[1:]
	}
	for _, c := range rest {
		if c.contain < ix.opts.RelatedThreshold || len(m.Related) == maxRelated {
			break
		}
		m.Related = append(m.Related, story.Related{StoryID: ix.slots[c.slot].id, Similarity: c.contain})
	}
	return m
}

// aligned reports whether the query's opening q (its first sampled
// shingles in text order) and the opening of one of the story's entries
// share text that starts at the start of one and near the start of the
// other (see alignNear). Boilerplate shingles are skipped in both.
func (ix *Index) aligned(q []uint64, opens [][]uint64) bool {
	maxDF := ix.opts.MaxDocFreq
	for _, o := range opens {
		a, b := -1, -1
		rank := 0
		for _, h := range q {
			if len(ix.post[h]) >= maxDF {
				continue
			}
			if slices.Contains(o, h) {
				a = rank
				break
			}
			rank++
		}
		if a < 0 {
			continue
		}
		rank = 0
		for _, h := range o {
			if len(ix.post[h]) >= maxDF {
				continue
			}
			if slices.Contains(q, h) {
				b = rank
				break
			}
			rank++
		}
		if b < 0 || max(a, b) > alignFar {
			continue
		}
		if min(a, b) <= alignNear {
			return true
		}
	}
	return false
}

func reason(dup bool, id string, c candidate, o Options) string {
	verdict := "not a copy of"
	if dup {
		verdict = "copy of"
	}
	shape := ""
	switch {
	case c.containQ >= 0.9 && c.containS >= 0.9:
		shape = "; same text up to boilerplate"
	case c.containS >= c.containQ:
		shape = "; this text holds the story plus other text"
	default:
		shape = "; this text is a part of the story (trimmed or abridged)"
	}
	if !dup {
		shape = ""
	}
	return fmt.Sprintf("content: %s story %s: %.0f%% of this text's distinctive %d-word shingles are in it, %.0f%% of its are in this text (containment %.2f, Jaccard %.2f, %d shared in sample, threshold %.2f)%s",
		verdict, id, 100*c.containQ, o.Shingle, 100*c.containS, c.contain, c.jaccard, c.shared, o.Threshold, shape)
}

// Add inserts e as a new story, or, when e.StoryID already exists, adds
// e's keys to that story (and its shingles when Options.MemberShingles).
// A key that already belongs to another story stays with that story. A
// story's time is the newest Time of its entries. Adding the same entry
// twice changes nothing.
func (ix *Index) Add(e Entry) {
	if e.StoryID == "" {
		if len(e.Keys) > 0 {
			e.StoryID = StoryID(e.Keys[0])
		} else {
			e.StoryID = StoryID("text:" + e.Text)
		}
	}
	sh, first := ix.shingles(e.Text)
	ix.mu.Lock()
	defer ix.mu.Unlock()
	r := ix.stories[e.StoryID]
	if r == nil {
		r = &storyRec{id: e.StoryID, time: e.Time}
		if n := len(ix.free); n > 0 {
			r.slot = ix.free[n-1]
			ix.free = ix.free[:n-1]
			ix.slots[r.slot] = r
		} else {
			r.slot = uint32(len(ix.slots))
			ix.slots = append(ix.slots, r)
		}
		ix.stories[r.id] = r
		heap.Push(&ix.byTime, r)
		r.sh = slices.Clip(sh) // shared with the cache: append must copy
		for _, h := range sh {
			ix.post[h] = append(ix.post[h], r.slot)
		}
	} else {
		if e.Time.After(r.time) {
			r.time = e.Time
			heap.Fix(&ix.byTime, r.hpos)
		}
		// Member shingles join the story, so later copies of any member
		// match it.
		n0 := len(r.sh)
		for _, h := range sh {
			if _, found := slices.BinarySearch(r.sh[:n0], h); !found {
				ix.post[h] = append(ix.post[h], r.slot)
				r.sh = append(r.sh, h)
			}
		}
		if len(r.sh) > n0 {
			slices.Sort(r.sh)
		}
	}
	if len(first) > leadStory {
		first = first[:leadStory]
	}
	if len(first) > 0 {
		r.opens = append(r.opens, slices.Clone(first[:min(len(first), alignStore)]))
	}
	n0 := len(r.leads)
	for _, h := range first {
		if _, found := slices.BinarySearch(r.leads[:n0], h); !found {
			r.leads = append(r.leads, h)
		}
	}
	slices.Sort(r.leads)
	r.leads = slices.Compact(r.leads)
	for _, k := range e.Keys {
		if _, taken := ix.keys[k]; !taken {
			ix.keys[k] = r
			r.keys = append(r.keys, k)
		}
	}
	for ix.opts.MaxStories > 0 && len(ix.stories) > ix.opts.MaxStories {
		ix.remove(ix.byTime[0])
	}
}

// Remove deletes a story, its keys and its shingles. Unknown ids are
// ignored.
func (ix *Index) Remove(storyID string) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if r := ix.stories[storyID]; r != nil {
		ix.remove(r)
	}
}

func (ix *Index) remove(r *storyRec) {
	for _, k := range r.keys {
		if ix.keys[k] == r {
			delete(ix.keys, k)
		}
	}
	for _, h := range r.sh {
		p := ix.post[h]
		if i := slices.Index(p, r.slot); i >= 0 {
			p[i] = p[len(p)-1]
			p = p[:len(p)-1]
		}
		if len(p) == 0 {
			delete(ix.post, h)
		} else {
			ix.post[h] = p
		}
	}
	heap.Remove(&ix.byTime, r.hpos)
	delete(ix.stories, r.id)
	ix.slots[r.slot] = nil
	ix.free = append(ix.free, r.slot)
}

// Evict removes every story whose newest entry is older than now minus
// Window, and returns how many it removed.
func (ix *Index) Evict(now time.Time) int {
	cut := now.Add(-ix.opts.Window)
	ix.mu.Lock()
	defer ix.mu.Unlock()
	n := 0
	for len(ix.byTime) > 0 && ix.byTime[0].time.Before(cut) {
		ix.remove(ix.byTime[0])
		n++
	}
	return n
}

// timeHeap orders stories by time, oldest first.
type timeHeap []*storyRec

func (h timeHeap) Len() int           { return len(h) }
func (h timeHeap) Less(i, j int) bool { return h[i].time.Before(h[j].time) }
func (h timeHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].hpos = i
	h[j].hpos = j
}
func (h *timeHeap) Push(x any) {
	r := x.(*storyRec)
	r.hpos = len(*h)
	*h = append(*h, r)
}
func (h *timeHeap) Pop() any {
	old := *h
	r := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return r
}
