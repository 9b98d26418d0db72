// Package dedupeeval scores dedupe.Index on a labelled stream such as
// corpus/dedupe/dev: docs.jsonl ({"id","text"} in stream order),
// gold.jsonl ({"id","cluster","kind","tier"}) and hardneg_pairs.tsv
// (id_a, id_b, type: pairs that must not be merged).
//
// The stream is replayed in order: each document is matched against the
// index; a duplicate joins the matched story, anything else is added as a
// new story. The metric is pairwise precision, recall and F1 over all pairs
// of core-tier documents, the adjusted Rand index, recall per copy kind and
// the share of hard-negative pairs merged, per type.
//
// Functions here read files; nothing is shared between calls, so they are
// safe for concurrent use.
package dedupeeval

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/feedsift/feedsift/dedupe"
)

// Doc is one document of the stream.
type Doc struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

// Gold is the label of one document.
type Gold struct {
	ID      string `json:"id"`
	Cluster string `json:"cluster"`
	Kind    string `json:"kind"`
	Tier    string `json:"tier"`
	Origin  string `json:"origin"`
}

// Pair is a hard-negative pair.
type Pair struct {
	A, B, Type string
}

// Set is a loaded evaluation set.
type Set struct {
	Docs    []Doc
	Gold    map[string]Gold
	HardNeg []Pair
}

