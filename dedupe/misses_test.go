package dedupe

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/feedsift/feedsift/internal/evalsplit"
	"github.com/feedsift/feedsift/internal/testshared"
)

// againstStory is Match restricted to one story: the verdict and reason
// of text against the story id, whether or not another story ranks
// first. ok is false when the story shares nothing with the text.
func (ix *Index) againstStory(text, id string) (dup bool, reason string, ok bool) {
	hs, pos := ix.shingles(text)
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	cands, why := ix.scored(hs, pos, ix.getScratch())
	if why != "" {
		return false, why, true
	}
	for _, c := range cands {
		if !ix.idEq(c.slot, id) {
			continue
		}
		if ix.opts.Texts != nil {
			one := []candidate{c}
			ix.secondStage(text, one)
			c = one[0]
		}
		m := Match{StoryID: id, Duplicate: c.dup, Shared: c.best.shared}
		if c.best.qFirst != 1<<31-1 {
			m.SpanStart, m.SpanEnd = int(c.best.posFirst), int(c.best.posLast)+ix.opts.Shingle
		}
		return c.dup, ix.reason(m, c), true
	}
	return false, "", false
}

// TestDevMisses is a reading aid, not a check: with
// FEEDSIFT_DEDUPE_MISSES=1 it replays the labelled dev stream
// (corpus/dedupe/dev, as package dedupeeval does) and prints, per copy
// kind, each core document of the tune half that did not join the story
// of the first document of its gold cluster, with the matcher's reason
// against that story (the second stage included, with the texts that
// founded stories) and the story it joined instead. Only the tune half
// is printed: the check half is for checking a change, not for reading
// its misses (see internal/evalsplit).
func TestDevMisses(t *testing.T) {
	if os.Getenv("FEEDSIFT_DEDUPE_MISSES") == "" {
		t.Skip("set FEEDSIFT_DEDUPE_MISSES=1 to print the tune half's misses")
	}
	dir := filepath.Join(testshared.Dir(t), "corpus", "dedupe", "dev")
	type doc struct{ ID, Text string }
	type gold struct{ ID, Cluster, Kind, Tier string }
	var docs []doc
	golds := map[string]gold{}
	readJSONL := func(name string, fn func([]byte) error) {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Skipf("dev corpus absent: %v", err)
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 16<<20)
		for sc.Scan() {
			if err := fn(sc.Bytes()); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
		}
		if err := sc.Err(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	readJSONL("docs.jsonl", func(b []byte) error {
		var d doc
		err := json.Unmarshal(b, &d)
		docs = append(docs, d)
		return err
	})
	readJSONL("gold.jsonl", func(b []byte) error {
		var g gold
		err := json.Unmarshal(b, &g)
		golds[g.ID] = g
		return err
	})
	founders := map[string]string{} // story -> text it was founded with, for the second stage
	ix, err := NewIndex(Options{Texts: TextFunc(func(id string) (string, bool) {
		t, ok := founders[id]
		return t, ok
	})})
	if err != nil {
		t.Fatal(err)
	}
	first := map[string]string{}     // gold cluster -> story of its first document
	clusterOf := map[string]string{} // story -> gold cluster of the document that made it
	misses := map[string][]string{}
	for _, d := range docs {
		g := golds[d.ID]
		m := ix.Match(d.Text)
		story := d.ID
		if m.Duplicate {
			story = m.StoryID
		}
		if want, ok := first[g.Cluster]; ok && story != want && g.Tier == "core" && evalsplit.Of(g.Cluster) == evalsplit.Tune {
			_, why, shared := ix.againstStory(d.Text, want)
			if !shared {
				why = "shares no distinctive shingle with it"
			}
			line := fmt.Sprintf("%s vs %s: %s", d.ID, want, why)
			if m.Duplicate {
				line += fmt.Sprintf("\n    joined %s (gold cluster %s) instead: %s", m.StoryID, clusterOf[m.StoryID], m.Reason)
			}
			misses[g.Kind] = append(misses[g.Kind], line)
		}
		ix.Add(Entry{StoryID: story, Text: d.Text})
		if !m.Duplicate {
			founders[story] = d.Text
			clusterOf[story] = g.Cluster
			if _, ok := first[g.Cluster]; !ok {
				first[g.Cluster] = story
			}
		}
	}
	kinds := make([]string, 0, len(misses))
	for k := range misses {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		fmt.Printf("== %s: %d documents apart from their cluster's first story\n", k, len(misses[k]))
		for _, l := range misses[k] {
			fmt.Println("  " + l)
		}
	}
}
