package dedupe

import (
	"fmt"
	"strings"
	"testing"
)

// seqWords returns n words "prefix0 prefix1 ...".
func seqWords(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprint(prefix, i)
	}
	return out
}

func cat(parts ...[]string) []string {
	var out []string
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// TestSharedStart: the shared text's start is found word for word in
// both texts, back over a line one text inserts between paragraphs (at
// most sharedGap words), not over more.
func TestSharedStart(t *testing.T) {
	s1, s2 := seqWords("s", 30), seqWords("t", 60)
	tests := []struct {
		name   string
		tq, ts []string
		i      int // a word of the text inside the shared text
		qi, sj int
	}{
		{"one run under two headers", cat(seqWords("h", 12), s1, s2), cat(seqWords("k", 20), s1, s2), 12 + 40, 12, 20},
		{"a line inserted in this text", cat(seqWords("h", 12), s1, seqWords("read", 8), s2), cat(seqWords("k", 20), s1, s2), 12 + 30 + 8 + 10, 12, 20},
		{"a line inserted in the story", cat(seqWords("h", 12), s1, s2), cat(seqWords("k", 20), s1, seqWords("read", 8), s2), 12 + 30 + 10, 12, 20},
		{"more than sharedGap words inserted", cat(seqWords("h", 12), s1, seqWords("own", sharedGap+10), s2), cat(seqWords("k", 20), s1, s2), 12 + 30 + sharedGap + 10 + 5, 12 + 30 + sharedGap + 10, 50},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			qi, sj, ok := sharedStart(tc.tq, tc.ts, tc.i, 5)
			if !ok || qi != tc.qi || sj != tc.sj {
				t.Errorf("sharedStart = %d, %d, %v; want %d, %d (text from %q)", qi, sj, ok, tc.qi, tc.sj, strings.Join(tc.tq[max(0, qi):min(len(tc.tq), qi+3)], " "))
			}
		})
	}
}

// TestProseBefore_CreditLine: a line naming the line before it whole (a
// site's or a writer's name, then a credit line that names it) is a
// credit line, not a headline's lead, so a header of such lines is not
// prose; a headline and a lead that names what it names in words of its
// own still are.
func TestProseBefore_CreditLine(t *testing.T) {
	tests := []struct {
		name string
		text string
		want bool
	}{
		{"a site's name, then a filing note naming it",
			"Tidewater Courier\n\nFiled by Northern Wire Agency from Saltmarsh at 09:12 local time and edited by the Tidewater Courier news desk.\n\n", false},
		{"a writer's name, then a line about the writer",
			"Mara Quillfeather\n\nMara Quillfeather reports on councils, courts and transport across the northern counties for this newspaper.\n\n", false},
		{"a headline and its lead",
			"Council backs harbour bridge plan\n\nCouncillors voted on Tuesday to fund the harbour bridge after years of delays and rising costs.\n\n", true},
		{"a headline whose lead names only part of it",
			"Tidewater Courier wins award\n\nThe Tidewater newsroom collected three national prizes for reporting on flooding across the estuary.\n\n", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := proseBefore(tc.text, 1000, true); got != tc.want {
				t.Errorf("proseBefore = %v, want %v", got, tc.want)
			}
		})
	}
}
