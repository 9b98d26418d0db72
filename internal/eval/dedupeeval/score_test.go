package dedupeeval_test

import (
	"math"
	"testing"

	"github.com/feedsift/feedsift/internal/eval/dedupeeval"
)

func TestScore(t *testing.T) {
	s := &dedupeeval.Set{
		Docs: []dedupeeval.Doc{{ID: "a"}, {ID: "a2"}, {ID: "a3"}, {ID: "b"}, {ID: "c"}, {ID: "u"}},
		Gold: map[string]dedupeeval.Gold{
			"a": {Cluster: "A", Kind: "original", Tier: "core"}, "a2": {Cluster: "A", Kind: "trim", Tier: "core"},
			"a3": {Cluster: "A", Kind: "brief", Tier: "core"}, "b": {Cluster: "B", Kind: "original", Tier: "core"},
			"c": {Cluster: "C", Kind: "original", Tier: "core"}, "u": {Cluster: "A", Kind: "update", Tier: "update"},
		},
		HardNeg: []dedupeeval.Pair{{"a", "b", "shared_quote"}, {"b", "c", "shared_boilerplate"}},
	}
	// a, a2 together; a3 alone; b merged with a; c alone; u with a.
	assign := map[string]string{"a": "s1", "a2": "s1", "a3": "s3", "b": "s1", "c": "s4", "u": "s1"}
	r := dedupeeval.Score(s, assign)
	// Predicted pairs: {a,a2,b} = 3; true among them: (a,a2) = 1. Gold pairs: {a,a2,a3} = 3.
	if r.CoreDocs != 5 || math.Abs(r.Precision-1.0/3) > 1e-9 || math.Abs(r.Recall-1.0/3) > 1e-9 {
		t.Errorf("P %.3f R %.3f core %d; want 1/3, 1/3, 5", r.Precision, r.Recall, r.CoreDocs)
	}
	if r.HardNegMerged["shared_quote"] != 1 || r.HardNegMerged["shared_boilerplate"] != 0 {
		t.Errorf("hard negatives %v", r.HardNegMerged)
	}
	if r.RecallByKind["brief"] != 0 || r.RecallByKind["trim"] != 0.5 {
		t.Errorf("recall by kind %v", r.RecallByKind)
	}
	if r.UpdateWithOrigin != 1 {
		t.Errorf("update with origin %v, want 1", r.UpdateWithOrigin)
	}
}
