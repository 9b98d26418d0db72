package dedupe

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"slices"
)

// Snapshot format, version 2 (all integers unsigned varints unless said):
//
//	"FSDEDUP" 0x02
//	Shingle Sample MaxDocFreq
//	story count, then per story:
//	  id length, id bytes
//	  time (seconds since 2000-01-01 UTC)
//	  tau (the sketch cut)
//	  key count, then each key hash as 8 bytes little-endian
//	  posting count, then per posting: 32-bit shingle hash, coded word
//	  offset byte (below 48: the opening sample)
//	CRC-32 (IEEE) of all the above, 4 bytes little-endian
const snapMagic = "FSDEDUP\x02"

// Limits checked when reading, so corrupt input cannot ask for huge
// allocations.
const (
	snapMaxID    = 4096
	snapMaxKeys  = 1 << 16
	snapMaxPosts = 2 * 255
)

// WriteTo writes a snapshot of the index (stories, times, identity key
// hashes and kept shingles) to w in a versioned binary format that
// ReadIndex reads back. It holds the read lock while it writes.
func (ix *Index) WriteTo(w io.Writer) (int64, error) {
	ix.mu.RLock()
	var b []byte
	b = append(b, snapMagic...)
	b = binary.AppendUvarint(b, uint64(ix.opts.Shingle))
	b = binary.AppendUvarint(b, uint64(ix.opts.Sample))
	b = binary.AppendUvarint(b, uint64(ix.opts.MaxDocFreq))
	// Live postings grouped by slot.
	ps := ix.livePostings()
	pslot := func(p uint64) uint32 { return sofSlot(uint32(p)) }
	slices.SortFunc(ps, func(a, c uint64) int {
		if x := cmp.Compare(pslot(a), pslot(c)); x != 0 {
			return x
		}
		return cmp.Compare(a>>32, c>>32)
	})
	b = binary.AppendUvarint(b, uint64(ix.nlive))
	j := 0
	for slot, st := range ix.state {
		if st != slotLive {
			continue
		}
		s := uint32(slot)
		b = binary.AppendUvarint(b, uint64(len(ix.id(s))))
		b = append(b, ix.id(s)...)
		b = binary.AppendUvarint(b, uint64(ix.times[s]))
		b = binary.AppendUvarint(b, uint64(ix.tau[s]))
		var keys []uint64
		for k := ix.keyHead[s]; k != 0; k = ix.keyEnts[k-1].next {
			keys = append(keys, ix.keyEnts[k-1].h)
		}
		slices.Reverse(keys) // oldest first
		b = binary.AppendUvarint(b, uint64(len(keys)))
		for _, k := range keys {
			b = binary.LittleEndian.AppendUint64(b, k)
		}
		for j < len(ps) && pslot(ps[j]) < s {
			j++
		}
		k := j
		for k < len(ps) && pslot(ps[k]) == s {
			k++
		}
		b = binary.AppendUvarint(b, uint64(k-j))
		for _, p := range ps[j:k] {
			b = binary.AppendUvarint(b, p>>32)
			b = append(b, byte(p)) // the offset byte
		}
		j = k
	}
	ix.mu.RUnlock()
	b = binary.LittleEndian.AppendUint32(b, crc32.ChecksumIEEE(b))
	n, err := w.Write(b)
	if err != nil {
		return int64(n), fmt.Errorf("dedupe: write snapshot: %w", err)
	}
	return int64(n), nil
}

