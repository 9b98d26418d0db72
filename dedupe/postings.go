package dedupe

import "slices"

// The posting store. A posting says that a story holds a kept shingle: the
// shingle's 32-bit hash, the story slot plus one (24 bits, so no posting is
// zero) and its word offset from the story's distinctive start in a byte
// (offCode). An offset below openingWords marks a posting of the story's
// opening sample, any other one of its body sample.
//
// Postings live in a sorted main array, bucketed by the top bbits (at
// least 16) of the hash, and an open-addressing table (delta) of the
// postings added since the last compaction. The main array is two parallel
// arrays: the low 16 bits of the hash (the bucket gives the rest) and the
// slot-and-offset word, 6 bytes a posting. Removed stories' postings are
// dropped when delta is merged in (compact).

// offCode codes a word offset in a byte: exact below 64 words, then in
// 16-word steps up to 3,104. offMember marks a member's posting, which
// has no offset in the story.
func offCode(w int) uint32 {
	if w < 64 {
		return uint32(max(w, 0))
	}
	return uint32(64 + min((w-64)/16, 190))
}

const offMember = 255

// offWords decodes the offset of a slot-and-offset word.
func offWords(w uint32) int {
	c := w & 0xff
	if c < 64 {
		return int(c)
	}
	return 64 + int(c-64)*16
}

// inOpening reports whether a slot-and-offset word is of the opening
// sample.
func inOpening(w uint32) bool { return w&0xff < openingWords }

// sof is a posting's slot-and-offset word.
func sof(slot uint32, off uint32) uint32 { return (slot+1)<<8 | off }

func sofSlot(w uint32) uint32 { return w>>8 - 1 }

const minBucketBits = 16

// lookup appends to buf the slot-and-offset words of the live postings of
// hash h.
func (ix *Index) lookup(h uint32, buf []uint32) []uint32 {
	if len(ix.bucket) > 0 {
		b := h >> (32 - ix.bbits)
		lo, hi := int(ix.bucket[b]), int(ix.bucket[b+1])
		lowH := uint16(h)
		// The first posting of lowH or after: a bucket holds a few
		// postings (fewer than 32 on average, see compact), so a short one
		// is scanned rather than searched.
		i := lo
		if hi-lo > 8 {
			i, _ = slices.BinarySearch(ix.mh[lo:hi], lowH)
			i += lo
		} else {
			for i < hi && ix.mh[i] < lowH {
				i++
			}
		}
		for ; i < hi && ix.mh[i] == lowH; i++ {
			if w := ix.ms[i]; ix.state[sofSlot(w)] == slotLive {
				buf = append(buf, w)
			}
		}
	}
	if len(ix.delta) > 0 {
		mask := uint64(len(ix.delta) - 1)
		for i := deltaHome(h, mask); ix.delta[i] != 0; i = (i + 1) & mask {
			if p := ix.delta[i]; uint32(p>>32) == h && ix.state[sofSlot(uint32(p))] == slotLive {
				buf = append(buf, uint32(p))
			}
		}
	}
	return buf
}

func deltaHome(h uint32, mask uint64) uint64 {
	return (uint64(h) * 0x9E3779B97F4A7C15 >> 20) & mask
}

// insert adds the posting (h, w) to delta, compacting first when delta has
// reached a 32nd of main.
func (ix *Index) insert(h, w uint32) {
	if ix.ndelta+1 > len(ix.delta)/2 {
		if ix.ndelta >= max(1<<12, len(ix.mh)/32) {
			ix.compact()
		}
		if ix.ndelta+1 > len(ix.delta)/2 {
			ix.growDelta()
		}
	}
	ix.putDelta(uint64(h)<<32 | uint64(w))
}

func (ix *Index) putDelta(p uint64) {
	mask := uint64(len(ix.delta) - 1)
	i := deltaHome(uint32(p>>32), mask)
	for ix.delta[i] != 0 {
		i = (i + 1) & mask
	}
	ix.delta[i] = p
	ix.ndelta++
}

func (ix *Index) growDelta() {
	old := ix.delta
	ix.delta = make([]uint64, max(64, 2*len(old)))
	ix.ndelta = 0
	for _, p := range old {
		if p != 0 {
			ix.putDelta(p)
		}
	}
}

