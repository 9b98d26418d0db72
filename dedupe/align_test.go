package dedupe_test

import (
	"strings"
	"testing"
)

// TestMatch_Alignment: a text that carries another story's paragraph, or
// an update that appends another story's opening paragraphs, is not a copy
// of that story in either arrival order; a copy under its own header is.
func TestMatch_Alignment(t *testing.T) {
	a := strings.Split(genText(101, 6), "\n\n") // headline + 6 paragraphs
	b := strings.Split(genText(202, 6), "\n\n")
	join := func(parts ...[]string) string {
		var all []string
		for _, p := range parts {
			all = append(all, p...)
		}
		return strings.Join(all, "\n\n")
	}
	story := join(b)
	quote := join(a[:2], b[3:4], a[2:])
	update := join(a[:4], b[1:4])
	copied := join([]string{"Daily Wire Service | Home / World"}, b)
	tests := []struct {
		name        string
		first, then string
		wantDup     bool
	}{
		{"quote then story", quote, story, false},
		{"story then quote", story, quote, false},
		{"update then story", update, story, false},
		{"story then update", story, update, false},
		{"story then copy under a header", story, copied, true},
		{"copy under a header then story", copied, story, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := matchAfter(t, tc.first, tc.then)
			if m.Duplicate != tc.wantDup {
				t.Errorf("Duplicate = %v, want %v: %s", m.Duplicate, tc.wantDup, m.Reason)
			}
		})
	}
}
