package dedupe_test

import (
	"strings"
	"testing"

	"github.com/feedsift/feedsift/dedupe"
)

// TestMatch_Update: a text that keeps a story's opening and appends new
// paragraphs is a duplicate flagged as an update; copies and trims are not
// updates.
func TestMatch_Update(t *testing.T) {
	orig := strings.Split(genText(303, 4), "\n\n") // headline + 4 paragraphs
	more := strings.Split(genText(404, 4), "\n\n")
	story := strings.Join(orig, "\n\n")
	tests := []struct {
		name             string
		text             string
		wantDup, wantUpd bool
	}{
		{"opening plus new paragraphs", strings.Join(append(append([]string{}, orig...), more[1:4]...), "\n\n"), true, true},
		{"copy under a header", "City Desk | News\n\n" + story, true, false},
		{"trimmed", strings.Join(orig[:4], "\n\n"), true, false},
		{"other story", strings.Join(more, "\n\n"), false, false},
	}
	ix := newIndex(t, dedupe.Options{})
	ix.Add(dedupe.Entry{StoryID: "orig", Text: story, Time: t0})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := ix.Match(tc.text)
			if m.Duplicate != tc.wantDup || m.Update != tc.wantUpd {
				t.Errorf("Duplicate %v Update %v, want %v %v: %s", m.Duplicate, m.Update, tc.wantDup, tc.wantUpd, m.Reason)
			}
			if m.Duplicate && (m.Shared < 5 || m.SpanEnd <= m.SpanStart || !strings.Contains(m.Reason, "span")) {
				t.Errorf("span/shared not reported: %+v", m)
			}
		})
	}
}
