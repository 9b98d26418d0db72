package dedupeeval

import (
	"fmt"
	"sort"
	"strings"

	"github.com/feedsift/feedsift/dedupe"
)

// RunTrace is Run that also returns, per document id, the index's Match
// for the document when it arrived: the verdict and its Reason.
func RunTrace(docs []Doc, opts dedupe.Options) (map[string]string, map[string]dedupe.Match, error) {
	trace := make(map[string]dedupe.Match, len(docs))
	assign, err := run(docs, opts, func(id string, m dedupe.Match) { trace[id] = m })
	return assign, trace, err
}

// Miss is a gold-positive core pair the run kept apart. B arrived after
// A; Why is the index's reason when B arrived.
type Miss struct {
	A, B         string
	KindA, KindB string
	Half         string
	// Category names why B was not joined to A's story: the checks the
	// index said failed against that story, "best candidate another
	// story" when the index judged another story first, "joined another
	// cluster's story" when B was merged into a story founded by a
	// document of another gold cluster (a false merge), "joined a story
	// of its own cluster" when B joined a story of its cluster other than
	// A's (the cluster was split before B came), or "nothing shared".
	Category string
	Why      string
}

// Misses lists the gold-positive core pairs of s that assign keeps apart,
// with the reason traced when the later one arrived, in stream order.
func Misses(s *Set, assign map[string]string, trace map[string]dedupe.Match) []Miss {
	var out []Miss
	byCluster := map[string][]string{}
	for _, d := range s.Docs {
		g := s.Gold[d.ID]
		if g.Tier != "core" {
			continue
		}
		for _, a := range byCluster[g.Cluster] {
			if assign[a] == assign[d.ID] {
				continue
			}
			m := trace[d.ID]
			own := ""
			if fg, ok := s.Gold[m.StoryID]; ok && fg.Cluster == g.Cluster {
				own = m.StoryID
			}
			out = append(out, Miss{A: a, B: d.ID, KindA: s.Gold[a].Kind, KindB: g.Kind,
				Half: HalfOf(g.Cluster), Category: missCategory(m, assign[a], own), Why: m.Reason})
		}
		byCluster[g.Cluster] = append(byCluster[g.Cluster], d.ID)
	}
	return out
}

// missCategory names the failed checks of m against story, from the
// clauses of its Reason (see dedupe's Match.Reason).
// splitFrom is "" when m joined a story founded outside the cluster.
func missCategory(m dedupe.Match, story, splitFrom string) string {
	switch {
	case m.StoryID == "":
		return "nothing shared"
	case m.Duplicate && m.StoryID == splitFrom:
		return "joined a story of its own cluster (split earlier)"
	case m.Duplicate:
		return "joined another cluster's story"
	case m.StoryID != story:
		return "best candidate another story"
	}
	_, failed, ok := strings.Cut(m.Reason, "; failed: ")
	if !ok {
		return "refused, no failed check named"
	}
	var cs []string
	for _, c := range []struct{ in, name string }{
		{"containment below threshold", "containment"},
		{"too few shared", "too few shared"},
		{"a shared header only", "shared header only"},
		{"shared text starts late", "alignment: starts late"},
		{"but only", "alignment: lead too sparse"},
		{"no offsets to check", "alignment: no offsets"},
		{"second stage", "second stage"},
	} {
		if strings.Contains(failed, c.in) {
			cs = append(cs, c.name)
		}
	}
	return strings.Join(cs, " + ")
}

