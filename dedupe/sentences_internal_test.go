package dedupe

import (
	"strings"
	"testing"
	"time"
)

// Invented texts for the second stage (none is corpus text): a council
// story, a heavy rewrite of it (words swapped and sentences recast, so few
// 5-word runs survive, but each sentence keeps its names, numbers and
// content words, in order), and another outlet's story of the same
// meeting (the same names and numbers, in sentences of its own).
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

// TestAlignSentences: the heavy rewrite aligns sentence by sentence in
// order; the other outlet's story shares names and numbers but not its
// sentences; neither text aligns with its sentences reversed past the
// opening, nor does a story quoting two of the sentences.
func TestAlignSentences(t *testing.T) {
	story := sentenceTerms(councilStory)
	if len(story) != 8 {
		t.Fatalf("sentences: got %d, want 8", len(story))
	}
	sents := strings.SplitAfter(councilRewrite, ". ")
	quote := strings.Join([]string{councilOtherOutlet, sents[3], sents[4]}, " ")
	tests := []struct {
		name, text string
		want       bool
	}{
		{"heavy rewrite", councilRewrite, true},
		{"same event, other outlet", councilOtherOutlet, false},
		{"quotes two rewritten sentences", quote, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := alignSentences(sentenceTerms(tt.text), story)
			if got.ok != tt.want {
				t.Errorf("ok = %v, want %v (%s)", got.ok, tt.want, got.reason())
			}
		})
	}
}

// TestMatch_SecondStage: with a TextSource, the heavy rewrite that the
// shingle rules refuse is merged by the second stage and its reason says
// so; the other outlet's story is not merged; without a TextSource the
// rewrite is refused as before.
func TestMatch_SecondStage(t *testing.T) {
	texts := TextFunc(func(id string) (string, bool) {
		if id == "council" {
			return councilStory, true
		}
		return "", false
	})
	for _, tt := range []struct {
		name    string
		texts   TextSource
		text    string
		wantDup bool
		reason  string
	}{
		{"rewrite, no texts", nil, councilRewrite, false, "failed"},
		{"rewrite, texts", texts, councilRewrite, true, "a rewrite by the second stage: 8 of 8 sentences"},
		{"other outlet, texts", texts, councilOtherOutlet, false, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ix, err := NewIndex(Options{Sample: 1, Texts: tt.texts})
			if err != nil {
				t.Fatal(err)
			}
			ix.Add(Entry{StoryID: "council", Text: councilStory, Time: time.Unix(1.7e9, 0)})
			m := ix.Match(tt.text)
			if m.Duplicate != tt.wantDup || !strings.Contains(m.Reason, tt.reason) {
				t.Errorf("Duplicate = %v, want %v; reason %q should contain %q", m.Duplicate, tt.wantDup, m.Reason, tt.reason)
			}
		})
	}
}
