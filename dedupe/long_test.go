package dedupe_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// genShortParas builds a long article of paras short, distinct paragraphs
// of about words words each (a headline first), from a random vocabulary.
func genShortParas(seed uint64, paras, words int) []string {
	r := rand.New(rand.NewPCG(seed, 11))
	out := []string{fmt.Sprintf("Headline number %d about the long report", seed)}
	for range paras {
		var b strings.Builder
		n := words - 4 + r.IntN(9)
		for w := range n {
			if w > 0 {
				b.WriteByte(' ')
			}
			fmt.Fprintf(&b, "v%d", r.IntN(8000))
		}
		b.WriteByte('.')
		out = append(out, b.String())
	}
	return out
}

// TestMatch_LongManyParagraphs: a long article of many short paragraphs
// (issue 13, category 3: ~1,200 words in ~34 paragraphs) is a copy of
// itself, of itself without its last paragraph, and the other way round.
// Long stories keep a bottom-k sketch of their body sample; the text's
// body shingles past the story's cut are not evidence of a gap, and must
// not split the one shared block. The seeds are ones where they did (the
// largest block then started hundreds of words in).
func TestMatch_LongManyParagraphs(t *testing.T) {
	articles := []struct {
		seed         uint64
		paras, words int
	}{
		{1044, 34, 36}, {1598, 34, 36}, {2441, 34, 36}, {2540, 34, 36}, // ~1,230 words
		{11, 34, 60}, {17, 80, 24}, {54, 120, 36}, // 2,000 to 4,300 words
	}
	for _, a := range articles {
		p := genShortParas(a.seed, a.paras, a.words)
		full := strings.Join(p, "\n\n")
		short := strings.Join(p[:len(p)-1], "\n\n")
		tests := []struct {
			name        string
			first, then string
		}{
			{"identical", full, full},
			{"without the last paragraph", full, short},
			{"then with the last paragraph", short, full},
		}
		for _, tc := range tests {
			t.Run(fmt.Sprintf("seed %d, %dx%d words/%s", a.seed, a.paras, a.words, tc.name), func(t *testing.T) {
				if m := matchAfter(t, tc.first, tc.then); !m.Duplicate {
					t.Errorf("not a duplicate: %s", m.Reason)
				}
			})
		}
	}
}