// mainEach calls fn with every main posting in order, as hash<<32 | word.
func (ix *Index) mainEach(fn func(p uint64)) {
	if len(ix.bucket) == 0 {
		return
	}
	shift := 32 - ix.bbits
	for b := 0; b+1 < len(ix.bucket); b++ {
		top := uint32(b) << shift
		for i := ix.bucket[b]; i < ix.bucket[b+1]; i++ {
			h := top | uint32(ix.mh[i])
			fn(uint64(h)<<32 | uint64(ix.ms[i]))
		}
	}
}

// compact merges the delta postings into main, drops the postings of
// removed stories, frees their slots and recounts boilerplate.
func (ix *Index) compact() {
	d := make([]uint64, 0, ix.ndelta)
	for _, p := range ix.delta {
		if p != 0 && ix.state[sofSlot(uint32(p))] == slotLive {
			d = append(d, p)
		}
	}
	slices.Sort(d)
	n := len(d)
	for _, w := range ix.ms {
		if ix.state[sofSlot(w)] == slotLive {
			n++
		}
	}
	bits := uint(minBucketBits)
	for n>>(bits+5) > 0 && bits < 24 {
		bits++
	}
	m := merger{
		mh:     make([]uint16, n),
		ms:     make([]uint32, n),
		bucket: make([]uint32, 1<<bits+1),
		shift:  32 - bits,
		maxDF:  ix.opts.MaxDocFreq,
		ix:     ix,
	}
	clear(ix.boilZ)
	clear(ix.boilB)
	// The main postings in order (as mainEach gives them), the delta
	// ones merged in before each larger one.
	j := 0
	if len(ix.bucket) > 0 {
		shift := 32 - ix.bbits
		for b := 0; b+1 < len(ix.bucket); b++ {
			top := uint32(b) << shift
			for i := ix.bucket[b]; i < ix.bucket[b+1]; i++ {
				w := ix.ms[i]
				if ix.state[sofSlot(w)] != slotLive {
					continue
				}
				p := uint64(top|uint32(ix.mh[i]))<<32 | uint64(w)
				for j < len(d) && d[j] < p {
					m.emit(d[j])
					j++
				}
				m.emit(p)
			}
		}
	}
	for _, p := range d[j:] {
		m.emit(p)
	}
	m.endRun()
	for b := 1; b < len(m.bucket); b++ {
		m.bucket[b] += m.bucket[b-1]
	}
	ix.mh, ix.ms, ix.bucket, ix.bbits = m.mh, m.ms, m.bucket, bits
	if n == 0 {
		ix.mh, ix.ms, ix.bucket = nil, nil, nil
	}
	ix.delta, ix.ndelta = nil, 0
	for _, s := range ix.dead {
		ix.dropID(s)
		ix.state[s] = slotFree
	}
	if ix.idDead > len(ix.idBuf)/2 {
		ix.packIDs()
	}
	ix.free = append(ix.free, ix.dead...)
	ix.dead = ix.dead[:0]
	ix.deadPost = 0
}

// merger writes compact's new main array, postings in order, and counts
// boilerplate as it goes: the postings of one hash are a run, and a run
// of MaxDocFreq or more is boilerplate in each of its stories (one pass
// over the postings rather than a second one to recount).
type merger struct {
	mh     []uint16
	ms     []uint32
	bucket []uint32
	shift  uint
	maxDF  int
	ix     *Index
	// k postings are written; the current run of one hash, h, starts
	// at run.
	k, run int
	h      uint32
}

func (m *merger) emit(p uint64) {
	h := uint32(p >> 32)
	if m.k > m.run && h != m.h {
		m.endRun()
	}
	m.h = h
	m.bucket[h>>m.shift+1]++
	m.mh[m.k] = uint16(h)
	m.ms[m.k] = uint32(p)
	m.k++
}

// endRun counts the current run as boilerplate when it is one and
// starts the next.
func (m *merger) endRun() {
	if m.k-m.run >= m.maxDF {
		for _, w := range m.ms[m.run:m.k] {
			m.ix.countBoiler(w)
		}
	}
	m.run = m.k
}

// countBoiler counts posting w as boilerplate in its story.
func (ix *Index) countBoiler(w uint32) {
	if inOpening(w) {
		ix.boilZ[sofSlot(w)]++
	} else {
		ix.boilB[sofSlot(w)]++
	}
}
