package parser_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/feedsift/feedsift/parser"
)

// TestParseCutsLongTitles checks that titles, author names and categories
// are cut to parser.MaxTitleLen bytes, at a word boundary when there is one
// near the end, else at a character boundary, and that short ones are kept.
func TestParseCutsLongTitles(t *testing.T) {
	t.Parallel()
	words := strings.Repeat("word ", 40_000)             // 200 KB of words
	oneWord := strings.Repeat("é", 2*parser.MaxTitleLen) // no space, 2-byte runes
	exact := strings.Repeat("a", parser.MaxTitleLen)
	tests := []struct {
		name, title string
		want        string // "" means: check the cut-title properties only
		wantWordCut bool
	}{
		{name: "short", title: "  A &amp; B  ", want: "A & B"},
		{name: "exactly the limit", title: exact, want: exact},
		{name: "megabytes of words", title: words, wantWordCut: true},
		{name: "one long word", title: oneWord},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			body := `<rss version="2.0"><channel><title>` + tc.title + `</title><item><guid>g</guid>` +
				`<title>` + tc.title + `</title><author>` + tc.title + `</author><category>` + tc.title +
				`</category></item></channel></rss>`
			f, err := parser.Parse([]byte(body), "application/rss+xml", "https://example.org/feed")
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if len(f.Items) != 1 {
				t.Fatalf("got %d items, want 1", len(f.Items))
			}
			it := f.Items[0]
			var cats string
			if len(it.Categories) == 1 {
				cats = it.Categories[0]
			}
			for field, got := range map[string]string{"feed title": f.Title, "item title": it.Title, "author": it.Author, "category": cats} {
				if tc.want != "" {
					if got != tc.want {
						t.Errorf("%s = %.40q (%d bytes), want %.40q", field, got, len(got), tc.want)
					}
					continue
				}
				if len(got) > parser.MaxTitleLen || len(got) < parser.MaxTitleLen/2 {
					t.Errorf("%s is %d bytes, want between %d and %d", field, len(got), parser.MaxTitleLen/2, parser.MaxTitleLen)
				}
				if !utf8.ValidString(got) || !strings.HasSuffix(got, "…") {
					t.Errorf("%s = ...%q: want valid UTF-8 ending in an ellipsis", field, got[max(0, len(got)-12):])
				}
				if tc.wantWordCut && !strings.HasSuffix(got, "word…") {
					t.Errorf("%s = ...%q: want a cut after a whole word", field, got[max(0, len(got)-12):])
				}
			}
		})
	}
}
