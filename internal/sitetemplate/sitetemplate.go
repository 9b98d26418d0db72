package sitetemplate

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"unicode/utf8"
)

// Defaults for the zero values of Options.
const (
	DefaultMinPages        = 3
	DefaultMaxParagraph    = 400
	DefaultMaxFingerprints = 5000
	DefaultMaxPages        = 2000
)

// Options configure a Counts. Zero values mean the defaults above.
type Options struct {
	// MinPages is how many other pages of the host a paragraph must have
	// appeared on before Strip drops it.
	MinPages int
	// MaxParagraph is the longest paragraph, in runes, that is counted
	// and may be dropped.
	MaxParagraph int
	// MaxFingerprints bounds the fingerprints kept per host.
	MaxFingerprints int
	// MaxPages bounds the page keys remembered for idempotence.
	MaxPages int
}

func (o Options) withDefaults() Options {
	if o.MinPages <= 0 {
		o.MinPages = DefaultMinPages
	}
	if o.MaxParagraph <= 0 {
		o.MaxParagraph = DefaultMaxParagraph
	}
	if o.MaxFingerprints <= 0 {
		o.MaxFingerprints = DefaultMaxFingerprints
	}
	if o.MaxPages <= 0 {
		o.MaxPages = DefaultMaxPages
	}
	return o
}

type entry struct {
	pages uint32 // distinct observed pages holding the fingerprint
	last  uint32 // observation number of the latest of them
}

// Counts is the learned template of one host. Create it with New; a zero
// Counts works with the default options.
type Counts struct {
	opts  Options
	seq   uint32           // observations so far
	fps   map[uint64]entry // fingerprint -> counts
	pages []uint64         // observed page hashes, oldest first
	seen  map[uint64]bool  // the set of pages
}

// New returns an empty Counts.
func New(opts Options) *Counts {
	return &Counts{opts: opts.withDefaults(), fps: map[uint64]entry{}, seen: map[uint64]bool{}}
}

// Fingerprint returns the fingerprint of a paragraph: the FNV-64a hash of
// its lower-cased text with white space collapsed.
func Fingerprint(paragraph string) uint64 {
	h := fnv.New64a()
	for i, w := range strings.Fields(strings.ToLower(paragraph)) {
		if i > 0 {
			h.Write([]byte{' '})
		}
		h.Write([]byte(w))
	}
	return h.Sum64()
}

