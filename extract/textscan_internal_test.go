package extract

import (
	"strings"
	"testing"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// TestOverlapReadsTextAsWords checks that overlap, which reads the text
// nodes in place, counts what the words of textOf count: words running
// across elements, ruby annotations left out, non-ASCII case and
// invalid bytes.
func TestOverlapReadsTextAsWords(t *testing.T) {
	tests := []struct {
		name, summary, page string
		hits                int // summary words found, counted by hand
	}{
		{"plain", "council approves harbour budget", "<p>The council approves the harbour budget.</p>", 4},
		{"word across elements", "harbour budget", "<p>The harb<b>our</b> bud<i>get</i> vote</p>", 2},
		{"ruby left out", "tokyo station toukyou", "<p><ruby>Tokyo<rt>toukyou</rt></ruby> station</p>", 2},
		{"case folding", "ÉTÉ ÖFFNUNG straße", "<p>été Öffnung STRASSE Straße</p>", 3},
		{"invalid bytes split words", "river bank", "<p>riv\xffer bank</p>", 1},
		{"digits and marks", "2024 café naïve", "<p>In 2024 the cafe\u0301 was naïve_ly run</p>", 1},
		{"nothing shared", "council approves harbour budget", "<p>Weather: sunny.</p>", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			summary := summaryTokensAll(tc.summary)
			root, err := html.Parse(strings.NewReader(tc.page))
			if err != nil {
				t.Fatal(err)
			}
			want := 0 // by the words of textOf, as overlap once read them
			seen := map[string]bool{}
			for _, w := range words(textOf(root)) {
				if _, ok := summary[w]; ok && !seen[w] {
					seen[w] = true
					want++
				}
			}
			if want != tc.hits {
				t.Fatalf("the words of textOf find %d summary words, the case says %d", want, tc.hits)
			}
			got := overlap(root, summary)
			if wantShare := float64(want) / float64(len(summary)); got != wantShare {
				t.Errorf("overlap = %v, the words of textOf give %v (%d of %d)", got, wantShare, want, len(summary))
			}
		})
	}
}

// summaryTokensAll is summaryTokens without its length and count limits,
// so that short test words count.
func summaryTokensAll(text string) summaryWords {
	set := make(summaryWords)
	for _, w := range words(text) {
		if _, ok := set[w]; !ok {
			set[w] = len(set)
		}
	}
	return set
}

// TestTextCountsByByte checks countText and wordsUpTo, which read ASCII a
// byte at a time, against the rune-by-rune definitions: non-space runes
// (unicode.IsSpace), commas of four scripts, and words as runs of
// non-space runes, an invalid byte counting as a rune that is not space.
func TestTextCountsByByte(t *testing.T) {
	texts := []string{
		"",
		"plain words, and a comma",
		"\t tabs\nnew\vlines\f\rand  spaces ",
		"non\u00a0breaking\u2003em\u3000ideographic\u0085next",
		"CJK，comma、and Arabic،comma",
		"bad\xff\xfebytes \xc3 split",
		"日本語の文章です。",
	}
	for _, s := range texts {
		wantRunes, wantCommas, wantWords, inWord := 0, 0, 0, false
		for _, r := range s {
			space := unicode.IsSpace(r)
			if !space {
				wantRunes++
				if !inWord {
					wantWords++
				}
			}
			inWord = !space
			switch r {
			case ',', '，', '、', '،':
				wantCommas++
			}
		}
		if runes, commas := countText(s); runes != wantRunes || commas != wantCommas {
			t.Errorf("countText(%q) = %d, %d; want %d, %d", s, runes, commas, wantRunes, wantCommas)
		}
		root, err := html.Parse(strings.NewReader("<p>" + html.EscapeString(s) + "</p>"))
		if err != nil {
			t.Fatal(err)
		}
		p := findFirst(root, atom.P)
		if got := wordsIn(p); got != wantWords {
			t.Errorf("wordsIn(%q) = %d, want %d", s, got, wantWords)
		}
	}
}

// TestReviewNamed checks that reviewNamed's substring pre-check answers
// as the class tokens do: camel case, separators, generated hashes and
// capitals, and words that only hold "review" inside another word.
func TestReviewNamed(t *testing.T) {
	tests := []struct {
		class, id string
		want      bool
	}{
		{"reviews", "", true},
		{"product-review-list", "", true},
		{"", "customerReviews", true},
		{"REVIEW_box", "", true},
		{"css-1x2y3z4 review", "", true},
		{"preview-card", "", false},
		{"reviewer-name", "", false},
		{"article-body", "main", false},
		{"", "", false},
	}
	for _, tc := range tests {
		n := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
		if tc.class != "" {
			n.Attr = append(n.Attr, html.Attribute{Key: "class", Val: tc.class})
		}
		if tc.id != "" {
			n.Attr = append(n.Attr, html.Attribute{Key: "id", Val: tc.id})
		}
		if got := reviewNamed(n); got != tc.want {
			t.Errorf("reviewNamed(class=%q id=%q) = %v, want %v", tc.class, tc.id, got, tc.want)
		}
	}
}

func TestContainsFoldASCII(t *testing.T) {
	tests := []struct {
		s    string
		want bool
	}{
		{"review", true}, {"ReViEw", true}, {"x-REVIEWS", true}, {"revie", false},
		{"rev iew", false}, {"", false}, {"r\u00e9view", false},
	}
	for _, tc := range tests {
		if got := containsFoldASCII(tc.s, "review"); got != tc.want {
			t.Errorf("containsFoldASCII(%q) = %v, want %v", tc.s, got, tc.want)
		}
	}
}

// TestMeasureCountsWordsAsWordsIn checks that measure's word counts,
// added up from the children's, equal wordsIn's walk over the text for
// every element of every test page, and of pages with words split
// across elements, spaces only in an element and empty elements.
func TestMeasureCountsWordsAsWordsIn(t *testing.T) {
	pages := []string{
		"<p>The harb<b>our</b> bud<i>get</i> vote</p>",
		"<div><span>one</span><span> </span><span>two</span><span></span>three</div>",
		"<div>a<br>b <em></em>c<!-- x -->d\u00a0e\u3000f</div>",
		"<p>riv\xffer bank</p><p> </p><p></p>",
	}
	pages = append(pages, testdataFiles(t, ".html")...)
	if len(pages) < 50 {
		t.Fatalf("only %d pages", len(pages))
	}
	for i, page := range pages {
		root, err := html.Parse(strings.NewReader(page))
		if err != nil {
			t.Fatal(err)
		}
		for n, s := range measure(root) {
			if n.Type != html.ElementNode {
				continue
			}
			if want := wordsIn(n); s.words.words != want {
				t.Fatalf("page %d, <%s>: measure counts %d words, wordsIn %d", i, n.Data, s.words.words, want)
			}
		}
	}
}
