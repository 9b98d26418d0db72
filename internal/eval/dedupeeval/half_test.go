package dedupeeval_test

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/feedsift/feedsift/internal/eval/dedupeeval"
)

func TestHalfOf(t *testing.T) {
	// FNV-1a 32 of "A" is even, of "B" odd: the split must not move, or
	// the tune and check figures of earlier runs stop being comparable.
	for cluster, want := range map[string]string{"A": dedupeeval.HalfTune, "C": dedupeeval.HalfTune, "B": dedupeeval.HalfCheck, "D": dedupeeval.HalfCheck} {
		if got := dedupeeval.HalfOf(cluster); got != want {
			t.Errorf("HalfOf(%q) = %q, want %q", cluster, got, want)
		}
	}
}

// halfStream is a tiny stream: clusters A and C in the tune half, B and D
// in the check half; one story merges a tune document with check ones.
func halfStream() (*dedupeeval.Set, map[string]string) {
	core := func(cluster, kind string) dedupeeval.Gold {
		return dedupeeval.Gold{Cluster: cluster, Kind: kind, Tier: "core"}
	}
	s := &dedupeeval.Set{
		Docs: []dedupeeval.Doc{{ID: "a1"}, {ID: "a2"}, {ID: "a3"}, {ID: "c1"}, {ID: "c2"},
			{ID: "b1"}, {ID: "b2"}, {ID: "d1"}, {ID: "u1"}, {ID: "u2"}},
		Gold: map[string]dedupeeval.Gold{
			"a1": core("A", "original"), "a2": core("A", "trim"), "a3": core("A", "brief"),
			"c1": core("C", "original"), "c2": core("C", "edit"),
			"b1": core("B", "original"), "b2": core("B", "edit"), "d1": core("D", "original"),
			"u1": {Cluster: "A", Kind: "update", Tier: "update"}, "u2": {Cluster: "B", Kind: "update", Tier: "update"},
		},
		HardNeg: []dedupeeval.Pair{{"a1", "c1", "shared_quote"}, {"b1", "d1", "shared_boilerplate"}, {"c2", "b1", "shared_quote"}},
	}
	assign := map[string]string{
		"a1": "s1", "a2": "s1", "c1": "s1", "u1": "s1",
		"a3": "s3",
		"b1": "s2", "b2": "s2", "d1": "s2", "c2": "s2",
		"u2": "u2",
	}
	return s, assign
}

func TestScoreHalf(t *testing.T) {
	s, assign := halfStream()
	type figures struct {
		Docs, CoreDocs   int
		P, R             float64
		RecallByKind     map[string]float64
		HardNegMergedN   map[string]int
		HardNegCount     map[string]int
		OtherFalseMerges int
		Joined, Updates  int
	}
	tests := []struct {
		half string
		want figures
	}{
		{dedupeeval.HalfTune, figures{
			// Pairs touching the half: s1 {a1,a2,c1} 3, s2 {c2 with 3 check docs} 3; true (a1,a2).
			Docs: 6, CoreDocs: 5, P: 1.0 / 6, R: 1.0 / 4,
			RecallByKind:   map[string]float64{"original": 1.0 / 3, "trim": 0.5, "brief": 0, "edit": 0},
			HardNegMergedN: map[string]int{"shared_quote": 2},
			HardNegCount:   map[string]int{"shared_quote": 2},
			// (a2,c1), (u1,c1), and across the halves (b2,c2), (d1,c2).
			OtherFalseMerges: 4, Joined: 1, Updates: 1,
		}},
		{dedupeeval.HalfCheck, figures{
			Docs: 4, CoreDocs: 3, P: 1.0 / 6, R: 1,
			RecallByKind:   map[string]float64{"original": 1, "edit": 1},
			HardNegMergedN: map[string]int{"shared_boilerplate": 1, "shared_quote": 1},
			HardNegCount:   map[string]int{"shared_boilerplate": 1, "shared_quote": 1},
			// (b2,d1), and across the halves (b2,c2), (d1,c2).
			OtherFalseMerges: 3, Joined: 0, Updates: 1,
		}},
		{"", figures{
			Docs: 10, CoreDocs: 8, P: 2.0 / 9, R: 2.0 / 5,
			RecallByKind:     map[string]float64{"original": 0.5, "trim": 0.5, "brief": 0, "edit": 0.5},
			HardNegMergedN:   map[string]int{"shared_boilerplate": 1, "shared_quote": 2},
			HardNegCount:     map[string]int{"shared_boilerplate": 1, "shared_quote": 2},
			OtherFalseMerges: 5, Joined: 1, Updates: 2,
		}},
	}
	for _, tc := range tests {
		t.Run("half="+tc.half, func(t *testing.T) {
			r := dedupeeval.ScoreHalf(s, assign, tc.half)
			if r.Half != tc.half {
				t.Errorf("Half = %q, want %q", r.Half, tc.half)
			}
			got := figures{r.Docs, r.CoreDocs, r.Precision, r.Recall, r.RecallByKind, r.HardNegMergedN, r.HardNegCount,
				r.OtherFalseMerges, r.UpdatesJoined, r.Updates}
			approx := cmp.Comparer(func(x, y float64) bool { return math.Abs(x-y) < 1e-9 })
			if diff := cmp.Diff(tc.want, got, approx); diff != "" {
				t.Errorf("ScoreHalf(%q) mismatch (-want +got):\n%s", tc.half, diff)
			}
		})
	}
}

func TestReport(t *testing.T) {
	s, assign := halfStream()
	var halves []string
	for _, r := range dedupeeval.Report(s, assign) {
		halves = append(halves, r.Half)
	}
	if diff := cmp.Diff([]string{dedupeeval.HalfTune, dedupeeval.HalfCheck, ""}, halves); diff != "" {
		t.Errorf("Report halves (-want +got):\n%s", diff)
	}
	if got, want := dedupeeval.Score(s, assign).String(), dedupeeval.ScoreHalf(s, assign, "").String(); got != want {
		t.Errorf("Score and ScoreHalf(\"\") differ:\n%s\n%s", got, want)
	}
}
