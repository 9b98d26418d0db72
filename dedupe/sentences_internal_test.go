package dedupe

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
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
	story := sentenceTerms(councilStory, 0)
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
			got := alignSentences(sentenceTerms(tt.text, 0), story)
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
	a, b := sentenceTerms(report("Ashcombe"), 0), sentenceTerms(report("Brindle"), 0)
	if got := alignSentences(a, b); got.ok || !got.subjectMissing {
		t.Errorf("template reports on two towns: ok %v, subject missing %v; want refused for the missing subject (%s)", got.ok, got.subjectMissing, got.reason())
	}
	recast := strings.ReplaceAll(strings.ReplaceAll(report("Ashcombe"), "Forecasters expect", "Expect"), "across the valley", "in the valley, forecasters say")
	if got := alignSentences(a, sentenceTerms(recast, 0)); !got.ok {
		t.Errorf("the same report recast: %s; want a rewrite", got.reason())
	}
}

// The library story (invented sentences) several tests rewrite.
const (
	libraryS1 = "The Harbourside library reopened its doors on Saturday after a renovation costing 4.2 million pounds over eighteen months. "
	libraryS2 = "Librarian Mabel Ortiga said visitors queued outside before dawn to see the new reading rooms and children's wing. "
	libraryS3 = "The council expects annual visits to rise from 90000 to 150000 once the rooftop garden opens next spring. "
	libraryS4 = "Local author Fenwick Dray will host weekly writing workshops for teenagers starting in the first week of March."
)

// TestAlignSentences_Verbatim (invented sentences): a short heavy rewrite
// that leaves half its sentences as they were is a rewrite, its verbatim
// pairs counting in the run; verbatim sentences alone, or with a single
// rewritten one, are not (a quoted or borrowed passage).
func TestAlignSentences_Verbatim(t *testing.T) {
	const (
		s1  = libraryS1
		s2  = libraryS2
		s2r = "Librarian Mabel Ortiga told reporters visitors queued outside before dawn to see the new reading rooms and the children's wing. "
		s3  = libraryS3
		s4  = libraryS4
		s4r = "Local author Fenwick Dray is to host weekly writing sessions for teenagers from the first week of March."
		o1  = "Meanwhile the ferry operator announced timetable changes affecting commuters travelling between the islands this winter. "
		o2  = "Ticket prices for the evening crossings will climb by twelve percent when the new schedule begins in November."
	)
	story := sentenceTerms(s1+s2+s3+s4, 0)
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
			got := alignSentences(sentenceTerms(tt.text, 0), story)
			if got.ok != tt.want {
				t.Errorf("ok = %v, want %v (%s)", got.ok, tt.want, got.reason())
			}
		})
	}
}

// sentenceTermsRef is sentenceTerms as first written, rune by rune with
// a slice per sentence (with the cut at '|' and the plain bit added, see
// term): the reference the faster one must agree with.
func sentenceTermsRef(text string) [][]uint64 {
	text = repairMojibake(text)
	var out [][]uint64
	cur := make([]uint64, 0, 32)
	flush := func() {
		if len(cur) >= sentMinTerms {
			// Sort and drop repeats by word; a word is plain when any
			// of its occurrences is.
			plain := map[uint64]bool{}
			for _, t := range cur {
				plain[t>>1] = plain[t>>1] || t&1 == 1
			}
			slices.Sort(cur)
			cur = slices.CompactFunc(cur, func(x, y uint64) bool { return x>>1 == y>>1 })
			for k, t := range cur {
				cur[k] = t &^ 1
				if plain[t>>1] {
					cur[k] |= 1
				}
			}
			if len(cur) >= sentMinTerms {
				out = append(out, slices.Clone(cur))
			}
		}
		cur = cur[:0]
	}
	h := uint64(fnvOffset)
	runes, digit, upper := 0, false, false
	word := func() {
		if digit || runes >= sentTermRunes {
			t := h &^ 1
			if !digit && !upper {
				t |= 1
			}
			cur = append(cur, t)
		}
		h, runes, digit, upper = fnvOffset, 0, false, false
	}
	for i, r := range text {
		if isWord(r) {
			if runes == 0 {
				upper = unicode.IsUpper(r)
			}
			if r < utf8.RuneSelf {
				if r >= 'A' && r <= 'Z' {
					r += 'a' - 'A'
				}
				digit = digit || r >= '0' && r <= '9'
			} else {
				r = unicode.ToLower(r)
				digit = digit || unicode.IsDigit(r)
			}
			h = (h ^ uint64(r)) * fnvPrime
			runes++
			continue
		}
		if runes > 0 {
			word()
		}
		switch r {
		case '\n', '|':
			flush()
		case '.', '!', '?':
			if next, _ := utf8.DecodeRuneInString(text[i+1:]); i+1 >= len(text) || unicode.IsSpace(next) {
				flush()
			}
		}
	}
	if runes > 0 {
		word()
	}
	flush()
	return out
}

