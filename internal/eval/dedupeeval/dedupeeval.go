// Package dedupeeval scores dedupe.Index on a labelled stream such as
// corpus/dedupe/dev: docs.jsonl ({"id","text"} in stream order),
// gold.jsonl ({"id","cluster","kind","tier"}) and hardneg_pairs.tsv
// (id_a, id_b, type: pairs that must not be merged).
//
// The stream is replayed in order: each document is matched against the
// index; a duplicate joins the matched story, anything else is added as a
// new story. The metric is pairwise precision, recall and F1 over all pairs
// of core-tier documents, the adjusted Rand index, recall per copy kind,
// the share of hard-negative pairs merged, per type, the number of other
// false-merge pairs and the share of update-tier documents joined to their
// origin. Report gives these figures for each half of the stream (split by
// original, see HalfOf) and for the whole.
//
// # The re-wrapped stream
//
// Rewrap builds a second stream from a labelled one's originals alone
// (core-tier documents of kind "original"), with a fixed seed: each
// original, two copies of it under headers and footers written for the
// generator, not taken from the corpus (stacked date lines, bylines,
// agency and credit notes, partner links, share-bar and comment footers,
// all with variable names, dates and numbers), of two kinds among a short
// header (RewrapWrap), a 40-120 word header (RewrapLongHead), a cut ending
// (RewrapTrim) and paragraphs re-split into one or two sentences with
// partner lines between (RewrapResplit); and, for one original in three, a brief of its opening
// in a new template shared by 2 to 5 briefs (RewrapBrief), each pair of
// which is a RewrapTemplatePair hard negative. Copies keep their
// original's gold cluster, so HalfOf splits it as it splits the source.
// It is scored by the same Run and Report; RunTrace keeps each document's
// Match, and Misses, MissReport, WithOrigin and ByHeader say which pairs
// were missed and why (the index's Reason when the later one arrived).
//
// The re-wrapped stream estimates how the index fares on streams of other
// sites, whose furniture it has never seen; it is not such a stream, and
// its figures are not comparable with the dev stream's. Its headers are
// harsher than most (each copy's is unique, so none becomes boilerplate)
// and its templates smaller (fewer briefs than MaxDocFreq).
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
	"github.com/feedsift/feedsift/internal/evalsplit"
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
// each document was assigned to. When opts.Texts is nil, Run supplies the
// index's second stage with the texts a daemon would have stored: the
// text each story was founded with (Founders); set opts.Texts to
// dedupe.TextFunc(func(string) (string, bool) { return "", false }) to
// score the index alone.
func Run(docs []Doc, opts dedupe.Options) (map[string]string, error) {
	return run(docs, opts, nil)
}

// run is Run, calling seen, when not nil, with each document's Match.
func run(docs []Doc, opts dedupe.Options, seen func(id string, m dedupe.Match)) (map[string]string, error) {
	var texts Founders
	if opts.Texts == nil {
		texts = Founders{}
		opts.Texts = texts
	}
	ix, err := dedupe.NewIndex(opts)
	if err != nil {
		return nil, err
	}
	assign := make(map[string]string, len(docs))
	for _, d := range docs {
		m := ix.Match(d.Text)
		if seen != nil {
			seen(d.ID, m)
		}
		if m.Duplicate {
			assign[d.ID] = m.StoryID
			ix.Add(dedupe.Entry{StoryID: m.StoryID, Text: d.Text})
			continue
		}
		assign[d.ID] = d.ID
		ix.Add(dedupe.Entry{StoryID: d.ID, Text: d.Text})
		if texts != nil {
			texts[d.ID] = d.Text
		}
	}
	return assign, nil
}

// Founders is a dedupe.TextSource over the texts of the documents that
// founded a story, by story id: what a daemon keeps in its store. Run
// fills it as the stream is replayed; only stories already added are
// found.
type Founders map[string]string

// Text returns the founding text of story id.
func (f Founders) Text(id string) (string, bool) {
	t, ok := f[id]
	return t, ok
}