func hashKey(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

// counted reports whether p is short enough to be counted, and not blank.
func (c *Counts) counted(p string) bool {
	n := utf8.RuneCountInString(p)
	return n > 0 && n <= c.opts.MaxParagraph && strings.TrimSpace(p) != ""
}

// Pages returns the number of page keys remembered.
func (c *Counts) Pages() int { return len(c.pages) }

// Len returns the number of fingerprints kept.
func (c *Counts) Len() int { return len(c.fps) }

// Observe records the paragraphs of the page with key pageKey (a canonical
// URL, say). A page already observed is ignored, so Observe is idempotent.
func (c *Counts) Observe(pageKey string, paragraphs []string) {
	if c.fps == nil { // a zero Counts gets the defaults
		*c = *New(c.opts)
	}
	page := hashKey(pageKey)
	if c.seen[page] {
		return
	}
	c.seq++
	c.seen[page] = true
	c.pages = append(c.pages, page)
	if over := len(c.pages) - c.opts.MaxPages; over > 0 {
		for _, old := range c.pages[:over] {
			delete(c.seen, old)
		}
		c.pages = slices.Delete(c.pages, 0, over)
	}
	done := map[uint64]bool{}
	for _, p := range paragraphs {
		if !c.counted(p) {
			continue
		}
		fp := Fingerprint(p)
		if done[fp] {
			continue
		}
		done[fp] = true
		e := c.fps[fp]
		e.pages++
		e.last = c.seq
		c.fps[fp] = e
	}
	c.evict()
}

// evict trims the fingerprints to MaxFingerprints, dropping the least
// seen first and, among equals, the least recently seen.
func (c *Counts) evict() {
	over := len(c.fps) - c.opts.MaxFingerprints
	if over <= 0 {
		return
	}
	type kv struct {
		fp uint64
		e  entry
	}
	all := make([]kv, 0, len(c.fps))
	for fp, e := range c.fps {
		all = append(all, kv{fp, e})
	}
	slices.SortFunc(all, func(a, b kv) int {
		return cmp.Or(cmp.Compare(a.e.pages, b.e.pages), cmp.Compare(a.e.last, b.e.last), cmp.Compare(a.fp, b.fp))
	})
	for _, x := range all[:over] {
		delete(c.fps, x.fp)
	}
}

// Strip drops the paragraphs of the page with key pageKey that appeared on
// at least MinPages other observed pages, and returns the rest in order
// with the number dropped. When pageKey itself was observed, its own
// sighting of each paragraph is not counted. When dropping would leave
// less than half of the text, Strip returns paragraphs unchanged and 0.
func (c *Counts) Strip(pageKey string, paragraphs []string) (kept []string, dropped int) {
	c.opts = c.opts.withDefaults()
	self := uint32(0)
	if c.seen[hashKey(pageKey)] {
		self = 1
	}
	total, keptRunes := 0, 0
	kept = make([]string, 0, len(paragraphs))
	for _, p := range paragraphs {
		n := utf8.RuneCountInString(p)
		total += n
		if c.counted(p) {
			if e, ok := c.fps[Fingerprint(p)]; ok && e.pages >= self && int(e.pages-self) >= c.opts.MinPages {
				dropped++
				continue
			}
		}
		keptRunes += n
		kept = append(kept, p)
	}
	if dropped == 0 || keptRunes*2 < total {
		return paragraphs, 0
	}
	return kept, dropped
}

const (
	magic   = "fsst"
	version = 1
)

// MarshalBinary encodes c: magic, version, observation count, the page
// hashes oldest first, then each fingerprint with its counts, in
// fingerprint order so equal Counts encode equally.
func (c *Counts) MarshalBinary() ([]byte, error) {
	b := make([]byte, 0, 16+8*len(c.pages)+16*len(c.fps))
	b = append(b, magic...)
	b = append(b, version)
	b = binary.AppendUvarint(b, uint64(c.seq))
	b = binary.AppendUvarint(b, uint64(len(c.pages)))
	for _, p := range c.pages {
		b = binary.BigEndian.AppendUint64(b, p)
	}
	fps := make([]uint64, 0, len(c.fps))
	for fp := range c.fps {
		fps = append(fps, fp)
	}
	slices.Sort(fps)
	b = binary.AppendUvarint(b, uint64(len(fps)))
	for _, fp := range fps {
		e := c.fps[fp]
		b = binary.BigEndian.AppendUint64(b, fp)
		b = binary.AppendUvarint(b, uint64(e.pages))
		b = binary.AppendUvarint(b, uint64(e.last))
	}
	return b, nil
}

// UnmarshalBinary replaces c's contents with data written by
// MarshalBinary, keeping c's options; the bounds apply at the next
// Observe. Bad data returns an error wrapping ErrCorrupt and leaves c as
// it was.
func (c *Counts) UnmarshalBinary(data []byte) error {
	r := reader{b: data}
	if len(data) < len(magic)+1 || string(data[:len(magic)]) != magic {
		return fmt.Errorf("%w: bad magic", ErrCorrupt)
	}
	if v := data[len(magic)]; v != version {
		return fmt.Errorf("%w: version %d, want %d", ErrCorrupt, v, version)
	}
	r.b = data[len(magic)+1:]
	seq := r.uvarint32("observation count")
	np := r.count("page count", 8)
	pages := make([]uint64, 0, np)
	seen := make(map[uint64]bool, np)
	for range np {
		p := r.u64("page")
		if r.err == nil && seen[p] {
			r.fail("page listed twice")
		}
		pages = append(pages, p)
		seen[p] = true
	}
	nf := r.count("fingerprint count", 10)
	fps := make(map[uint64]entry, nf)
	for range nf {
		fp := r.u64("fingerprint")
		e := entry{pages: r.uvarint32("fingerprint pages"), last: r.uvarint32("fingerprint last")}
		if r.err == nil && (e.pages == 0 || e.last > seq) {
			r.fail("fingerprint counts out of range")
		}
		fps[fp] = e
	}
	if r.err == nil && len(r.b) != 0 {
		r.fail(fmt.Sprintf("%d trailing bytes", len(r.b)))
	}
	if r.err != nil {
		return r.err
	}
	c.opts = c.opts.withDefaults() // a zero Counts gets the defaults
	c.seq, c.pages, c.seen, c.fps = seq, pages, seen, fps
	return nil
}

// reader decodes with the first error kept.
type reader struct {
	b   []byte
	err error
}

func (r *reader) fail(what string) {
	if r.err == nil {
		r.err = fmt.Errorf("%w: %s", ErrCorrupt, what)
	}
}

func (r *reader) uvarint32(what string) uint32 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 || v > 1<<32-1 {
		r.fail(what + " unreadable")
		return 0
	}
	r.b = r.b[n:]
	return uint32(v)
}

// count reads a length whose items take at least min bytes each.
func (r *reader) count(what string, min int) int {
	v := r.uvarint32(what)
	if r.err == nil && uint64(v)*uint64(min) > uint64(len(r.b)) {
		r.fail(what + " larger than the data")
		return 0
	}
	return int(v)
}

func (r *reader) u64(what string) uint64 {
	if r.err != nil {
		return 0
	}
	if len(r.b) < 8 {
		r.fail(what + " truncated")
		return 0
	}
	v := binary.BigEndian.Uint64(r.b)
	r.b = r.b[8:]
	return v
}
