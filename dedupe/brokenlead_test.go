package dedupe_test

import (
	"strings"
	"testing"
)

// rewordEvery replaces every k-th word of p by a word of its own, so that p
// shares no 5-word run with the original (an edit that rewrote it).
func rewordEvery(p string, k int) string {
	ws := strings.Fields(p)
	for i := range ws {
		if i%k == k-1 {
			ws[i] = "edited" + ws[i]
		}
	}
	return strings.Join(ws, " ")
}

// TestMatch_BrokenLead (issue 13, category 2): a copy whose lead was
// broken by edits shares a small block at the top and a larger one
// starting far in; it is a copy when all its blocks hold most of the
// shorter text, in either arrival order. Texts that share only an opening
// paragraph and a late stretch of lesser weight stay apart.
func TestMatch_BrokenLead(t *testing.T) {
	p := strings.Split(genText(303, 10), "\n\n") // headline + 10 paragraphs of 60 words
	other := strings.Split(genText(404, 8), "\n\n")
	story := strings.Join(p, "\n\n")
	// Headline and first paragraph kept, the next three rewritten, the
	// rest kept: the largest block starts about 240 words in.
	broken := strings.Join(append([]string{p[0], p[1], rewordEvery(p[2], 3), rewordEvery(p[3], 3), rewordEvery(p[4], 3)}, p[5:]...), "\n\n")
	// The same opening, then a different article that quotes one of the
	// story's late paragraphs.
	opening := strings.Join(append([]string{p[0], p[1]}, append(other[1:8], p[9])...), "\n\n")
	tests := []struct {
		name        string
		first, then string
		wantDup     bool
	}{
		{"story then copy with a broken lead", story, broken, true},
		{"copy with a broken lead then story", broken, story, true},
		{"story then shared opening and a quote", story, opening, false},
		{"shared opening and a quote then story", opening, story, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := matchAfter(t, tc.first, tc.then)
			if m.Duplicate != tc.wantDup {
				t.Errorf("Duplicate = %v, want %v: %s", m.Duplicate, tc.wantDup, m.Reason)
			}
			if tc.wantDup && !strings.Contains(m.Reason, "aligned on the first shared block") {
				t.Errorf("reason does not say the first block aligned it: %s", m.Reason)
			}
		})
	}
}