// ReadIndex reads a snapshot written by WriteTo into a new index with
// opts. It fails with ErrSnapshot when the data is corrupt or truncated,
// of another version, or made with other Shingle, Sample or MaxDocFreq
// (the kept shingles would not compare), and with ErrOptions for bad opts.
func ReadIndex(r io.Reader, opts Options) (*Index, error) {
	ix, err := NewIndex(opts)
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%w: read: %w", ErrSnapshot, err)
	}
	if len(data) < len(snapMagic)+4 || !bytes.HasPrefix(data, []byte(snapMagic[:7])) {
		return nil, fmt.Errorf("%w: not a dedupe index snapshot", ErrSnapshot)
	}
	if data[7] != snapMagic[7] {
		return nil, fmt.Errorf("%w: unknown version %d", ErrSnapshot, data[7])
	}
	body, sum := data[:len(data)-4], binary.LittleEndian.Uint32(data[len(data)-4:])
	if crc32.ChecksumIEEE(body) != sum {
		return nil, fmt.Errorf("%w: checksum mismatch", ErrSnapshot)
	}
	d := snapReader{b: body[len(snapMagic):]}
	for _, want := range []struct {
		name string
		v    int
	}{{"Shingle", ix.opts.Shingle}, {"Sample", ix.opts.Sample}, {"MaxDocFreq", ix.opts.MaxDocFreq}} {
		if got := d.uvarint(); d.err == nil && got != uint64(want.v) {
			return nil, fmt.Errorf("%w: made with %s %d, options say %d", ErrSnapshot, want.name, got, want.v)
		}
	}
	n := d.uvarint()
	if d.err == nil && n > maxSlots {
		return nil, fmt.Errorf("%w: %d stories", ErrSnapshot, n)
	}
	for i := uint64(0); i < n && d.err == nil; i++ {
		idLen := d.uvarint()
		if idLen > snapMaxID {
			d.fail("story id of %d bytes", idLen)
			break
		}
		id := string(d.bytes(int(idLen)))
		tm := d.uvarint()
		tau := d.uvarint()
		nk := d.uvarint()
		if d.err != nil {
			break
		}
		if tau > math.MaxUint32 || tm > math.MaxUint32 || nk > snapMaxKeys {
			d.fail("story %d: tau %d, %d keys", i, tau, nk)
			break
		}
		if _, dup := ix.findStory(id); dup {
			d.fail("story id %q twice", id)
			break
		}
		slot := ix.newSlot(id, uint32(tm))
		ix.tau[slot] = uint32(tau)
		for range nk {
			kh := d.uint64()
			if d.err != nil {
				break
			}
			if _, taken := ix.keys[kh]; taken {
				continue
			}
			ix.keys[kh] = slot
			ix.keyEnts = append(ix.keyEnts, keyEnt{h: kh, next: ix.keyHead[slot]})
			ix.keyHead[slot] = uint32(len(ix.keyEnts))
		}
		np := d.uvarint()
		if d.err == nil && np > snapMaxPosts {
			d.fail("story %d: %d postings", i, np)
		}
		for k := uint64(0); k < np && d.err == nil; k++ {
			h := d.uvarint()
			off := d.byte()
			if d.err == nil && h > math.MaxUint32 {
				d.fail("story %d: shingle hash %d", i, h)
			}
			if d.err != nil {
				break
			}
			w := sof(slot, uint32(off))
			n := &ix.nBody[slot]
			if inOpening(w) {
				n = &ix.nZone[slot]
			}
			if *n == math.MaxUint8 {
				d.fail("story %d: too many postings", i)
				break
			}
			*n++
			ix.insert(uint32(h), w)
		}
	}
	if d.err == nil && len(d.b) != 0 {
		d.fail("%d bytes after the last story", len(d.b))
	}
	if d.err != nil {
		return nil, d.err
	}
	ix.compact() // sorts the postings and counts boilerplate
	return ix, nil
}

type snapReader struct {
	b   []byte
	err error
}

func (d *snapReader) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: %s", ErrSnapshot, fmt.Sprintf(format, args...))
	}
}

func (d *snapReader) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail("truncated or bad number")
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *snapReader) bytes(n int) []byte {
	if d.err != nil {
		return nil
	}
	if n > len(d.b) {
		d.fail("truncated")
		return nil
	}
	v := d.b[:n]
	d.b = d.b[n:]
	return v
}

func (d *snapReader) byte() byte {
	v := d.bytes(1)
	if v == nil {
		return 0
	}
	return v[0]
}

func (d *snapReader) uint64() uint64 {
	v := d.bytes(8)
	if v == nil {
		return 0
	}
	return binary.LittleEndian.Uint64(v)
}

// livePostings returns the postings of main and delta whose story is
// live, in no particular order. The caller holds ix.mu.
func (ix *Index) livePostings() []uint64 {
	var ps []uint64
	ix.mainEach(func(p uint64) {
		if ix.state[sofSlot(uint32(p))] == slotLive {
			ps = append(ps, p)
		}
	})
	for _, p := range ix.delta {
		if p != 0 && ix.state[sofSlot(uint32(p))] == slotLive {
			ps = append(ps, p)
		}
	}
	return ps
}
