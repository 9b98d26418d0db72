package dedupe

import (
	"encoding/binary"
	"math"
)

// Story ids are kept in one byte arena (a uvarint length, then the bytes)
// at idOff[slot], and found by id in an open-addressing table of slot+1
// (linear probing, 0 = empty) keyed by hashString of the id.

// id returns the story id of slot.
func (ix *Index) id(slot uint32) string {
	o := ix.idOff[slot]
	if o == math.MaxUint32 {
		return ix.idLong[slot]
	}
	n, k := binary.Uvarint(ix.idBuf[o:])
	return string(ix.idBuf[int(o)+k : int(o)+k+int(n)])
}

// idEq reports whether slot's id is s, without allocating.
func (ix *Index) idEq(slot uint32, s string) bool {
	o := ix.idOff[slot]
	if o == math.MaxUint32 {
		return ix.idLong[slot] == s
	}
	n, k := binary.Uvarint(ix.idBuf[o:])
	return int(n) == len(s) && string(ix.idBuf[int(o)+k:int(o)+k+int(n)]) == s
}

// setID stores id for slot (a fresh slot or one whose id was dropped).
func (ix *Index) setID(slot uint32, id string) {
	if len(ix.idBuf)+len(id)+binary.MaxVarintLen64 > math.MaxUint32 {
		ix.packIDs()
	}
	if len(ix.idBuf)+len(id)+binary.MaxVarintLen64 > math.MaxUint32 {
		if ix.idLong == nil {
			ix.idLong = make(map[uint32]string)
		}
		ix.idLong[slot] = id
		ix.idOff[slot] = math.MaxUint32
		return
	}
	ix.idOff[slot] = uint32(len(ix.idBuf))
	ix.idBuf = binary.AppendUvarint(ix.idBuf, uint64(len(id)))
	ix.idBuf = append(ix.idBuf, id...)
}

// dropID forgets the id of a slot being freed; packIDs reclaims the
// space.
func (ix *Index) dropID(slot uint32) {
	o := ix.idOff[slot]
	if o == math.MaxUint32 {
		delete(ix.idLong, slot)
		return
	}
	n, k := binary.Uvarint(ix.idBuf[o:])
	ix.idDead += k + int(n)
}

// packIDs rewrites the arena with the ids of live and removed (not yet
// freed) slots only.
func (ix *Index) packIDs() {
	buf := make([]byte, 0, len(ix.idBuf)-ix.idDead)
	for s, st := range ix.state {
		o := ix.idOff[s]
		if st == slotFree || o == math.MaxUint32 {
			continue
		}
		n, k := binary.Uvarint(ix.idBuf[o:])
		ix.idOff[s] = uint32(len(buf))
		buf = append(buf, ix.idBuf[o:int(o)+k+int(n)]...)
	}
	ix.idBuf, ix.idDead = buf, 0
}

func (ix *Index) idHome(h uint64) int { return int(h & uint64(len(ix.idTab)-1)) }

// findStory returns the live slot of story id.
func (ix *Index) findStory(id string) (uint32, bool) {
	if len(ix.idTab) == 0 {
		return 0, false
	}
	mask := len(ix.idTab) - 1
	for i := ix.idHome(hashString(id)); ix.idTab[i] != 0; i = (i + 1) & mask {
		if s := ix.idTab[i] - 1; ix.idEq(s, id) {
			return s, true
		}
	}
	return 0, false
}

// putStory adds slot, whose id is set and not in the table.
func (ix *Index) putStory(slot uint32) {
	if (ix.nlive+1)*4 > len(ix.idTab)*3 {
		old := ix.idTab
		ix.idTab = make([]uint32, max(16, 2*len(old)))
		for _, e := range old {
			if e != 0 {
				ix.placeStory(e)
			}
		}
	}
	ix.placeStory(slot + 1)
}

func (ix *Index) placeStory(e uint32) {
	mask := len(ix.idTab) - 1
	i := ix.idHome(hashString(ix.id(e - 1)))
	for ix.idTab[i] != 0 {
		i = (i + 1) & mask
	}
	ix.idTab[i] = e
}

// delStory removes slot from the table (backward-shift deletion).
func (ix *Index) delStory(slot uint32) {
	mask := len(ix.idTab) - 1
	i := ix.idHome(hashString(ix.id(slot)))
	for ix.idTab[i] != slot+1 {
		if ix.idTab[i] == 0 {
			return
		}
		i = (i + 1) & mask
	}
	ix.idTab[i] = 0
	for j := (i + 1) & mask; ix.idTab[j] != 0; j = (j + 1) & mask {
		k := ix.idHome(hashString(ix.id(ix.idTab[j] - 1)))
		// Move the entry at j to the hole at i when its home is not in
		// the cyclic range (i, j].
		if (j > i && (k <= i || k > j)) || (j < i && k <= i && k > j) {
			ix.idTab[i], ix.idTab[j] = ix.idTab[j], 0
			i = j
		}
	}
}