// MissReport formats misses grouped by category, most frequent first,
// with the count per half and per kind of the later document and up to
// examples examples (ids, kinds, reason) each, taken from the tune half
// only: rules are fitted on the tune half's failures, never the check's.
func MissReport(misses []Miss, examples int) string {
	type group struct {
		name   string
		ms     []Miss
		halves map[string]int
		kinds  map[string]int
	}
	groups := map[string]*group{}
	for _, m := range misses {
		g := groups[m.Category]
		if g == nil {
			g = &group{name: m.Category, halves: map[string]int{}, kinds: map[string]int{}}
			groups[m.Category] = g
		}
		g.ms = append(g.ms, m)
		g.halves[m.Half]++
		g.kinds[m.KindB]++
	}
	gs := make([]*group, 0, len(groups))
	for _, g := range groups {
		gs = append(gs, g)
	}
	sort.Slice(gs, func(i, j int) bool {
		if len(gs[i].ms) != len(gs[j].ms) {
			return len(gs[i].ms) > len(gs[j].ms)
		}
		return gs[i].name < gs[j].name
	})
	var b strings.Builder
	fmt.Fprintf(&b, "missed pairs: %d\n", len(misses))
	for _, g := range gs {
		fmt.Fprintf(&b, "  %d %s (tune %d, check %d); by kind:", len(g.ms), g.name, g.halves[HalfTune], g.halves[HalfCheck])
		for _, k := range sortedKeys(g.kinds) {
			fmt.Fprintf(&b, " %s %d", k, g.kinds[k])
		}
		b.WriteByte('\n')
		shown := 0
		for _, m := range g.ms {
			if shown == examples {
				break
			}
			if m.Half != HalfTune {
				continue
			}
			shown++
			fmt.Fprintf(&b, "    %s (%s) after %s (%s): %s\n", m.B, m.KindB, m.A, m.KindA, m.Why)
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// WithOrigin counts, per kind, the documents of half ("" for all) that
// are not their gold origin and those of them put in the story of their
// origin (Gold.Origin): how often a copy joins its own original,
// whatever else happened in its cluster.
func WithOrigin(s *Set, assign map[string]string, half string) (joined, total map[string]int) {
	joined, total = map[string]int{}, map[string]int{}
	for _, d := range s.Docs {
		g := s.Gold[d.ID]
		if g.Tier != "core" || g.Origin == "" || g.Origin == d.ID || half != "" && HalfOf(g.Cluster) != half {
			continue
		}
		total[g.Kind]++
		if o, ok := assign[g.Origin]; ok && o == assign[d.ID] {
			joined[g.Kind]++
		}
	}
	return joined, total
}

// WithOriginString formats WithOrigin for the tune half, the check half
// and the whole stream, one line each.
func WithOriginString(s *Set, assign map[string]string) string {
	var b strings.Builder
	for _, h := range []string{HalfTune, HalfCheck, ""} {
		joined, total := WithOrigin(s, assign, h)
		name := h
		if name == "" {
			name = "all"
		}
		fmt.Fprintf(&b, "copy joined its original (%s):", name)
		for _, k := range sortedKeys(total) {
			fmt.Fprintf(&b, " %s %.3f (%d of %d)", k, float64(joined[k])/float64(total[k]), joined[k], total[k])
		}
		b.WriteByte('\n')
	}
	return strings.TrimRight(b.String(), "\n")
}

// headerWords is the word offset in text of the first 8 words of orig,
// or -1: the length of the header a copy puts before its original.
func headerWords(text, orig string) int {
	cw, ow := strings.Fields(text), strings.Fields(orig)
	if len(ow) < 8 {
		return -1
	}
	want := strings.Join(ow[:8], " ")
	for i := 0; i+8 <= len(cw); i++ {
		if cw[i] == ow[0] && strings.Join(cw[i:i+8], " ") == want {
			return i
		}
	}
	return -1
}

// ByHeader formats, for the copies of kind (e.g. RewrapLongHead), how
// often each joined its original by the length of its header in 20-word
// steps, apart for copies that came after an original that founded its
// story ("after the founding original") and the others (the copy came
// first, or the original had joined another copy's story: stories do not
// chain through members, so such a copy is judged against another
// copy's header).
func ByHeader(s *Set, assign map[string]string, kind string) string {
	text, pos := map[string]string{}, map[string]int{}
	for i, d := range s.Docs {
		text[d.ID], pos[d.ID] = d.Text, i
	}
	type key struct {
		founder bool
		bucket  int
	}
	joined, total := map[key]int{}, map[key]int{}
	for _, d := range s.Docs {
		g := s.Gold[d.ID]
		if g.Kind != kind || g.Tier != "core" {
			continue
		}
		h := headerWords(d.Text, text[g.Origin])
		if h < 0 {
			continue
		}
		k := key{pos[g.Origin] < pos[d.ID] && assign[g.Origin] == g.Origin, h / 20 * 20}
		total[k]++
		if assign[d.ID] == assign[g.Origin] {
			joined[k]++
		}
	}
	var b strings.Builder
	for _, founder := range []bool{true, false} {
		name := "after the founding original"
		if !founder {
			name = "otherwise"
		}
		fmt.Fprintf(&b, "%s joined its original by header words (%s):", kind, name)
		for bucket := 0; bucket < 200; bucket += 20 {
			k := key{founder, bucket}
			if total[k] > 0 {
				fmt.Fprintf(&b, " %d-%d %d of %d;", bucket, bucket+19, joined[k], total[k])
			}
		}
		b.WriteByte('\n')
	}
	return strings.TrimRight(b.String(), "\n")
}
