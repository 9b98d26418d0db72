package dedupe_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/feedsift/feedsift/dedupe"
)

// proseParas builds a story's own opening: a headline and paras
// paragraphs of four 12-word sentences each, from a vocabulary of its
// own (seed).
func proseParas(seed uint64, paras int) string {
	r := rand.New(rand.NewPCG(seed, 11))
	var b strings.Builder
	fmt.Fprintf(&b, "Own headline %d of another story\n", seed)
	for range paras {
		b.WriteString("\n")
		for s := range 4 {
			if s > 0 {
				b.WriteByte(' ')
			}
			for w := range 12 {
				if w > 0 {
					b.WriteByte(' ')
				}
				fmt.Fprintf(&b, "p%d", r.IntN(5000))
			}
			b.WriteByte('.')
		}
		b.WriteString("\n")
	}
	return b.String()
}

// ownHeader builds a site's header of about words words in which every
// five words hold a field of their own (dates, times, names, counts), so
// that two such headers share no 5-word run: stacked lines a site puts
// over a copy, a dateline, a byline, a credit line, a reading time.
func ownHeader(seed uint64, words int) string {
	r := rand.New(rand.NewPCG(seed, 31))
	names := []string{"Ana", "Lopez", "Piet", "Vermeer", "Kofi", "Mensah", "Ruth", "Adler", "Ivo", "Horvat", "Mia", "Sato"}
	var lines []string
	n := 0
	for n < words {
		var l string
		switch len(lines) % 3 {
		case 0:
			l = fmt.Sprintf("Posted %d/%d/%d %d:%02d, updated %d:%02d", 1+r.IntN(28), 1+r.IntN(12), 2000+r.IntN(25), r.IntN(24), r.IntN(60), r.IntN(24), r.IntN(60))
		case 1:
			l = fmt.Sprintf("By %s %s and %s %s, desk %d", names[r.IntN(12)], names[r.IntN(12)], names[r.IntN(12)], names[r.IntN(12)], r.IntN(900))
		default:
			l = fmt.Sprintf("Carried from outlet %d under licence %d, %d min read, %d comments.", r.IntN(9000), r.IntN(9000), 1+r.IntN(20), r.IntN(900))
		}
		lines = append(lines, l)
		n += len(strings.Fields(l))
	}
	return strings.Join(lines, "\n")
}