// The two halves of the stream, by original (see HalfOf), named as in
// internal/eval/extracteval.
const (
	// HalfTune is the half rules may be tuned on.
	HalfTune = evalsplit.Tune
	// HalfCheck is the half a change is checked on before it is kept.
	HalfCheck = evalsplit.Check
)

// HalfOf is the half of a gold cluster (evalsplit.Of of the cluster
// id): every copy of an original falls in the original's half, so a rule
// fitted to the tune half's stories cannot lift the check half.
func HalfOf(cluster string) string { return evalsplit.Of(cluster) }

// Result holds the figures of one evaluation, of the whole stream or of
// one half.
type Result struct {
	// Half is HalfTune or HalfCheck for a half's figures, "" for the whole
	// stream.
	Half                  string
	Docs, CoreDocs        int
	Precision, Recall, F1 float64
	ARI                   float64
	// RecallByKind is, per gold kind, the share of gold-positive core
	// pairs with a document of that kind that were merged.
	RecallByKind map[string]float64
	// HardNegMerged is, per pair type, the share of hard-negative pairs
	// put in one story, HardNegMergedN their number and HardNegCount the
	// number of pairs.
	HardNegMerged  map[string]float64
	HardNegMergedN map[string]int
	HardNegCount   map[string]int
	// OtherFalseMerges is the number of pairs of documents (any tier) put
	// in one story that gold keeps apart and that are not listed
	// hard-negative pairs.
	OtherFalseMerges int
	// UpdateWithOrigin is the share of update-tier documents put in the
	// story of their gold cluster: UpdatesJoined of Updates.
	UpdateWithOrigin float64
	UpdatesJoined    int
	Updates          int
}

func pairs(n int) float64 { return float64(n) * float64(n-1) / 2 }

// Score compares an assignment from Run with the gold labels, over the
// whole stream.
func Score(s *Set, assign map[string]string) Result {
	return score(s, assign, "")
}

// ScoreHalf compares an assignment from Run with the gold labels on one
// half (HalfTune or HalfCheck) of the stream: the documents whose gold
// cluster is in that half (HalfOf). The stream is replayed whole; only the
// counting is split. Recall, recall per kind and the update tier count the
// half's documents. Precision counts every predicted pair with at least
// one document of the half, so a false merge across the halves lowers
// both; hard-negative and other false-merge pairs are counted the same
// way. ARI is taken over the half's core documents alone.
func ScoreHalf(s *Set, assign map[string]string, half string) Result {
	return score(s, assign, half)
}

// Report scores the tune half, the check half and the whole stream, in
// that order.
func Report(s *Set, assign map[string]string) []Result {
	return []Result{ScoreHalf(s, assign, HalfTune), ScoreHalf(s, assign, HalfCheck), Score(s, assign)}
}

// score compares assign with gold on the documents of half ("" for all).
func score(s *Set, assign map[string]string, half string) Result {
	res := Result{Half: half, RecallByKind: map[string]float64{},
		HardNegMerged: map[string]float64{}, HardNegMergedN: map[string]int{}, HardNegCount: map[string]int{}}
	in := func(id string) bool { return half == "" || HalfOf(s.Gold[id].Cluster) == half }
	type cell struct{ p, g string }
	cells := map[cell]int{}
	predIn := map[string]int{}  // per predicted story, core docs of the half
	predAll := map[string]int{} // per predicted story, all core docs
	goldN := map[string]int{}
	for _, d := range s.Docs {
		g := s.Gold[d.ID]
		if in(d.ID) {
			res.Docs++
		}
		if g.Tier != "core" {
			continue
		}
		p := assign[d.ID]
		predAll[p]++
		if !in(d.ID) {
			continue
		}
		res.CoreDocs++
		cells[cell{p, g.Cluster}]++
		predIn[p]++
		goldN[g.Cluster]++
	}
	var tp, pp, gp, ppIn float64
	for _, n := range cells {
		tp += pairs(n)
	}
	for p, n := range predAll {
		pp += pairs(n) - pairs(n-predIn[p]) // pairs touching the half
		ppIn += pairs(predIn[p])
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
		exp := ppIn * gp / all
		maxI := (ppIn + gp) / 2
		if maxI != exp {
			res.ARI = (tp - exp) / (maxI - exp)
		}
	}
	res.RecallByKind = recallByKind(s, assign, in)
	listed := map[[2]string]bool{}
	for _, p := range s.HardNeg {
		listed[[2]string{p.A, p.B}], listed[[2]string{p.B, p.A}] = true, true
		if !in(p.A) && !in(p.B) {
			continue
		}
		res.HardNegCount[p.Type]++
		if a, ok := assign[p.A]; ok && a == assign[p.B] {
			res.HardNegMergedN[p.Type]++
		}
	}
	for t, n := range res.HardNegCount {
		res.HardNegMerged[t] = float64(res.HardNegMergedN[t]) / float64(n)
	}
	res.OtherFalseMerges = otherFalseMerges(s, assign, in, listed)
	res.UpdatesJoined, res.Updates = updateWithOrigin(s, assign, in)
	if res.Updates > 0 {
		res.UpdateWithOrigin = float64(res.UpdatesJoined) / float64(res.Updates)
	}
	return res
}

