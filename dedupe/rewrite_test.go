package dedupe_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/feedsift/feedsift/dedupe"
)

// rewrite replaces, in every window of ten words of each paragraph of
// paras but the first (the headline, replaced by another), the words at the positions in
// subst with new ones, the way a heavy rewrite keeps short runs of the
// original's words between its own.
func rewrite(paras []string, subst []int) []string {
	out := []string{"A new headline of its own"}
	for p, para := range paras[1:] {
		ws := strings.Fields(para)
		for i := range ws {
			for _, s := range subst {
				if i%10 == s {
					ws[i] = fmt.Sprintf("r%d_%d", p, i)
				}
			}
		}
		out = append(out, strings.Join(ws, " "))
	}
	return out
}

// TestMatch_Rewrite (issue 13, category 7): a heavy rewrite of a story
// (its headline replaced, three words in ten replaced, its last
// paragraph dropped) keeps under a third of its 5-word runs, below the
// threshold; those it keeps spread over the text from near its start, and
// it is a copy, with the reason saying so. The seeds are ones whose
// sampled containment falls below the threshold. A text that shares one
// short stretch near the start with the story, or its template header, is
// not a copy.
func TestMatch_Rewrite(t *testing.T) {
	for _, seed := range []uint64{802, 808, 810, 813} {
		orig := strings.Split(genText(seed, 4), "\n\n") // headline + 4 paragraphs of 60 words
		heavy := strings.Join(rewrite(orig[:3], []int{0, 1, 2}), "\n\n")
		t.Run(fmt.Sprintf("seed %d", seed), func(t *testing.T) {
			m := matchAfter(t, strings.Join(orig, "\n\n"), heavy)
			if !m.Duplicate {
				t.Fatalf("not a duplicate: %s", m.Reason)
			}
			if m.Containment >= dedupe.DefaultThreshold {
				t.Errorf("containment %.2f is not below the threshold: the case does not test the rewrite route", m.Containment)
			}
			if !strings.Contains(m.Reason, "a rewrite") {
				t.Errorf("reason does not say rewrite: %s", m.Reason)
			}
		})
	}
	orig := strings.Split(genText(808, 4), "\n\n")
	other := strings.Split(genText(909, 4), "\n\n")
	header := "Morning Briefing from the Desk\n\nGood morning, here is what you need to know today in brief from our desk."
	for _, tc := range []struct{ name, first, then string }{
		{"one short stretch of the opening, then other text", strings.Join(orig, "\n\n"),
			strings.Join([]string{"Other headline", strings.Join(strings.Fields(orig[1])[:30], " "), other[1], other[2]}, "\n\n")},
		{"same template header, different bodies", header + "\n\n" + strings.Join(orig[:3], "\n\n"),
			header + "\n\n" + strings.Join(other[:3], "\n\n")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if m := matchAfter(t, tc.first, tc.then); m.Duplicate {
				t.Errorf("a duplicate: %s", m.Reason)
			}
		})
	}
}
