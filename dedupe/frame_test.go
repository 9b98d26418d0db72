package dedupe_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/feedsift/feedsift/dedupe"
)

// fixedWords builds n words of fixed template text from seed (a site's
// header or footer, the same in every item that uses the template).
func fixedWords(seed uint64, n int) string {
	r := rand.New(rand.NewPCG(seed, 11))
	ws := make([]string, n)
	for i := range ws {
		ws[i] = fmt.Sprintf("t%d", r.IntN(5000))
	}
	return strings.Join(ws, " ") + "."
}

// TestMatch_TemplateFrame (issue 13, category 6): briefs of different
// originals in one new template (a fixed header and footer around each
// brief's own body, before MaxDocFreq stories make the template
// boilerplate) share a frame: the same text at the start of both, then a
// body of each one's own, then the same text again. They are not copies,
// whichever route their shared text would pass, and the reason names the
// frame. A copy of a brief, a brief of an original in the template against
// that original, and a syndicated copy whose long shared header runs on
// into the shared body still join.
func TestMatch_TemplateFrame(t *testing.T) {
	header, footer := fixedWords(1, 60), fixedWords(2, 70)
	lead := func(seed uint64) string { // an original's first 75 words
		p := strings.Split(genText(seed, 6), "\n\n")
		return p[1] + "\n\n" + strings.Join(strings.Fields(p[2])[:15], " ")
	}
	brief := func(seed uint64) string {
		return header + "\n\n" + lead(seed) + "\n\n" + footer
	}
	shortBrief := func(seed uint64) string { // a 30-word header, no footer
		return fixedWords(3, 30) + "\n\n" + lead(seed)
	}
	orig := genText(1301, 6)
	syndicated := fixedWords(4, 80) + "\n\n" + orig
	tests := []struct {
		name        string
		first, then string
		wantDup     bool
	}{
		{"a brief after another original's brief", brief(1301), brief(1402), false},
		{"the other way round", brief(1402), brief(1301), false},
		{"the same brief again", brief(1301), brief(1301), true},
		{"a brief of the original after it", genText(1301, 1), shortBrief(1301), true},
		{"a framed brief of the original after it", genText(1301, 6), brief(1301), true},
		{"a syndicated copy under the same long header, trimmed", syndicated, syndicated[:len(syndicated)*3/4], true},
		{"a syndicated copy under the same long header, own footer", syndicated, syndicated + "\n\n" + fixedWords(5, 40), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := matchAfter(t, tc.first, tc.then)
			if m.Duplicate != tc.wantDup {
				t.Fatalf("Duplicate = %v, want %v: %s", m.Duplicate, tc.wantDup, m.Reason)
			}
			if !tc.wantDup && !strings.Contains(m.Reason, "a template frame") {
				t.Errorf("reason does not name the template frame: %s", m.Reason)
			}
			if tc.wantDup && strings.Contains(m.Reason, "template frame") {
				t.Errorf("a duplicate's reason names a template frame: %s", m.Reason)
			}
		})
	}
}

// TestMatch_SeenHeader (issue 13, category 6): briefs of different
// originals under one new template's header, without a footer, share
// only the header; once another story holds it as well (a third brief)
// the header is evidence of a template, not of a copy, whatever its
// length. A copy of a story that an earlier copy (its own story, the
// cluster split) also holds is mostly the story's text and still joins.
func TestMatch_SeenHeader(t *testing.T) {
	header := fixedWords(6, 60)
	lead := func(seed uint64) string { // an original's first 180 words
		p := strings.Split(genText(seed, 6), "\n\n")
		return strings.Join(p[1:4], "\n\n")
	}
	brief := func(seed uint64) string { return header + "\n\n" + lead(seed) }
	orig := genText(1601, 4)
	tests := []struct {
		name    string
		earlier []string // indexed as separate stories, the first is "first"
		then    string
		wantDup bool
		reason  string
	}{
		{"a third brief under the header", []string{brief(1501), brief(1502)}, brief(1503), false, "a header seen in another story"},
		{"the same brief again", []string{brief(1501), brief(1502)}, brief(1501), true, ""},
		{"a copy of a story held twice", []string{orig, orig + "\n\n" + fixedWords(7, 40)}, orig[:len(orig)*3/4], true, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ix, err := dedupe.NewIndex(dedupe.Options{})
			if err != nil {
				t.Fatal(err)
			}
			for i, text := range tc.earlier {
				id := fmt.Sprint("earlier", i)
				if i == 0 {
					id = "first"
				}
				ix.Add(dedupe.Entry{StoryID: id, Text: text, Time: t0})
			}
			m := ix.Match(tc.then)
			if m.Duplicate != tc.wantDup {
				t.Fatalf("Duplicate = %v, want %v: %s", m.Duplicate, tc.wantDup, m.Reason)
			}
			if !strings.Contains(m.Reason, tc.reason) {
				t.Errorf("reason does not say %q: %s", tc.reason, m.Reason)
			}
		})
	}
}

