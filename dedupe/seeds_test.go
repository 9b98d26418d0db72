package dedupe_test

import (
	"github.com/feedsift/feedsift/internal/testshared"

	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/feedsift/feedsift/dedupe"
)

type seed struct{ name, text string }

func loadSeeds(t *testing.T) []seed {
	t.Helper()
	dir := filepath.Join(testshared.Dir(t), "seeds")
	files, _ := filepath.Glob(filepath.Join(dir, "*.txt"))
	if len(files) < 5 {
		t.Skipf("seed articles not found in %s (set FEEDSIFT_SHARED to the shared data directory)", dir)
	}
	sort.Strings(files)
	var out []seed
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, seed{filepath.Base(f)[:3], string(b)})
	}
	return out
}

// paragraphs splits on line breaks and drops blank lines.
func paragraphs(s string) []string {
	var out []string
	for l := range strings.SplitSeq(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// Variants of a seed, built at test time.
func otherFrame(s string) string {
	p := paragraphs(s)
	body := p[1 : len(p)-1] // drop the seed's own first and last line
	return "Metro Daily Courier | Home | News | World\nAdvertisement\nShare this article: Facebook Twitter Email\n" +
		"BREAKING: a headline written by another desk\n\n" + strings.Join(body, "\n\n") +
		"\n\nRead more stories like this. Sign up for our newsletter.\nCopyright Metro Daily Courier. All rights reserved."
}

func cutLast2(s string) string {
	p := paragraphs(s)
	return strings.Join(p[:len(p)-2], "\n\n")
}

func fewWordsChanged(s string) string {
	repl := []string{"notably", "reportedly", "apparently"}
	var out []string
	for _, para := range paragraphs(s) {
		w := strings.Fields(para)
		if len(w) >= 12 {
			for i, k := 0, len(w)/4; i < 3; i, k = i+1, k+len(w)/4 {
				w[k] = repl[i]
			}
		}
		out = append(out, strings.Join(w, " "))
	}
	return strings.Join(out, "\n\n")
}

func TestSeeds(t *testing.T) {
	seeds := loadSeeds(t)
	ix := newIndex(t, dedupe.Options{})
	for _, s := range seeds {
		m := ix.Match(s.text)
		if m.Duplicate {
			t.Errorf("seed %s taken as a copy of %s: %s", s.name, m.StoryID, m.Reason)
		}
		t.Logf("seed %s: best %q containment %.2f Jaccard %.2f related %v", s.name, m.StoryID, m.Containment, m.Similarity, m.Related)
		ix.Add(dedupe.Entry{StoryID: s.name, Text: s.text, Time: t0})
	}
	if ix.Len() != len(seeds) {
		t.Fatalf("Len = %d, want %d", ix.Len(), len(seeds))
	}
	if m := ix.Match(seeds[4].text); m.StoryID != "004" {
		t.Errorf("seed 004 matches %s, want itself", m.StoryID)
	}
	if m := ix.Match(seeds[0].text); m.StoryID != "000" {
		t.Errorf("seed 000 matches %s, want itself", m.StoryID)
	}

	variants := []struct {
		name string
		make func(string) string
	}{
		{"other header and footer", otherFrame},
		{"last 2 paragraphs cut", cutLast2},
		{"few words changed per paragraph", fewWordsChanged},
	}
	for _, s := range seeds {
		for _, v := range variants {
			t.Run(s.name+"/"+v.name, func(t *testing.T) {
				m := ix.Match(v.make(s.text))
				if !m.Duplicate || m.StoryID != s.name {
					t.Errorf("variant: Duplicate %v of %q, want copy of %s; %s", m.Duplicate, m.StoryID, s.name, m.Reason)
				}
			})
		}
	}

	t.Run("brief sharing one quoted paragraph", func(t *testing.T) {
		p := paragraphs(seeds[0].text)
		quote := p[len(p)/2] // a paragraph from the middle of the article
		brief := "Washington weighs its options\n\n" +
			"Lawmakers from both parties returned to the capital on Monday with sharply different views about what should come next, " +
			"and committee chairs said hearings would be scheduled before the end of the month.\n\n" +
			quote + "\n\nThe committee will meet again on Thursday."
		m := ix.Match(brief)
		if m.Duplicate {
			t.Errorf("brief quoting one paragraph merged into %s: %s", m.StoryID, m.Reason)
		}
		t.Logf("brief: best %s containment %.2f; %s", m.StoryID, m.Containment, m.Reason)
	})
}