// readMore puts a short line of a site's own after each line of text:
// a copy re-split with links between its paragraphs.
func readMore(text string) string {
	var b strings.Builder
	for i, l := range strings.Split(text, "\n") {
		b.WriteString(l)
		if strings.TrimSpace(l) != "" {
			fmt.Fprintf(&b, "\nRead more: item %d of the day", i)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// paras returns text's paragraphs (blank-line separated) from..to.
func paras(text string, from, to int) string {
	ps := strings.Split(text, "\n\n")
	return strings.Join(ps[from:min(to, len(ps))], "\n\n")
}

// TestMatch_TwoWrappers (issue 13, category 1): two copies of one story,
// each under a long header of its own (60 to 120 words of datelines,
// bylines and credit lines), share text that starts late in both but then
// holds the rest of both: they are copies, in either order, and the
// reason says "two wrappers". A story's own paragraphs before another
// story's (an update borrowing its paragraphs, a story quoting one) are
// prose, not a header, and stay apart, as do a quoted paragraph and
// briefs that share a fresh template's header and footer only. Without
// the stories' texts (Options.Texts) the route cannot see what precedes
// the shared text and does not pass.
func TestMatch_TwoWrappers(t *testing.T) {
	body := genText(707, 6) // a headline and six paragraphs
	quoted := genText(708, 6)
	tplHead := "Valley Brief Service daily round-up\nThe items below are chosen by our editors from the wires of the day and shortened for reading on the go with links to the full reports"
	tplFoot := "More briefs tomorrow morning. Subscribe to the round-up by mail from our homepage and follow us on every network for the headlines as they break. All rights reserved."
	tests := []struct {
		name        string
		first, then string
		noTexts     bool
		want        bool
		reason      string
	}{
		{"60-word header then 90-word header", ownHeader(11, 60) + "\n\n" + body, ownHeader(12, 90) + "\n\n" + body, false, true, "two wrappers"},
		{"90-word header then 60-word header", ownHeader(12, 90) + "\n\n" + body, ownHeader(11, 60) + "\n\n" + body, false, true, "two wrappers"},
		{"120-word header then 45-word header", ownHeader(13, 120) + "\n\n" + body, ownHeader(14, 45) + "\n\n" + body, false, true, "two wrappers"},
		{"trimmed copy under its own header", ownHeader(15, 80) + "\n\n" + body, ownHeader(16, 70) + "\n\n" + paras(body, 0, 6), false, true, "two wrappers"},
		{"a copy with a line inserted after each paragraph, then a copy under another header",
			ownHeader(31, 60) + "\n\n" + proseParas(9, 6), ownHeader(32, 70) + "\n\n" + readMore(proseParas(9, 6)), false, true, "two wrappers"},
		{"without the stories' texts", ownHeader(11, 60) + "\n\n" + body, ownHeader(12, 90) + "\n\n" + body, true, false, "shared text starts late"},
		{"story then an update borrowing its paragraphs", body, proseParas(1, 2) + "\n\n" + paras(body, 2, 7), false, false, "prose precedes it in this text"},
		{"an update borrowing its paragraphs then the story", proseParas(1, 2) + "\n\n" + paras(body, 2, 7), body, false, false, "prose precedes it in the story"},
		{"a story quoting a paragraph of another", quoted, paras(body, 0, 4) + "\n\n" + paras(quoted, 3, 4) + "\n\n" + paras(body, 4, 7), false, false, ""},
		{"a brief of its opening under a header and a footer, then a copy under another header",
			ownHeader(17, 70) + "\n\n" + paras(body, 0, 3) + "\n\n" + ownHeader(18, 50), ownHeader(19, 90) + "\n\n" + body, false, true, "a shared opening under two wrappers"},
		{"a copy under a header, then a brief of its opening under a header and a footer",
			ownHeader(19, 90) + "\n\n" + body, ownHeader(17, 70) + "\n\n" + paras(body, 0, 3) + "\n\n" + ownHeader(18, 50), false, true, "a shared opening under two wrappers"},
		{"a brief under a header with a row of partner headlines, then a copy under another header",
			"Lakeside Times | Region briefing\nTrending now: harbour council delays budget plans for next summer | county court rejects housing scheme near railway station\n" +
				ownHeader(21, 40) + "\n\n" + paras(body, 0, 3) + "\n\n" + ownHeader(22, 40),
			ownHeader(23, 80) + "\n\n" + body, false, true, "a shared opening under two wrappers"},
		{"a brief under a byline stacked on a line naming the same writer, then a copy under another header",
			"By Ana Lopez, Harbour Desk\nAdditional reporting by Piet Lopez in the harbour district and the old town.\n" +
				ownHeader(24, 40) + "\n\n" + paras(body, 0, 3) + "\n\n" + ownHeader(25, 40),
			ownHeader(26, 80) + "\n\n" + body, false, true, "a shared opening under two wrappers"},
		{"a story quoting another's opening after its headline and lead", ownHeader(20, 60) + "\n\n" + quoted,
			"Harbour council approves the plans\n\nThe council approved the harbour plans on Monday after a long debate among its members.\n\n" + paras(quoted, 0, 4) + "\n\n" + paras(body, 1, 6),
			false, false, "prose precedes it in this text"},
		{"briefs in a fresh template", tplHead + "\n\n" + paras(body, 0, 2) + "\n\n" + tplFoot, tplHead + "\n\n" + paras(quoted, 0, 2) + "\n\n" + tplFoot, false, false, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			stored := map[string]string{}
			opts := dedupe.Options{Texts: dedupe.TextFunc(func(id string) (string, bool) { s, ok := stored[id]; return s, ok })}
			if tc.noTexts {
				opts.Texts = dedupe.TextFunc(func(string) (string, bool) { return "", false })
			}
			ix, err := dedupe.NewIndex(opts)
			if err != nil {
				t.Fatal(err)
			}
			stored["first"] = tc.first
			ix.Add(dedupe.Entry{StoryID: "first", Text: tc.first, Time: t0})
			m := ix.Match(tc.then)
			if m.Duplicate != tc.want {
				t.Fatalf("duplicate %v, want %v: %s", m.Duplicate, tc.want, m.Reason)
			}
			if !strings.Contains(m.Reason, tc.reason) {
				t.Errorf("reason lacks %q: %s", tc.reason, m.Reason)
			}
		})
	}
}

// TestMatch_SharedFurniture (issue 13, category 2): briefs of different
// stories in a new template share its header, 56 words or more from the
// start of both, before any footer, third story or MaxDocFreq stories
// show it is a template. The header is furniture, a line an item, with
// no paragraph of sentences and no headline and lead: the pair is
// refused, and the reason says "a shared header". A line naming the
// site after its name and section, separated by '|', is furniture, not
// a headline and its lead. An update that keeps
// a story's opening (a headline, a lead naming what it names,
// paragraphs of several sentences) and appends other text still joins.
func TestMatch_SharedFurniture(t *testing.T) {
	tpl := strings.Join([]string{
		"Northgate Courier | Morning briefing",
		"Sign up for the Northgate Courier morning briefing, sent every weekday before seven.",
		"Compiled for subscribers by the overnight desk team",
		"Trending now: ferry timetable | tram extension | museum tickets",
		"Edited by Mia Sato with Ivo Horvat.",
		"Forward this edition to a friend or manage your subscription from the account page of our website.",
	}, "\n")
	tests := []struct {
		name        string
		first, then string
		want        bool
		reason      string
	}{
		{"briefs of two stories in one new template", tpl + "\n\n" + paras(genText(801, 3), 0, 2), tpl + "\n\n" + paras(genText(802, 3), 0, 2), false, "a shared header"},
		{"an update keeping a story's opening", proseParas(3, 3), proseParas(3, 2) + "\n" + paras(genText(803, 4), 1, 4), true, "copy of"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			stored := map[string]string{"first": tc.first}
			ix, err := dedupe.NewIndex(dedupe.Options{Texts: dedupe.TextFunc(func(id string) (string, bool) { s, ok := stored[id]; return s, ok })})
			if err != nil {
				t.Fatal(err)
			}
			ix.Add(dedupe.Entry{StoryID: "first", Text: tc.first, Time: t0})
			m := ix.Match(tc.then)
			if m.Duplicate != tc.want {
				t.Fatalf("duplicate %v, want %v: %s", m.Duplicate, tc.want, m.Reason)
			}
			if !strings.Contains(m.Reason, tc.reason) {
				t.Errorf("reason lacks %q: %s", tc.reason, m.Reason)
			}
		})
	}
}

// firstWords returns text's first n words as one paragraph: a brief that
// keeps a story's opening and loses its paragraph breaks.
func firstWords(text string, n int) string {
	f := strings.Fields(text)
	return strings.Join(f[:min(n, len(f))], " ")
}

// TestMatch_WrappedLead (issue 13, category 1's briefs): a brief of a
// story's first 50 words under a long header and a footer of its own
// shares too few sampled shingles with a copy of the story under another
// long header for any other route, but the two texts share its words
// word for word, prose, past both headers, and nothing but furniture
// follows it in the brief: a duplicate, in either order, and the reason
// says "a lead under two wrappers". The same lead followed by prose of
// its own in both texts (a story borrowing another's lead), or preceded
// by prose in one, stays apart; without the stories' texts the route
// cannot read the shared words.
func TestMatch_WrappedLead(t *testing.T) {
	body := proseParas(41, 6)
	brief := ownHeader(42, 80) + "\n\n" + firstWords(body, 50) + "\n\n" + ownHeader(43, 40)
	copied := ownHeader(44, 70) + "\n\n" + body
	borrowed := ownHeader(45, 70) + "\n\n" + firstWords(body, 50) + "\n\n" + paras(proseParas(46, 6), 1, 7)
	quoting := paras(proseParas(47, 3), 0, 3) + "\n\n" + firstWords(body, 50) + "\n\n" + ownHeader(48, 40)
	tests := []struct {
		name        string
		first, then string
		noTexts     bool
		want        bool
		reason      string
	}{
		{"a copy under a header, then a brief of its lead under another", copied, brief, false, true, "a lead under two wrappers"},
		{"a brief of its lead under a header, then a copy under another", brief, copied, false, true, "a lead under two wrappers"},
		{"without the stories' texts", copied, brief, true, false, "not a copy"},
		{"a copy, then a story borrowing its lead and going on with prose of its own", copied, borrowed, false, false, "prose follows the shared text in both"},
		{"a copy, then its lead quoted after paragraphs of prose", copied, quoting, false, false, "prose precedes the shared text"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			stored := map[string]string{}
			opts := dedupe.Options{Texts: dedupe.TextFunc(func(id string) (string, bool) { s, ok := stored[id]; return s, ok })}
			if tc.noTexts {
				opts.Texts = dedupe.TextFunc(func(string) (string, bool) { return "", false })
			}
			ix, err := dedupe.NewIndex(opts)
			if err != nil {
				t.Fatal(err)
			}
			stored["first"] = tc.first
			ix.Add(dedupe.Entry{StoryID: "first", Text: tc.first, Time: t0})
			m := ix.Match(tc.then)
			if m.Duplicate != tc.want {
				t.Fatalf("duplicate %v, want %v: %s", m.Duplicate, tc.want, m.Reason)
			}
			if !strings.Contains(m.Reason, tc.reason) {
				t.Errorf("reason lacks %q: %s", tc.reason, m.Reason)
			}
		})
	}
}
