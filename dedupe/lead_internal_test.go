package dedupe

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// Invented texts for the shared lead (issue 13, brief copies): an
// original about a ferry service, an abridged brief of it (headline and
// first two paragraphs) inside a new site template that no other story
// holds yet, and another outlet's edited copy under its own byline that
// rewords the first two sentences, drops the rest of the second
// paragraph, keeps a sentence of the third, which the brief lacks, and
// ends with its site's footer. The brief and the copy share little more
// than their first two sentences: half of the copy's.
const (
	ferryHead = "Island ferry service to resume in May\n\n"
	ferryS1   = "Ferries between Port Ellery and the Marram Islands will resume sailing in May after a two-year suspension, the regional transport board announced on Tuesday. "
	ferryS2   = "The board said a new operator, Tidewater Lines, had signed a seven-year contract worth 38 million pounds to run three daily crossings. "
	ferryS3   = "Islanders have campaigned for the return of the service since the previous operator collapsed in the winter of 2024. "
	ferryS4   = "A spokesman said tickets for the first sailings would go on sale during the first week of April at the harbour office.\n\n"
	ferryS5   = "During the suspension residents relied on a weekly supply barge and a small charter plane that carried eight passengers.\n\n"

	// ferryR1 to ferryR3 reword ferryS1 to ferryS3: a few words
	// replaced, the names and numbers kept.
	ferryR1 = "PORT ELLERY (Agency) - Ferries linking Port Ellery with the Marram Islands will restart sailing in May after a two-year halt, the regional transport board said on Tuesday.\n\n"
	ferryR2 = "The board said a fresh operator, Tidewater Lines, had agreed a seven-year deal worth 38 million pounds to run three daily crossings. "
	ferryR3 = "Islanders have lobbied for the return of the link since the former operator went bust in the winter of 2024.\n\n"

	gazetteHeader = "CITY DESK BULLETIN | Harbour Gazette Live\n" +
		"This is a short bulletin from our newsroom. Check back later for the complete report, or install our mobile app to be told the moment this bulletin is updated.\n\n"
	gazetteFooter = "This bulletin was prepared by the Harbour Gazette city desk from agency copy and may change. " +
		"Subscribe today for full access to regional news, sport, business and culture reporting from our team.\n"
	courierHeader = "By Tomas Reyes\nTransport Correspondent\n\nUPDATED: Island ferry service to resume in May\n\n"
	courierFooter = "Share your views with the newsroom by email. Follow the Courier on social media for the latest headlines and updates.\n"

	// Another story, for texts that quote the ferry story.
	strikeHead = "Port strike ends\n\n"
	strikeS1   = "Harbour workers at Port Ellery voted on Monday to accept a pay offer that ends a dispute lasting three months. "
	strikeS2   = "Union officials said members backed the agreement by a margin of four to one in a ballot held over the weekend. "
	strikeS3   = "Container traffic through the port fell by a fifth during the dispute according to figures from the harbour authority. "
	strikeS4   = "Shipping lines had diverted several vessels to other ports on the coast while the walkout lasted.\n\n"
)

var (
	ferryBrief = gazetteHeader + ferryHead + ferryS1 + "\n\n" + ferryS2 + ferryS3 + ferryS4 + gazetteFooter
	ferryCopy  = courierHeader + ferryR1 + ferryR2 + "\n\n" + ferryS5 + courierFooter
)

