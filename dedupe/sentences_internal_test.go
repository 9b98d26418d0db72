package dedupe

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Invented texts for the second stage, in testdata/second-stage (none is
// corpus text; one sentence a line): a council story, a heavy rewrite of
// it (words swapped and sentences recast, so few 5-word runs survive, but
// each sentence keeps its names, numbers and content words, in order),
// and another outlet's story of the same meeting (the same names and
// numbers, in sentences of its own). Package dedupeeval's tests read them
// too.
var (
	councilStory       = secondStageText("story")
	councilRewrite     = secondStageText("rewrite")
	councilOtherOutlet = secondStageText("other-outlet")
)

// secondStageText is testdata/second-stage/name.txt as one paragraph.
func secondStageText(name string) string {
	data, err := os.ReadFile(filepath.Join("testdata", "second-stage", name+".txt"))
	if err != nil {
		panic(err) // the test data is part of the package
	}
	return strings.Join(strings.Fields(string(data)), " ")
}

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

// TestAlignSentencesOtherSubject: two reports written to one template
// about other subjects (a town's weather, invented) share every term of
// every sentence but the subject's name, which each holds in every
// sentence; they are not a rewrite of each other. The same report with
// its sentences recast is.
func TestAlignSentencesOtherSubject(t *testing.T) {
	report := func(town string) string {
		var b strings.Builder
		for i, part := range []string{"morning fog", "afternoon showers", "evening winds", "overnight frost", "weekend sunshine"} {
			fmt.Fprintf(&b, "Forecasters expect %s over %s on day %d with temperatures near %d degrees across the valley. ", part, town, i+1, 10+i)
		}
		return b.String()
	}
	a, b := sentenceTerms(report("Ashcombe")), sentenceTerms(report("Brindle"))
	if got := alignSentences(a, b); got.ok || !got.subjectMissing {
		t.Errorf("template reports on two towns: ok %v, subject missing %v; want refused for the missing subject (%s)", got.ok, got.subjectMissing, got.reason())
	}
	recast := strings.ReplaceAll(strings.ReplaceAll(report("Ashcombe"), "Forecasters expect", "Expect"), "across the valley", "in the valley, forecasters say")
	if got := alignSentences(a, sentenceTerms(recast)); !got.ok {
		t.Errorf("the same report recast: %s; want a rewrite", got.reason())
	}
}

// TestAlignSentences_Verbatim (invented sentences): a short heavy rewrite
// that leaves half its sentences as they were is a rewrite, its verbatim
// pairs counting in the run; verbatim sentences alone, or with a single
// rewritten one, are not (a quoted or borrowed passage).
func TestAlignSentences_Verbatim(t *testing.T) {
	const (
		s1  = "The Harbourside library reopened its doors on Saturday after a renovation costing 4.2 million pounds over eighteen months. "
		s2  = "Librarian Mabel Ortiga said visitors queued outside before dawn to see the new reading rooms and children's wing. "
		s2r = "Librarian Mabel Ortiga told reporters visitors queued outside before dawn to see the new reading rooms and the children's wing. "
		s3  = "The council expects annual visits to rise from 90000 to 150000 once the rooftop garden opens next spring. "
		s4  = "Local author Fenwick Dray will host weekly writing workshops for teenagers starting in the first week of March."
		s4r = "Local author Fenwick Dray is to host weekly writing sessions for teenagers from the first week of March."
		o1  = "Meanwhile the ferry operator announced timetable changes affecting commuters travelling between the islands this winter. "
		o2  = "Ticket prices for the evening crossings will climb by twelve percent when the new schedule begins in November."
	)
	story := sentenceTerms(s1 + s2 + s3 + s4)
	tests := []struct {
		name, text string
		want       bool
	}{
		{"two sentences rewritten, two verbatim", s1 + s2r + s3 + s4r, true},
		{"verbatim sentences only", s1 + s3 + o1 + o2, false},
		{"one sentence rewritten, two verbatim", s1 + s2r + s3 + o2, false},
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
