package dedupe

import (
	"math"
	"slices"
	"testing"
)

// TestDropRepeats: every hash after its first goes, text order and
// positions kept, the largest hash and large inputs included.
func TestDropRepeats(t *testing.T) {
	var long []uint32
	for i := range 1000 {
		long = append(long, uint32(i*7919)%613) // 613 distinct, repeated
	}
	tests := [][]uint32{
		nil,
		{5},
		{5, 5, 5},
		{3, 1, 3, 2, 1},
		{math.MaxUint32, 0, math.MaxUint32, 0, 1},
		long,
	}
	for _, hs := range tests {
		pos := make([]uint32, len(hs))
		for i := range pos {
			pos[i] = uint32(i)
		}
		var wantH, wantP []uint32
		for i, h := range hs {
			if !slices.Contains(wantH, h) {
				wantH = append(wantH, h)
				wantP = append(wantP, uint32(i))
			}
		}
		gotH, gotP := dropRepeats(slices.Clone(hs), pos)
		if !slices.Equal(gotH, wantH) || !slices.Equal(gotP, wantP) {
			t.Errorf("dropRepeats(%v) = %v %v, want %v %v", hs[:min(len(hs), 8)], gotH[:min(len(gotH), 8)], gotP[:min(len(gotP), 8)], wantH[:min(len(wantH), 8)], wantP[:min(len(wantP), 8)])
		}
	}
}