// TestSentenceTerms_Reference: sentenceTerms agrees with the reference
// on invented texts with the cases its byte loop treats apart (upper-case
// and non-ASCII letters, digits, mojibake, invalid UTF-8, sentence ends
// before a non-ASCII space or at the very end, repeated terms, short
// sentences) and, when the shared corpus is present, on every text of
// the dedupe dev stream; with a limit, it returns the reference's first
// sentences.
func TestSentenceTerms_Reference(t *testing.T) {
	texts := []string{
		"",
		"Too short. Also short!",
		"Über den Straßenbahnen fahren ÉLECTRIQUES trams 2024 und 3D-Drucker heute morgen wieder schneller.\u00a0Next one starts here with seven more words at least?",
		"The café’s owner said â€œprices roseâ€\u009d by 12% in 2023 and again by 7% this spring, costing families more.",
		"Broken \xff\xfe bytes inside a sentence that carries enough words to count as a sentence\nand a line break ends it before the next long enough line of words here",
		"Repeated words repeated words repeated words repeated words repeated words seven eight nine ten eleven.",
		"Numbers like 1.5 million and 3.14159 stay inside the sentence because no space follows the dot in them.",
		councilStory, councilRewrite, councilOtherOutlet,
	}
	for _, text := range texts {
		if got, want := sentenceTerms(text, 0), sentenceTermsRef(text); !slices.EqualFunc(got, want, slices.Equal) {
			t.Errorf("sentenceTerms(%.40q): %d sentences, reference %d, or their terms differ", text, len(got), len(want))
		}
		for limit := 1; limit <= 3; limit++ {
			want := sentenceTermsRef(text)
			if got := sentenceTerms(text, limit); !slices.EqualFunc(got, want[:min(limit, len(want))], slices.Equal) {
				t.Errorf("sentenceTerms(%.40q, %d): not the reference's first sentences", text, limit)
			}
		}
	}
	forEachDevDoc(t, func(id, text string) {
		want := sentenceTermsRef(text)
		if !slices.EqualFunc(sentenceTerms(text, 0), want, slices.Equal) {
			t.Errorf("%s: sentenceTerms differs from the reference", id)
		}
		if !slices.EqualFunc(sentenceTerms(text, 4), want[:min(4, len(want))], slices.Equal) {
			t.Errorf("%s: sentenceTerms with limit 4 is not the reference's first 4 sentences", id)
		}
	})
}

// TestAlignSentences_Stop: the second stage stops as soon as its outcome
// is settled and its reason says why (invented texts): when too many of
// the shorter text's sentences align with none of the other's, when no
// sentence near both starts aligns, and, through Match, when no sentence
// of the first 4 of both aligns (only the texts' heads are parsed) and
// when the text has too few sentences for a run to be long enough (the
// story's text is then not read).
func TestAlignSentences_Stop(t *testing.T) {
	story := strings.SplitAfter(councilStory, ". ")
	other := strings.SplitAfter(councilOtherOutlet, ". ")
	// Four sentences of the other outlet's, then the story's eight: the
	// story's sentences come too late in the longer text.
	late := strings.Join(append(other[:4:4], story...), "")
	tests := []struct {
		name, a, b string
		stop       int
		reason     string
	}{
		{"other outlet", councilOtherOutlet, councilStory, stopUnaligned, "align with none of the other's, more than 40%"},
		{"the story after sentences of another", late, councilStory, stopLead, "none of the first 4 sentences of the shorter text"},
		{"heavy rewrite", councilRewrite, councilStory, 0, "8 of 8 sentences of the shorter text align in order"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := alignSentences(sentenceTerms(tt.a, 0), sentenceTerms(tt.b, 0))
			if got.stop != tt.stop || !strings.Contains(got.reason(), tt.reason) {
				t.Errorf("stop = %d, want %d; reason %q should contain %q", got.stop, tt.stop, got.reason(), tt.reason)
			}
		})
	}
	t.Run("the story's end after sentences of another, through Match", func(t *testing.T) {
		ix, err := NewIndex(Options{Sample: 1, Texts: TextFunc(func(id string) (string, bool) {
			return councilStory, id == "council"
		})})
		if err != nil {
			t.Fatal(err)
		}
		ix.Add(Entry{StoryID: "council", Text: councilStory, Time: time.Unix(1.7e9, 0)})
		// The shingles find the story's last three sentences, too late
		// in both texts; the second stage finds no pair of the heads.
		m := ix.Match(strings.Join(append(other[:4:4], story[5:]...), ""))
		if want := "none of this text's first 4 sentences aligns with one of the story's first 4"; m.Duplicate || !strings.Contains(m.Reason, want) {
			t.Errorf("Duplicate = %v; reason %q should contain %q", m.Duplicate, m.Reason, want)
		}
	})
	t.Run("one sentence", func(t *testing.T) {
		read := 0
		ix, err := NewIndex(Options{Sample: 1, Texts: TextFunc(func(id string) (string, bool) {
			read++
			return councilStory, id == "council"
		})})
		if err != nil {
			t.Fatal(err)
		}
		ix.Add(Entry{StoryID: "council", Text: councilStory, Time: time.Unix(1.7e9, 0)})
		// The story's last sentence: it starts too late in the story to
		// align by the shingles, a near miss.
		m := ix.Match(story[7])
		if want := "fewer than the 2 a rewrite needs"; m.Duplicate || !strings.Contains(m.Reason, want) || read != 0 {
			t.Errorf("Duplicate = %v, story text read %d times; reason %q should contain %q", m.Duplicate, read, m.Reason, want)
		}
	})
}