// TestMatch_TemplateFrameInTexts (issue 13, category 6): briefs of
// different originals in one new template whose bodies are too short
// for the sampled shingles to show a gap between the header and the
// footer (the frame then holds most of each brief and passes the
// containment threshold) are told apart in the texts: both start with
// the same header and end with the same footer, and the bodies between
// share no run of words. A copy of a brief, edited or cut short, shares
// its body and still joins; so does a brief in another template.
func TestMatch_TemplateFrameInTexts(t *testing.T) {
	header := "Harbour Gazette | Regional briefing\n" + fixedWords(21, 64)
	footer := fixedWords(22, 50) + "\nYou are reading the Harbour Gazette briefing."
	body := func(seed uint64, n int) string { // an original's first n words
		p := strings.Split(genText(seed, 2), "\n\n")
		return strings.Join(strings.Fields(p[1] + " " + p[2])[:n], " ") + "."
	}
	brief := func(date, b string) string { return header + "\n" + date + "\n\n" + b + "\n\n" + footer }
	edited := strings.Fields(body(2101, 60))
	for i := 7; i < len(edited); i += 15 {
		edited[i] = "changed"
	}
	tests := []struct {
		name        string
		first, then string
		wantDup     bool
	}{
		{"a brief after another original's brief", brief("Monday 3 May", body(2101, 60)), brief("Friday 9 July", body(2203, 60)), false},
		{"a third original's brief", brief("Monday 3 May", body(2101, 60)), brief("Friday 9 July", body(2212, 60)), false},
		{"the other way round", brief("Friday 9 July", body(2212, 60)), brief("Monday 3 May", body(2101, 60)), false},
		{"the same brief again", brief("Monday 3 May", body(2101, 60)), brief("Friday 9 July", body(2101, 60)), true},
		{"the brief edited", brief("Monday 3 May", body(2101, 60)), brief("Friday 9 July", strings.Join(edited, " ")), true},
		{"the brief cut short", brief("Monday 3 May", body(2101, 60)), brief("Monday 3 May", body(2101, 40)), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ix, err := dedupe.NewIndex(dedupe.Options{Texts: dedupe.TextFunc(func(id string) (string, bool) {
				return tc.first, id == "first"
			})})
			if err != nil {
				t.Fatal(err)
			}
			ix.Add(dedupe.Entry{StoryID: "first", Text: tc.first, Time: t0})
			m := ix.Match(tc.then)
			if m.Duplicate != tc.wantDup {
				t.Fatalf("Duplicate = %v, want %v: %s", m.Duplicate, tc.wantDup, m.Reason)
			}
			if !tc.wantDup && !strings.Contains(m.Reason, "a template frame") {
				t.Errorf("reason does not name the template frame: %s", m.Reason)
			}
		})
	}
}

// TestMatch_TemplateFrameBoilerplateFooter (issue 13, category 6): a
// site's footer is held by its other sections' stories and turns
// boilerplate before a new section's header does; two briefs of that
// section then share, in their sampled shingles, only the header, and
// the later one passes for an update of the earlier (the earlier's body
// left few samples). The texts still show the frame.
func TestMatch_TemplateFrameBoilerplateFooter(t *testing.T) {
	header := "Harbour Gazette | Regional briefing\n" + fixedWords(60, 60)
	footer := fixedWords(77, 50) + "\nYou are reading the Harbour Gazette briefing."
	body := func(seed uint64) string {
		p := strings.Split(genText(seed, 2), "\n\n")
		return strings.Join(strings.Fields(p[1] + " " + p[2])[:60], " ") + "."
	}
	brief := func(date string, seed uint64) string {
		return header + "\n" + date + "\n\n" + body(seed) + "\n\n" + footer
	}
	tests := []struct {
		name    string
		then    string
		wantDup bool
	}{
		{"another original's brief", brief("Friday 9 July", 2200), false},
		{"a third original's brief", brief("Friday 9 July", 2207), false},
		{"the same brief again", brief("Friday 9 July", 2101), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			texts := map[string]string{}
			ix, err := dedupe.NewIndex(dedupe.Options{Texts: dedupe.TextFunc(func(id string) (string, bool) {
				s, ok := texts[id]
				return s, ok
			})})
			if err != nil {
				t.Fatal(err)
			}
			add := func(id, text string) {
				texts[id] = text
				ix.Add(dedupe.Entry{StoryID: id, Text: text, Time: t0})
			}
			for i := range 3 { // other sections' stories under the same footer
				add(fmt.Sprint("other", i), fixedWords(uint64(900+i), 40)+"\n\n"+body(uint64(3000+i))+"\n\n"+footer)
			}
			add("first", brief("Monday 3 May", 2101))
			m := ix.Match(tc.then)
			if m.Duplicate != tc.wantDup {
				t.Fatalf("Duplicate = %v, want %v: %s", m.Duplicate, tc.wantDup, m.Reason)
			}
			if !tc.wantDup && !strings.Contains(m.Reason, "a template frame read in the texts") {
				t.Errorf("reason does not name the template frame: %s", m.Reason)
			}
		})
	}
}
