package dedupe_test

import (
	"fmt"
	"strings"
	"testing"
)

// respin re-spins paras (a headline and body paragraphs): the headline is
// replaced, the first body paragraph has every third word swapped but for
// one run of ten words, and the other paragraphs one word in ten swapped,
// the way a re-spun copy rewords its opening sentences and keeps most of
// the rest.
func respin(paras []string) []string {
	out := []string{"A new headline of its own"}
	for p, para := range paras[1:] {
		ws := strings.Fields(para)
		for i := range ws {
			switch {
			case p == 0 && (i < 20 || i >= 30) && i%3 == 0, p > 0 && i%10 == 0:
				ws[i] = fmt.Sprintf("s%d_%d", p, i)
			}
		}
		out = append(out, strings.Join(ws, " "))
	}
	return out
}

// TestMatch_SparseLead (issue 13, re-spins): a copy re-spun in its first
// sentences keeps one sampled 5-word run in its lead, not the two the
// near-start route asks for, but its shared text runs through most of the
// text: it is a copy, and the reason says why. The seeds are ones where
// exactly one shared shingle falls in the lead. A text that shares only
// the same reworded opening with the story and then goes on with other
// text is not a copy, and the reason says its lead holds one shared
// shingle where two are needed (not that its shared text starts late).
func TestMatch_SparseLead(t *testing.T) {
	for _, seed := range []uint64{7, 8, 14, 30} {
		orig := strings.Split(genText(seed, 5), "\n\n") // headline + 5 paragraphs of 60 words
		spun := respin(orig)
		t.Run(fmt.Sprintf("seed %d", seed), func(t *testing.T) {
			m := matchAfter(t, strings.Join(orig, "\n\n"), strings.Join(spun, "\n\n"))
			if !m.Duplicate {
				t.Fatalf("not a duplicate: %s", m.Reason)
			}
			if !strings.Contains(m.Reason, "one shared shingle in the lead") {
				t.Errorf("reason does not say the lead is sparse: %s", m.Reason)
			}
		})
		other := strings.Split(genText(seed+5000, 5), "\n\n")
		t.Run(fmt.Sprintf("seed %d, opening then other text", seed), func(t *testing.T) {
			then := strings.Join(append(spun[:3:3], other[1:]...), "\n\n")
			m := matchAfter(t, strings.Join(orig, "\n\n"), then)
			if m.Duplicate {
				t.Fatalf("a duplicate: %s", m.Reason)
			}
			if !strings.Contains(m.Reason, "but only 1 shared shingle(s) lie in this text's first") {
				t.Errorf("reason does not say the lead is short: %s", m.Reason)
			}
		})
	}
}
