package dedupe_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/feedsift/feedsift/dedupe"
)

// TestMatch_LongWrapperHeader: syndicated copies often open with a long
// header of their own before the story (a wire service's slug and dateline,
// an editor's note, a "this article first appeared in" paragraph): 40 to 90
// words that are not the story's. Such a copy, with a footer too, is still
// the same story in either arrival order, and the daemon's end-to-end test
// (internal/cli TestEndToEnd) relies on it.
func TestMatch_LongWrapperHeader(t *testing.T) {
	story := genText(303, 6)
	header := func(words int) string {
		var b strings.Builder
		for i := range words {
			if i > 0 {
				b.WriteByte(' ')
			}
			fmt.Fprintf(&b, "hdr%d", i*7+1)
		}
		return b.String() + "."
	}
	footer := "This article first appeared in the Example Ledger. Republished under licence."
	for _, words := range []int{40, 60, 90} {
		copied := header(words) + "\n\n" + story + "\n\n" + footer
		for _, order := range []struct {
			name        string
			first, then string
		}{{"story first", story, copied}, {"copy first", copied, story}} {
			t.Run(fmt.Sprintf("%d-word header, %s", words, order.name), func(t *testing.T) {
				ix, err := dedupe.NewIndex(dedupe.Options{})
				if err != nil {
					t.Fatal(err)
				}
				ix.Add(dedupe.Entry{StoryID: "first", Text: order.first, Time: t0})
				if m := ix.Match(order.then); !m.Duplicate {
					t.Errorf("not a duplicate: %s", m.Reason)
				}
			})
		}
	}
}
