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

// replaceEvery replaces the first k words of every n of p by words of its
// own: what is left shares scattered runs with p, not p word for word.
func replaceEvery(p string, n, k int) string {
	ws := strings.Fields(p)
	for i := range ws {
		if i%n < k {
			ws[i] = "other" + ws[i]
		}
	}
	return strings.Join(ws, " ")
}

// TestMatch_UpdateFromTwoStories (issue 13, category 5): an update that
// keeps the first paragraphs of story A and appends paragraphs of story B
// joins A, in either arrival order, though it holds far less than the
// threshold of either text; B, whose paragraphs come late in it, is
// refused; so it is when A carries a short header of its own. A shorter
// shared opening (a template header), a quoted paragraph, or an opening
// that shares only scattered runs with A's (not word for word) does not
// join.
func TestMatch_UpdateFromTwoStories(t *testing.T) {
	a := strings.Split(genText(505, 5), "\n\n") // headline + 5 paragraphs of 60 words
	b := strings.Split(genText(606, 5), "\n\n")
	c := strings.Split(genText(707, 5), "\n\n")
	storyA := strings.Join(a, "\n\n")
	storyB := strings.Join(b, "\n\n")
	update := strings.Join([]string{a[0], a[1], b[2], b[3], b[4]}, "\n\n")
	header := "Morning Briefing from the Desk\n\nGood morning, here is what you need to know today in brief from our desk, sent every weekday to all of our readers."
	tests := []struct {
		name    string
		stories map[string]string
		text    string
		want    string // story id joined, "" for none
	}{
		{"update after A and B", map[string]string{"A": storyA, "B": storyB}, update, "A"},
		{"A after the update", map[string]string{"U": update}, storyA, "U"},
		{"B after the update", map[string]string{"U": update}, storyB, ""},
		{"opening paragraph only, then another story", map[string]string{"A": storyA},
			strings.Join([]string{a[0], a[1], c[1], c[2], c[3], c[4]}, "\n\n"), "A"},
		{"same template header, different bodies", map[string]string{"A": header + "\n\n" + storyA},
			header + "\n\n" + strings.Join(c, "\n\n"), ""},
		{"quotes A's second paragraph", map[string]string{"A": storyA},
			strings.Join([]string{c[0], c[1], a[2], c[2], c[3]}, "\n\n"), ""},
		{"update keeping two paragraphs after A under its own header",
			map[string]string{"A": "Evening Wire Desk | Regional Edition | Tuesday\n\n" + storyA, "B": storyB},
			strings.Join([]string{a[0], a[1], a[2], b[3], b[4]}, "\n\n"), "A"},
		{"A's opening with two words in nine replaced, then another story", map[string]string{"A": storyA},
			strings.Join([]string{a[0], replaceEvery(a[1], 9, 2), replaceEvery(a[2], 9, 2), c[1], c[2], c[3], c[4]}, "\n\n"), ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ix := newIndex(t, dedupe.Options{})
			for id, text := range tc.stories {
				ix.Add(dedupe.Entry{StoryID: id, Text: text, Time: t0})
			}
			m := ix.Match(tc.text)
			got := ""
			if m.Duplicate {
				got = m.StoryID
			}
			if got != tc.want {
				t.Fatalf("joined %q, want %q: %s", got, tc.want, m.Reason)
			}
			if got != "" && tc.name != "A after the update" && !strings.Contains(m.Reason, "shared opening") {
				t.Errorf("reason does not name the shared opening: %s", m.Reason)
			}
		})
	}
}