// recallByKind is, per gold kind, the share of gold-positive core pairs
// with a document of that kind, in clusters of the half, that were merged.
func recallByKind(s *Set, assign map[string]string, in func(string) bool) map[string]float64 {
	byCluster := map[string][]string{}
	for _, d := range s.Docs {
		if g := s.Gold[d.ID]; g.Tier == "core" && in(d.ID) {
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
	r := make(map[string]float64, len(tot))
	for k, t := range tot {
		r[k] = hit[k] / t
	}
	return r
}

// otherFalseMerges counts the pairs of documents put in one story, with at
// least one document of the half, that gold keeps apart and that are not
// listed hard-negative pairs.
func otherFalseMerges(s *Set, assign map[string]string, in func(string) bool, listed map[[2]string]bool) int {
	byStory := map[string][]string{}
	for _, d := range s.Docs {
		if p, ok := assign[d.ID]; ok {
			byStory[p] = append(byStory[p], d.ID)
		}
	}
	n := 0
	for _, ids := range byStory {
		for i, a := range ids {
			for _, b := range ids[i+1:] {
				if s.Gold[a].Cluster != s.Gold[b].Cluster && !listed[[2]string{a, b}] && (in(a) || in(b)) {
					n++
				}
			}
		}
	}
	return n
}

// updateWithOrigin counts the half's update-tier documents merged with a
// core document of their gold cluster, and all of them.
func updateWithOrigin(s *Set, assign map[string]string, in func(string) bool) (joined, total int) {
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
		if g.Tier != "update" || !in(d.ID) {
			continue
		}
		total++
		if storyClusters[assign[d.ID]][g.Cluster] {
			joined++
		}
	}
	return joined, total
}

// String formats r on a few lines; a half's figures start with a line
// naming the half.
func (r Result) String() string {
	var b strings.Builder
	if r.Half != "" {
		fmt.Fprintf(&b, "half %s (gold clusters by FNV-1a parity):\n", r.Half)
	} else {
		b.WriteString("all:\n")
	}
	fmt.Fprintf(&b, "docs %d (core %d): pairwise P %.3f R %.3f F1 %.3f, ARI %.3f\n",
		r.Docs, r.CoreDocs, r.Precision, r.Recall, r.F1, r.ARI)
	b.WriteString("recall by kind:")
	for _, k := range sortedKeys(r.RecallByKind) {
		fmt.Fprintf(&b, " %s %.3f", k, r.RecallByKind[k])
	}
	b.WriteString("\nhard negatives merged:")
	for _, k := range sortedKeys(r.HardNegMerged) {
		fmt.Fprintf(&b, " %s %.3f (%d of %d)", k, r.HardNegMerged[k], r.HardNegMergedN[k], r.HardNegCount[k])
	}
	fmt.Fprintf(&b, "\nother false-merge pairs: %d", r.OtherFalseMerges)
	fmt.Fprintf(&b, "\nupdate tier with its origin: %.3f (%d of %d)", r.UpdateWithOrigin, r.UpdatesJoined, r.Updates)
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
