package dedupe

import (
	"slices"
	"testing"
)

// TestScratchTokens: the token buffers of a pooled scratch give what
// Tokens gives, for the text however often it is asked (cut once) and
// when the text changes, for story after story (a shorter one after a
// longer in the same buffer), and a scratch back from the pool holds no
// token of the last match.
func TestScratchTokens(t *testing.T) {
	ix, err := NewIndex(Options{})
	if err != nil {
		t.Fatal(err)
	}
	texts := []string{councilStory, "Short Story, two WORDS", "", "Ünïcödé WÖRDS &amp; more " + councilStory}
	sc := ix.getScratch()
	for _, text := range texts {
		for range 2 {
			if got, want := sc.textTokens(text), Tokens(text); !slices.Equal(got, want) {
				t.Errorf("textTokens(%.30q) = %.5q..., Tokens %.5q...", text, got, want)
			}
		}
		for _, other := range texts {
			if got, want := sc.storyTokens(other), Tokens(other); !slices.Equal(got, want) {
				t.Errorf("storyTokens(%.30q) = %.5q..., Tokens %.5q...", other, got, want)
			}
		}
	}
	tq, ts := sc.tq, sc.ts
	ix.putScratch(sc, nil)
	for i, w := range slices.Concat(tq[:cap(tq)], ts[:cap(ts)]) {
		if w != "" {
			t.Fatalf("pooled scratch keeps token %d %q", i, w)
		}
	}
	if sc.tqCut || sc.text != "" {
		t.Errorf("pooled scratch keeps the text (cut %v)", sc.tqCut)
	}
}
