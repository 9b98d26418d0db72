package dedupeeval_test

import (
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/feedsift/feedsift/dedupe"
	"github.com/feedsift/feedsift/internal/eval/dedupeeval"
)

// madeUpStory is a made-up article of n sentences in paragraphs of three;
// different names share no five-word run.
func madeUpStory(name string, n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Headline about %s and its %d findings\n\n", name, n)
	for i := range n {
		fmt.Fprintf(&b, "The %s panel heard in session %d that witness %s%d saw %d lorries near depot %d. ", name, i, name, i*3, i*11, i*17)
		if i%3 == 2 {
			b.WriteString("\n\n")
		}
	}
	return strings.TrimSpace(b.String())
}

// madeUpDev is a dev-like set of originals (and one non-original, which
// Rewrap must ignore).
func madeUpDev(n int) *dedupeeval.Set {
	s := &dedupeeval.Set{Gold: map[string]dedupeeval.Gold{}}
	for i := range n {
		id := fmt.Sprintf("orig%02d", i)
		s.Docs = append(s.Docs, dedupeeval.Doc{ID: id, Text: madeUpStory(fmt.Sprintf("s%02dx", i), 12+i%3*20)})
		s.Gold[id] = dedupeeval.Gold{ID: id, Cluster: fmt.Sprintf("c%02d", i), Kind: "original", Tier: "core", Origin: id}
	}
	s.Docs = append(s.Docs, dedupeeval.Doc{ID: "edit00", Text: "an edited copy"})
	s.Gold["edit00"] = dedupeeval.Gold{ID: "edit00", Cluster: "c00", Kind: "edit", Tier: "core", Origin: "orig00"}
	return s
}

// bodyStart is the word offset in copy of the first 8 words of orig's
// text after skip words, or -1.
func bodyStart(copy, orig string, skip int) int {
	cw, ow := strings.Fields(copy), strings.Fields(orig)
	want := strings.Join(ow[skip:skip+8], " ")
	for i := 0; i+8 <= len(cw); i++ {
		if strings.Join(cw[i:i+8], " ") == want {
			return i
		}
	}
	return -1
}

func TestRewrap_Shape(t *testing.T) {
	dev := madeUpDev(30)
	rw := dedupeeval.Rewrap(dev, dedupeeval.RewrapOptions{Seed: 1})
	if again := dedupeeval.Rewrap(dev, dedupeeval.RewrapOptions{Seed: 1}); !reflect.DeepEqual(rw, again) {
		t.Fatal("Rewrap with the same seed gave another stream")
	}
	if other := dedupeeval.Rewrap(dev, dedupeeval.RewrapOptions{Seed: 2}); reflect.DeepEqual(rw.Docs, other.Docs) {
		t.Error("Rewrap with another seed gave the same stream")
	}
	text := map[string]string{}
	for _, d := range dev.Docs {
		text[d.ID] = d.Text
	}
	copies := map[string]map[string]bool{}
	nameWords := 4 // the longest outlet name
	for _, d := range rw.Docs {
		g := rw.Gold[d.ID]
		og, ok := dev.Gold[g.Origin]
		if !ok || og.Kind != "original" {
			t.Fatalf("%s: origin %q is not a dev original", d.ID, g.Origin)
		}
		if g.Cluster != og.Cluster || g.Tier != "core" {
			t.Errorf("%s: cluster %q tier %q, want the original's %q, core", d.ID, g.Cluster, g.Tier, og.Cluster)
		}
		orig := text[g.Origin]
		switch g.Kind {
		case dedupeeval.RewrapOriginal:
			if d.Text != orig {
				t.Errorf("%s: the original's text was changed", d.ID)
			}
			continue
		case dedupeeval.RewrapWrap:
			if at := bodyStart(d.Text, orig, 0); at < 0 || at > 30+nameWords {
				t.Errorf("%s: body starts at word %d, want 0..%d", d.ID, at, 30+nameWords)
			}
		case dedupeeval.RewrapLongHead:
			if at := bodyStart(d.Text, orig, 0); at < 40-12 || at > 120+nameWords {
				t.Errorf("%s: body starts at word %d, want a 40-120 word header", d.ID, at)
			}
		case dedupeeval.RewrapTrim:
			ow := strings.Fields(orig)
			if bodyStart(d.Text, orig, 0) < 0 || bodyStart(d.Text, orig, len(ow)-8) >= 0 {
				t.Errorf("%s: not the original's opening with its ending cut", d.ID)
			}
		case dedupeeval.RewrapResplit:
			if n, on := strings.Count(d.Text, "\n\n"), strings.Count(orig, "\n\n"); n < 2*on {
				t.Errorf("%s: %d paragraph breaks, the original %d: not re-split", d.ID, n, on)
			}
		case dedupeeval.RewrapBrief:
			if bodyStart(d.Text, orig, 0) < 0 {
				t.Errorf("%s: a brief not opening like its original", d.ID)
			}
		default:
			t.Errorf("%s: unexpected kind %q", d.ID, g.Kind)
		}
		if copies[g.Origin] == nil {
			copies[g.Origin] = map[string]bool{}
		}
		copies[g.Origin][g.Kind] = true
	}
	for id, ks := range copies {
		delete(ks, dedupeeval.RewrapBrief)
		if len(ks) != 2 {
			t.Errorf("%s: copies of kinds %v, want two kinds", id, ks)
		}
	}
	// Every copy put with its original: ByHeader counts them all joined,
	// in the header buckets the generator promises.
	all := map[string]string{}
	for id, g := range rw.Gold {
		all[id] = g.Cluster
	}
	got := dedupeeval.ByHeader(rw, all, dedupeeval.RewrapLongHead)
	counts := regexp.MustCompile(`(\d+)-\d+ (\d+) of (\d+);`).FindAllStringSubmatch(got, -1)
	if len(counts) == 0 {
		t.Errorf("ByHeader found no long headers:\n%s", got)
	}
	for _, c := range counts {
		if from, _ := strconv.Atoi(c[1]); c[2] != c[3] || from < 20 {
			t.Errorf("ByHeader bucket %q: want all joined, a header of 20 words or more:\n%s", c[0], got)
		}
	}
	if len(rw.HardNeg) == 0 {
		t.Fatal("no template hard negatives")
	}
	for _, p := range rw.HardNeg {
		a, b := rw.Gold[p.A], rw.Gold[p.B]
		if p.Type != dedupeeval.RewrapTemplatePair || a.Kind != dedupeeval.RewrapBrief || b.Kind != dedupeeval.RewrapBrief || a.Cluster == b.Cluster {
			t.Errorf("hard negative %v: kinds %s/%s clusters %s/%s", p, a.Kind, b.Kind, a.Cluster, b.Cluster)
		}
	}
}

