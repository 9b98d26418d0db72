package dedupe_test

import (
	"strings"
	"testing"

	"github.com/feedsift/feedsift/dedupe"
)

// TestMatch_CopyWithInsertedQuote: a copy of a story that carries a short
// second story's paragraph inside joins the story it copies, not the short
// one it merely contains (which it holds in full, so its containment is
// higher), in either order of the two stories; the Reason names the
// largest shared block.
func TestMatch_CopyWithInsertedQuote(t *testing.T) {
	orig := strings.Split(genText(505, 6), "\n\n") // headline + 6 paragraphs
	short := genText(606, 1)                       // headline + 1 paragraph
	copied := strings.Join(orig[:3], "\n\n") + "\n\n" + short + "\n\n" + strings.Join(orig[3:], "\n\n")
	for _, order := range [][2]string{{"orig", "short"}, {"short", "orig"}} {
		t.Run(order[0]+" first", func(t *testing.T) {
			ix := newIndex(t, dedupe.Options{})
			texts := map[string]string{"orig": strings.Join(orig, "\n\n"), "short": short}
			for _, id := range order {
				ix.Add(dedupe.Entry{StoryID: id, Text: texts[id], Time: t0})
			}
			m := ix.Match(copied)
			if !m.Duplicate || m.StoryID != "orig" {
				t.Fatalf("Duplicate %v of %q, want a copy of orig: %s", m.Duplicate, m.StoryID, m.Reason)
			}
			for _, want := range []string{"largest shared block", "containment", "Jaccard", "shared in sample", "span words"} {
				if !strings.Contains(m.Reason, want) {
					t.Errorf("Reason lacks %q: %s", want, m.Reason)
				}
			}
		})
	}
}

// TestMatch_ReasonNamesFailedCheck: a text that is not a copy says which
// check failed.
func TestMatch_ReasonNamesFailedCheck(t *testing.T) {
	a := strings.Split(genText(707, 6), "\n\n")
	b := strings.Split(genText(808, 6), "\n\n")
	ix := newIndex(t, dedupe.Options{})
	ix.Add(dedupe.Entry{StoryID: "b", Text: strings.Join(b, "\n\n"), Time: t0})
	// a's opening, then one of b's inner paragraphs, then the rest of a.
	quote := strings.Join(append(append(append([]string{}, a[:3]...), b[4]), a[3:]...), "\n\n")
	m := ix.Match(quote)
	if m.Duplicate {
		t.Fatalf("a text quoting one paragraph was merged: %s", m.Reason)
	}
	if !strings.Contains(m.Reason, "failed:") {
		t.Errorf("Reason does not name the failed check: %s", m.Reason)
	}
}
