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