// Load reads docs.jsonl, gold.jsonl and hardneg_pairs.tsv from dir.
func Load(dir string) (*Set, error) {
	s := &Set{Gold: make(map[string]Gold)}
	if err := readJSONL(filepath.Join(dir, "docs.jsonl"), func(dec []byte) error {
		var d Doc
		if err := json.Unmarshal(dec, &d); err != nil {
			return err
		}
		s.Docs = append(s.Docs, d)
		return nil
	}); err != nil {
		return nil, err
	}
	if err := readJSONL(filepath.Join(dir, "gold.jsonl"), func(dec []byte) error {
		var g Gold
		if err := json.Unmarshal(dec, &g); err != nil {
			return err
		}
		s.Gold[g.ID] = g
		return nil
	}); err != nil {
		return nil, err
	}
	f, err := os.Open(filepath.Join(dir, "hardneg_pairs.tsv"))
	if err != nil {
		return nil, fmt.Errorf("dedupeeval: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	first := true
	for sc.Scan() {
		if first {
			first = false
			continue
		}
		fs := strings.Split(sc.Text(), "\t")
		if len(fs) < 3 {
			continue
		}
		s.HardNeg = append(s.HardNeg, Pair{fs[0], fs[1], fs[2]})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("dedupeeval: %s: %w", f.Name(), err)
	}
	for _, d := range s.Docs {
		if _, ok := s.Gold[d.ID]; !ok {
			return nil, fmt.Errorf("dedupeeval: doc %q has no gold label", d.ID)
		}
	}
	return s, nil
}

func readJSONL(path string, fn func([]byte) error) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("dedupeeval: %w", err)
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<20)
	for n := 1; ; n++ {
		line, err := r.ReadBytes('\n')
		if len(strings.TrimSpace(string(line))) > 0 {
			if jerr := fn(line); jerr != nil {
				return fmt.Errorf("dedupeeval: %s:%d: %w", path, n, jerr)
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("dedupeeval: %s: %w", path, err)
		}
	}
}

// Run replays docs through a new index with opts and returns the story
// each document was assigned to.
func Run(docs []Doc, opts dedupe.Options) (map[string]string, error) {
	ix, err := dedupe.NewIndex(opts)
	if err != nil {
		return nil, err
	}
	assign := make(map[string]string, len(docs))
	for _, d := range docs {
		m := ix.Match(d.Text)
		if m.Duplicate {
			assign[d.ID] = m.StoryID
			ix.Add(dedupe.Entry{StoryID: m.StoryID, Text: d.Text})
			continue
		}
		assign[d.ID] = d.ID
		ix.Add(dedupe.Entry{StoryID: d.ID, Text: d.Text})
	}
	return assign, nil
}

// Result holds the figures of one evaluation.
type Result struct {
	Docs, CoreDocs        int
	Precision, Recall, F1 float64
	ARI                   float64
	// RecallByKind is, per gold kind, the share of gold-positive core
	// pairs with a document of that kind that were merged.
	RecallByKind map[string]float64
	// HardNegMerged is, per pair type, the share of hard-negative pairs
	// put in one story, and HardNegCount the number of pairs.
	HardNegMerged map[string]float64
	HardNegCount  map[string]int
	// UpdateWithOrigin is the share of update-tier documents put in the
	// story of their gold cluster.
	UpdateWithOrigin float64
}

func pairs(n int) float64 { return float64(n) * float64(n-1) / 2 }

// Score compares an assignment from Run with the gold labels.
func Score(s *Set, assign map[string]string) Result {
	res := Result{Docs: len(s.Docs), RecallByKind: map[string]float64{},
		HardNegMerged: map[string]float64{}, HardNegCount: map[string]int{}}
	type cell struct{ p, g string }
	cells := map[cell]int{}
	predN := map[string]int{}
	goldN := map[string]int{}
	for _, d := range s.Docs {
		g := s.Gold[d.ID]
		if g.Tier != "core" {
			continue
		}
		res.CoreDocs++
		p := assign[d.ID]
		cells[cell{p, g.Cluster}]++
		predN[p]++
		goldN[g.Cluster]++
	}
	var tp, pp, gp float64
	for _, n := range cells {
		tp += pairs(n)
	}
	for _, n := range predN {
		pp += pairs(n)
	}
	for _, n := range goldN {
		gp += pairs(n)
	}
	if pp > 0 {
		res.Precision = tp / pp
	}
	if gp > 0 {
		res.Recall = tp / gp
	}
	if res.Precision+res.Recall > 0 {
		res.F1 = 2 * res.Precision * res.Recall / (res.Precision + res.Recall)
	}
	all := pairs(res.CoreDocs)
	if all > 0 {
		exp := pp * gp / all
		maxI := (pp + gp) / 2
		if maxI != exp {
			res.ARI = (tp - exp) / (maxI - exp)
		}
	}
	// Recall per kind: for each core doc, its gold partners.
	byCluster := map[string][]string{}
	for _, d := range s.Docs {
		if g := s.Gold[d.ID]; g.Tier == "core" {
			byCluster[g.Cluster] = append(byCluster[g.Cluster], d.ID)
		}
	}
	hit, tot := map[string]float64{}, map[string]float64{}
	for _, ids := range byCluster {
		for _, a := range ids {
			ka := s.Gold[a].Kind
			for _, b := range ids {
				if a == b {
					continue
				}
				tot[ka]++
				if assign[a] == assign[b] {
					hit[ka]++
				}
			}
		}
	}
	for k, t := range tot {
		res.RecallByKind[k] = hit[k] / t
	}
	merged := map[string]int{}
	for _, p := range s.HardNeg {
		res.HardNegCount[p.Type]++
		if a, ok := assign[p.A]; ok && a == assign[p.B] {
			merged[p.Type]++
		}
	}
	for t, n := range res.HardNegCount {
		res.HardNegMerged[t] = float64(merged[t]) / float64(n)
	}
	// Update tier: merged with any core doc of its gold cluster.
	upd, updOK := 0, 0
	storyClusters := map[string]map[string]bool{}
	for _, d := range s.Docs {
		g := s.Gold[d.ID]
		if g.Tier != "core" {
			continue
		}
		p := assign[d.ID]
		if storyClusters[p] == nil {
			storyClusters[p] = map[string]bool{}
		}
		storyClusters[p][g.Cluster] = true
	}
	for _, d := range s.Docs {
		g := s.Gold[d.ID]
		if g.Tier != "update" {
			continue
		}
		upd++
		if storyClusters[assign[d.ID]][g.Cluster] {
			updOK++
		}
	}
	if upd > 0 {
		res.UpdateWithOrigin = float64(updOK) / float64(upd)
	}
	return res
}

// String formats r on a few lines.
func (r Result) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "docs %d (core %d): pairwise P %.3f R %.3f F1 %.3f, ARI %.3f\n",
		r.Docs, r.CoreDocs, r.Precision, r.Recall, r.F1, r.ARI)
	b.WriteString("recall by kind:")
	for _, k := range sortedKeys(r.RecallByKind) {
		fmt.Fprintf(&b, " %s %.3f", k, r.RecallByKind[k])
	}
	b.WriteString("\nhard negatives merged:")
	for _, k := range sortedKeys(r.HardNegMerged) {
		fmt.Fprintf(&b, " %s %.3f (of %d)", k, r.HardNegMerged[k], r.HardNegCount[k])
	}
	fmt.Fprintf(&b, "\nupdate tier with its origin: %.3f", r.UpdateWithOrigin)
	return b.String()
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
