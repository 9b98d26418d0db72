package dedupe_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/feedsift/feedsift/dedupe"
)

// genText builds an article-like text of n paragraphs from a random
// vocabulary; texts from different seeds share almost no 5-word runs.
func genText(seed uint64, paras int) string {
	r := rand.New(rand.NewPCG(seed, 7))
	var b strings.Builder
	fmt.Fprintf(&b, "Headline number %d about things\n\n", seed)
	for p := range paras {
		if p > 0 {
			b.WriteString("\n\n")
		}
		for w := range 60 {
			if w > 0 {
				b.WriteByte(' ')
			}
			fmt.Fprintf(&b, "w%d", r.IntN(5000))
		}
		b.WriteByte('.')
	}
	return b.String()
}

func time1(i int) time.Duration { return time.Duration(i) * time.Hour }

// matchAfter indexes first as the story "first" in a new index with the
// default options and matches then against it.
func matchAfter(t *testing.T, first, then string) dedupe.Match {
	t.Helper()
	ix, err := dedupe.NewIndex(dedupe.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ix.Add(dedupe.Entry{StoryID: "first", Text: first, Time: t0})
	return ix.Match(then)
}
