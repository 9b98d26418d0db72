package dedupe

import (
	"fmt"
	"slices"
	"testing"
)

// recountBoilerRef counts boilerplate postings the direct way, from the
// main array alone: per hash, the postings of a hash held MaxDocFreq
// times or more.
func recountBoilerRef(ix *Index) (z, b []uint8) {
	z, b = make([]uint8, len(ix.boilZ)), make([]uint8, len(ix.boilB))
	var ps []uint64
	ix.mainEach(func(p uint64) { ps = append(ps, p) })
	for i := 0; i < len(ps); {
		j := i + 1
		for j < len(ps) && ps[j]>>32 == ps[i]>>32 {
			j++
		}
		if j-i >= ix.opts.MaxDocFreq {
			for _, p := range ps[i:j] {
				if w := uint32(p); inOpening(w) {
					z[sofSlot(w)]++
				} else {
					b[sofSlot(w)]++
				}
			}
		}
		i = j
	}
	return z, b
}

// sortedLivePostings lists the live postings of main and delta, sorted.
func sortedLivePostings(ix *Index) []uint64 {
	ps := ix.livePostings()
	slices.Sort(ps)
	return ps
}

// TestCompact_Reference: compact, which merges and counts boilerplate in
// one pass, leaves main holding exactly the live postings of main and
// delta, in order, that lookup finds by hash, and the boilerplate counts
// the direct recount gives, over the dev stream (skipped without the
// corpus) with stories removed along the way and a low MaxDocFreq, so
// that runs of boilerplate are common.
func TestCompact_Reference(t *testing.T) {
	var texts []string
	forEachDevDoc(t, func(_, text string) { texts = append(texts, text) })
	ix, err := NewIndex(Options{MaxDocFreq: 3})
	if err != nil {
		t.Fatal(err)
	}
	check := func(when string) {
		t.Helper()
		want := sortedLivePostings(ix)
		ix.compact()
		var got []uint64
		ix.mainEach(func(p uint64) { got = append(got, p) })
		if !slices.Equal(got, want) {
			t.Fatalf("%s: main holds %d postings, want the %d live ones in order", when, len(got), len(want))
		}
		// lookup, which scans a short bucket, finds each hash's postings.
		for i := 0; i < len(got); {
			j := i + 1
			for j < len(got) && got[j]>>32 == got[i]>>32 {
				j++
			}
			var ws []uint32
			for _, p := range got[i:j] {
				ws = append(ws, uint32(p))
			}
			if l := ix.lookup(uint32(got[i]>>32), nil); !slices.Equal(l, ws) {
				t.Fatalf("%s: lookup(%#x) = %v, want %v", when, got[i]>>32, l, ws)
			}
			i = j
		}
		z, b := recountBoilerRef(ix)
		if !slices.Equal(ix.boilZ, z) || !slices.Equal(ix.boilB, b) {
			t.Fatalf("%s: boilerplate counts differ from the recount", when)
		}
	}
	for i, text := range texts {
		ix.Add(Entry{StoryID: fmt.Sprint(i), Text: text})
		if i%7 == 3 {
			ix.Remove(fmt.Sprint(i - 2))
		}
		if i%500 == 499 {
			check(fmt.Sprintf("after %d texts", i+1))
		}
	}
	check("at the end")
}
