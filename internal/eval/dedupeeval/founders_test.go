package dedupeeval_test

import (
	"strings"
	"testing"

	"github.com/feedsift/feedsift/dedupe"
	"github.com/feedsift/feedsift/internal/eval/dedupeeval"
)

// Invented texts (as in package dedupe's second-stage test): a story, a
// heavy rewrite of it and another outlet's story of the same meeting.
var (
	councilStory = strings.Join([]string{
		"Harbourview council approved a 42 million euro plan on Tuesday to rebuild the flooded Marlow bridge before next winter.",
		"The vote passed by 31 to 9 after a debate lasting nearly four hours in the crowded town hall.",
		"Mayor Ilse Brandt said the old crossing had been closed since the February storms and traffic had doubled on the ring road.",
		"Engineers from the regional transport agency will begin clearing the riverbanks in April, according to the published timetable.",
		"Shopkeepers along Quay Street complained that months of detours had already cut their takings by almost a third.",
		"The opposition Green group argued the money should instead fund a ferry service and new cycle paths along the estuary.",
		"Construction is expected to take eighteen months, with the first lanes reopening to buses in autumn 2028.",
		"Brandt promised weekly progress reports and a public meeting every quarter until the bridge is finished.",
	}, " ")
	councilRewrite = strings.Join([]string{
		"Harbourview council approved a 42 million euro plan on Tuesday to rebuild the flooded bridge ahead of next winter.",
		"Councillors passed it by 31 to 9 after a debate lasting nearly four hours in the crowded hall.",
		"The old crossing has stayed closed since the February storms, Mayor Ilse Brandt said, and ring road traffic had doubled.",
		"Regional transport agency engineers will begin clearing riverbanks in April, the published timetable shows.",
		"Quay Street shopkeepers complained months of detours had already cut takings by almost a third.",
		"The Green opposition group argued that the money should fund a ferry service plus new estuary cycle paths.",
		"Construction should take eighteen months, with first lanes reopening for buses in autumn 2028.",
		"Brandt promised weekly progress reports plus a quarterly public meeting until the bridge is finished.",
	}, " ")
	councilOtherOutlet = strings.Join([]string{
		"Residents of Harbourview packed the town hall on Tuesday as councillors debated the future of the Marlow bridge.",
		"Many speakers were shopkeepers from Quay Street who described empty tills and lost customers since February.",
		"Ilse Brandt, the mayor, told them the 42 million euro rebuild was the only realistic option for the town.",
		"Critics from the Green group handed out leaflets showing a ferry route across the estuary to the old harbour.",
		"One retired engineer warned that the riverbanks would need years of work before any foundations could be poured.",
		"After the vote, which ended 31 to 9, a small crowd gathered outside the building to applaud the councillors.",
		"Bus operators said they would wait for details before changing their winter timetables for the district.",
		"The first public progress meeting has been scheduled for early summer in the central library building.",
	}, " ")
)

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