// TestRewrapDev scores the re-wrapped stream of a slice of the dev
// stream's originals: the measurement works (it finds what must be found,
// and names why it missed what it missed), whatever the figures.
func TestRewrapDev(t *testing.T) {
	dev := loadDev(t)
	rw := dedupeeval.Rewrap(dev, dedupeeval.RewrapOptions{Seed: dedupeeval.DefaultRewrapSeed, MaxOriginals: 150})
	assign, trace, err := dedupeeval.RunTrace(rw.Docs, dedupe.Options{})
	if err != nil {
		t.Fatal(err)
	}
	pos := map[string]int{}
	words := map[string]int{}
	for i, d := range rw.Docs {
		pos[d.ID] = i
		words[d.ID] = len(strings.Fields(d.Text))
	}
	// A long original that founded its story takes every copy under a
	// short site header after it: the body is the same text.
	found := 0
	for _, d := range rw.Docs {
		g := rw.Gold[d.ID]
		if g.Kind != dedupeeval.RewrapWrap || words[g.Origin] < 300 || pos[g.Origin] > pos[d.ID] || assign[g.Origin] != g.Origin {
			continue
		}
		found++
		if assign[d.ID] != g.Origin {
			t.Errorf("%s, a re-wrapped copy of the long original %s founded before it, was not found: %s", d.ID, g.Origin, trace[d.ID].Reason)
		}
	}
	if found < 5 {
		t.Errorf("only %d re-wrapped copies of long founders in the slice; the check is empty", found)
	}
	rs := dedupeeval.Report(rw, assign)
	all := rs[len(rs)-1]
	if all.CoreDocs != len(rw.Docs) || all.HardNegCount[dedupeeval.RewrapTemplatePair] == 0 {
		t.Errorf("scored %d core docs of %d, %d template pairs", all.CoreDocs, len(rw.Docs), all.HardNegCount[dedupeeval.RewrapTemplatePair])
	}
	for _, kind := range []string{dedupeeval.RewrapWrap, dedupeeval.RewrapLongHead, dedupeeval.RewrapTrim, dedupeeval.RewrapResplit, dedupeeval.RewrapBrief} {
		if _, ok := all.RecallByKind[kind]; !ok {
			t.Errorf("no recall for kind %s", kind)
		}
	}
	joined, total := dedupeeval.WithOrigin(rw, assign, "")
	if total[dedupeeval.RewrapWrap] == 0 || joined[dedupeeval.RewrapWrap] == 0 {
		t.Errorf("copies joined to their original: %v of %v", joined, total)
	}
	for _, m := range dedupeeval.Misses(rw, assign, trace) {
		if m.Category == "" || m.Why == "" {
			t.Errorf("miss %s after %s: category %q, reason %q", m.B, m.A, m.Category, m.Why)
		}
	}
	t.Logf("re-wrapped slice (150 originals):\n%s\n%s", all, dedupeeval.WithOriginString(rw, assign))
}
