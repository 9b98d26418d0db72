package dedupe_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/feedsift/feedsift/dedupe"
)

// TestMatch_Allocs: a Match takes its buffers (shingles, candidates, the
// slot map) from the index's pool, so matching a text against stories
// that share text with it allocates only its verdict (the reason and what
// builds it): at most 8 allocations, where making the buffers anew took
// 13. Invented texts: 50 stories and a copy of one of them without its
// opening, a near miss (it starts late) with several candidates.
func TestMatch_Allocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector makes sync.Pool drop items at random")
	}
	ix := newIndex(t, dedupe.Options{})
	for i := range 50 {
		ix.Add(dedupe.Entry{StoryID: fmt.Sprint("story-", i), Text: genText(uint64(i), 6), Time: t0})
	}
	p := strings.Split(genText(3, 6), "\n\n")
	text := strings.Join(append([]string{"Another headline"}, p[2:]...), "\n\n")
	ix.Match(text) // shingles the text once (the index caches them) and fills the pool
	if n := testing.AllocsPerRun(100, func() { ix.Match(text) }); n > 8 {
		t.Errorf("Match allocates %.0f times, want at most 8", n)
	}
}