// TestAlignSentences_Furniture (invented texts): a short rewrite of a
// story's first three sentences carries its site's furniture, lines of
// items joined by bars (a dateline with its time, a row of links); each
// item is short, and cut at the bars none passes for a sentence, so the
// rewrite's three sentences are all it counts and they align. Joined, the
// lines would be three sentences of its own and hold the run under 60% of
// the rewrite, the shorter text.
func TestAlignSentences_Furniture(t *testing.T) {
	const (
		s1  = libraryS1
		s2  = libraryS2
		s3  = libraryS3
		s4  = libraryS4 + " "
		s5  = "Opening hours will be extended until nine o'clock on weekday evenings during the examination season this summer. "
		s6  = "A mobile library van will resume visits to outlying villages every second Thursday from the beginning of April. "
		s7  = "Donations from local businesses covered nearly a quarter of the renovation budget according to council accounts."
		r1  = "Harbourside's library reopened its doors on Saturday following a renovation that cost 4.2 million pounds over eighteen months. "
		r2  = "Librarian Mabel Ortiga told reporters visitors queued outside before dawn for the new reading rooms and children's wing. "
		r3  = "Council officials expect annual visits to climb from 90000 to 150000 when the rooftop garden opens next spring.\n"
		bar = "Valley Courier | Saturday 14 March 2026 | 09:41 GMT\n" +
			"Home | World | Business | Sport | Culture | Weather | Contact\n" +
			"Share | Facebook | Twitter | LinkedIn | WhatsApp | Email | Print\n"
	)
	story := sentenceTerms(s1+s2+s3+s4+s5+s6+s7, 0)
	rewrite := sentenceTerms(bar+r1+r2+r3, 0)
	if len(rewrite) != 3 {
		t.Errorf("the rewrite has %d sentences, want its 3: the furniture's items are not sentences", len(rewrite))
	}
	if got := alignSentences(rewrite, story); !got.ok {
		t.Errorf("not a rewrite: %s", got.reason())
	}
}

// TestAlignSentences_Short (invented texts): a rewrite of a story's first
// two sentences has only those two, or a line of its site's besides; it
// aligns when both are rewritten and in the story's order, two of its
// three sentences; not when one of them is verbatim (a quoted passage and
// one sentence like the story's), nor when their order is the reverse of
// the story's.
func TestAlignSentences_Short(t *testing.T) {
	const (
		s1 = libraryS1
		s2 = libraryS2
		s3 = libraryS3
		s4 = libraryS4
		r1 = "Harbourside's library reopened its doors on Saturday following a renovation that cost 4.2 million pounds over eighteen months. "
		r2 = "Librarian Mabel Ortiga told reporters visitors queued outside before dawn for the new reading rooms and children's wing. "
		// A site's own line, long enough to count as a sentence.
		own = "Follow the Valley Courier on social media and sign up for our morning newsletter today."
	)
	story := sentenceTerms(s1+s2+s3+s4, 0)
	for _, tt := range []struct {
		name, text string
		want       bool
	}{
		{"both rewritten, in order", r1 + r2, true},
		{"both rewritten, in order, and a line of its own", r1 + r2 + own, true},
		{"one verbatim", s1 + r2, false},
		{"both rewritten, reversed", r2 + r1, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := alignSentences(sentenceTerms(tt.text, 0), story); got.ok != tt.want {
				t.Errorf("ok = %v, want %v (%s)", got.ok, tt.want, got.reason())
			}
		})
	}
}

// TestTextFuncNil: a nil TextFunc put in Options.Texts (a typed nil in
// the interface, easily written by a caller that turns the second stage
// off) knows no text: Match judges by the shingles alone, and does not
// panic.
func TestTextFuncNil(t *testing.T) {
	var texts TextFunc
	ix, err := NewIndex(Options{Sample: 1, Texts: texts})
	if err != nil {
		t.Fatal(err)
	}
	ix.Add(Entry{StoryID: "council", Text: councilStory, Time: time.Unix(1.7e9, 0)})
	if m := ix.Match(councilRewrite); m.Duplicate {
		t.Errorf("a heavy rewrite merged without the second stage: %s", m.Reason)
	}
	if text, ok := texts.Text("council"); ok || text != "" {
		t.Errorf("nil TextFunc.Text = %q, %v; want nothing", text, ok)
	}
}

// BenchmarkSentenceTerms cuts the dev stream's texts (or councilStory
// when the corpus is absent) into sentences' terms; MB/s is of text.
func BenchmarkSentenceTerms(b *testing.B) {
	texts := benchTexts(b)
	for b.Loop() {
		for _, t := range texts {
			sentenceTerms(t, 0)
		}
	}
}