// TestAlignSentences_SharedLead: two texts whose first sentences align
// one after another, at least two of them reworded, share a lead and are
// one story however they go on, when the lead starts at the first counted
// sentence of one text and near the other's (the brief's template has a
// sentence of its own first) and holds half of the text with fewer
// sentences. A reworded paragraph that another text quotes after its own
// first sentence starts late in both; one reworded lead quoted there is
// a small part of a longer copy; a lead of one reworded sentence, or one
// that skips a sentence, is not enough; a template's lines never make a
// lead, verbatim or filled in with other dates, times and names.
func TestAlignSentences_SharedLead(t *testing.T) {
	longCopy := courierHeader + ferryR1 + ferryR2 + ferryR3 + ferryS4 + ferryS5 + courierFooter
	// A template whose lines are filled in for each brief: a dateline and
	// a byline with an agency note differ in numbers and capitalised
	// words only.
	dated := func(clock, day, date, name string, n int) string {
		return fmt.Sprintf("Last updated at %s GMT on %s %s by the Harbour Gazette news desk in Port Ellery\n"+
			"Filed by %s with additional reporting from agency wires and %d other correspondents\n\n", clock, day, date, name, n)
	}
	tests := []struct {
		name     string
		a, b     string
		want     bool
		wantLead bool
	}{
		{"edited copy and brief in a new template", ferryCopy, ferryBrief, true, true},
		{"brief and edited copy, the other way round", ferryBrief, ferryCopy, true, true},
		{"inner paragraph quoted after the text's own first sentence",
			strikeHead + strikeS1 + ferryS2 + ferryS3 + strikeS2 + strikeS3, courierHeader + ferryR1 + ferryR2 + ferryR3 + courierFooter, false, false},
		{"lead quoted after the text's own first sentence, a longer copy",
			strikeHead + strikeS1 + ferryS1 + ferryS2 + strikeS2 + strikeS3 + strikeS4, longCopy, false, false},
		{"one reworded sentence, then its own", courierHeader + ferryR1 + strikeS2 + strikeS3 + courierFooter, ferryBrief, false, false},
		{"lead that skips a sentence", courierHeader + ferryR1 + strikeS2 + ferryR2 + strikeS3, ferryBrief, false, false},
		{"same template, other story", gazetteHeader + strikeHead + strikeS1 + strikeS2 + strikeS3 + gazetteFooter, ferryBrief, false, false},
		{"same dated template, other story", dated("09:41", "Monday", "14 March 2026", "Tomas Reyes", 3) + strikeHead + strikeS1 + strikeS2,
			dated("17:05", "Tuesday", "15 March 2026", "Ines Okafor", 2) + ferryHead + ferryS1 + ferryS5, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := alignSentences(sentenceTerms(tt.a, 0), sentenceTerms(tt.b, 0))
			if got.ok != tt.want || (got.lead > 0) != tt.wantLead {
				t.Errorf("ok = %v, shared lead %d; want %v, lead %v (%s)", got.ok, got.lead, tt.want, tt.wantLead, got.reason())
			}
			if tt.wantLead && !strings.HasPrefix(got.reason(), "a shared lead: ") {
				t.Errorf("reason does not name the shared lead: %s", got.reason())
			}
		})
	}
}

// TestMatch_BriefSharedLead (issue 13, brief copies): the brief founds
// the story in a new template (its header and footer in no other story,
// so they count in its size), and the edited copy arrives: the shingles
// it shares fall below the threshold, and the second stage joins it by
// the shared lead, saying so. Without the story's text the index alone
// refuses it; a brief of another story in the same template is refused
// with the text.
func TestMatch_BriefSharedLead(t *testing.T) {
	texts := TextFunc(func(id string) (string, bool) { return ferryBrief, id == "brief" })
	tests := []struct {
		name    string
		texts   TextSource
		then    string
		wantDup bool
		want    string
	}{
		{"edited copy, with the story's text", texts, ferryCopy, true, "a shared lead: sentences 1-2"},
		{"edited copy, index alone", nil, ferryCopy, false, "containment below threshold"},
		{"other story in the same template", texts,
			gazetteHeader + strikeHead + strikeS1 + strikeS2 + "\n\n" + gazetteFooter, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ix, err := NewIndex(Options{Texts: tt.texts})
			if err != nil {
				t.Fatal(err)
			}
			ix.Add(Entry{StoryID: "brief", Text: ferryBrief, Time: time.Unix(1.7e9, 0)})
			m := ix.Match(tt.then)
			if m.Duplicate != tt.wantDup {
				t.Fatalf("Duplicate = %v, want %v: %s", m.Duplicate, tt.wantDup, m.Reason)
			}
			if !strings.Contains(m.Reason, tt.want) {
				t.Errorf("reason does not contain %q: %s", tt.want, m.Reason)
			}
		})
	}
}

// TestReworded: an aligned pair is reworded when a plain word (lower-case,
// no digit) is in one sentence and not the other; numbers, capitalised
// words and sentence starts are a template line's fields.
func TestReworded(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"Last updated at 09:41 GMT on Monday 14 March by the news desk in Port Ellery.",
			"Last updated at 17:05 GMT on Tuesday 15 April by the news desk in Port Ellery.", false},
		{"Filed by Tomas Reyes with additional reporting from agency wires and 3 other correspondents.",
			"Filed by Ines Okafor with additional reporting from agency wires and 12 other correspondents.", false},
		{ferryS2, ferryR2, true},
		{"More and more Americans are joining the internet's fast lane, according to official figures.",
			"Additional and more Americans are joining the internet's fast lane, according to official figures.", false},
		{"More and more Americans are joining the internet's fast lane, according to official figures.",
			"More and more Americans are joining the internet's fast lane, according to official data.", true},
	}
	for _, tt := range tests {
		a, b := sentenceTerms(tt.a, 0), sentenceTerms(tt.b, 0)
		if len(a) != 1 || len(b) != 1 {
			t.Fatalf("%.30q, %.30q: %d and %d sentences, want 1 each", tt.a, tt.b, len(a), len(b))
		}
		if got := reworded(a[0], b[0]); got != tt.want {
			t.Errorf("reworded(%.40q, %.40q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}
