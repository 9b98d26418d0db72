package dedupeeval_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/feedsift/feedsift/dedupe"
	"github.com/feedsift/feedsift/internal/eval/dedupeeval"
)

// Invented texts (package dedupe's second-stage test data): a story, a
// heavy rewrite of it and another outlet's story of the same meeting.
var (
	councilStory       = secondStageText("story")
	councilRewrite     = secondStageText("rewrite")
	councilOtherOutlet = secondStageText("other-outlet")
)

// secondStageText is dedupe's testdata/second-stage/name.txt as one
// paragraph.
func secondStageText(name string) string {
	data, err := os.ReadFile(filepath.Join("..", "..", "..", "dedupe", "testdata", "second-stage", name+".txt"))
	if err != nil {
		panic(err) // the test data is part of the repository
	}
	return strings.Join(strings.Fields(string(data)), " ")
}

// TestRun_Founders: Run hands the index the texts that founded stories,
// so the heavy rewrite joins its story by the second stage and the other
// outlet's story does not; with a TextSource that knows nothing, the
// rewrite stays apart.
func TestRun_Founders(t *testing.T) {
	docs := []dedupeeval.Doc{{ID: "story", Text: councilStory}, {ID: "rewrite", Text: councilRewrite}, {ID: "other", Text: councilOtherOutlet}}
	// Sample 1 indexes every shingle, so that these short texts share
	// enough of them to be near misses (the second stage's band).
	assign, err := dedupeeval.Run(docs, dedupe.Options{Sample: 1})
	if err != nil {
		t.Fatal(err)
	}
	if assign["rewrite"] != "story" || assign["other"] != "other" {
		t.Errorf("with founding texts: got %v, want rewrite in story, other apart", assign)
	}
	none := dedupe.TextFunc(func(string) (string, bool) { return "", false })
	assign, err = dedupeeval.Run(docs, dedupe.Options{Sample: 1, Texts: none})
	if err != nil {
		t.Fatal(err)
	}
	if assign["rewrite"] != "rewrite" {
		t.Errorf("without texts: rewrite joined %q, want it apart", assign["rewrite"])
	}
}
