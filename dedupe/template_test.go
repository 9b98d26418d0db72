package dedupe_test

import (
	"strings"
	"testing"
)

// TestMatch_NewTemplateHeader (issue 13, category 6): briefs that open
// with the same new template header (word for word, before MaxDocFreq
// stories hold it) over different short bodies are not copies of each
// other, and the reason says why; a copy of a brief under the same header
// still is.
func TestMatch_NewTemplateHeader(t *testing.T) {
	header := "Valley Desk Morning Round-up\n\nThe following item is part of our round-up of the day's top stories from around the region, chosen by the editors."
	brief := func(seed uint64) string {
		p := strings.Split(genText(seed, 2), "\n\n")
		return header + "\n\n" + p[0] + "\n\n" + p[1]
	}
	a, b := brief(1101), brief(1202)
	tests := []struct {
		name        string
		first, then string
		wantDup     bool
	}{
		{"another brief after a brief", a, b, false},
		{"the same brief again", a, a, true},
		{"the brief trimmed", a, a[:len(a)-120], true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := matchAfter(t, tc.first, tc.then)
			if m.Duplicate != tc.wantDup {
				t.Fatalf("Duplicate = %v, want %v: %s", m.Duplicate, tc.wantDup, m.Reason)
			}
			if !tc.wantDup && !strings.Contains(m.Reason, "shared header only") {
				t.Errorf("reason does not name the shared header: %s", m.Reason)
			}
		})
	}
}
