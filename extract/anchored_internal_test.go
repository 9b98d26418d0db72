package extract

import (
	"regexp"
	"strings"
	"testing"
)

func TestFirstBytes(t *testing.T) {
	tests := []struct {
		expr     string
		want     string // the ASCII bytes set
		nonASCII bool   // bytes from 0x80 set
		all      bool
	}{
		{`^(posted|written) by`, "pw", false, false},
		{`^(?i)tags:`, "Tt", false, false},
		{`^\d+ min`, "0123456789", false, false},
		{`^(©|\(c\)|copyright)`, "(c", true, false},
		{`^(last )?(updated|posted)`, "lup", false, false},
		{`^.{0,150}reserved$`, "", false, true},
		{`^x?`, "", false, true},
		{`tags:`, "", false, true},
		{`^[\p{L}\d _.-]{1,80}\.png$`, "", true, false},
	}
	for _, tc := range tests {
		set := firstBytes(tc.expr)
		if tc.all {
			if set != allBytes() {
				t.Errorf("firstBytes(%q): not every byte", tc.expr)
			}
			continue
		}
		for b := 0; b < 0x80; b++ {
			want := strings.IndexByte(tc.want, byte(b)) >= 0
			if tc.expr == `^[\p{L}\d _.-]{1,80}\.png$` {
				c := byte(b)
				want = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == ' ' || c == '_' || c == '.' || c == '-'
			}
			if set[b] != want {
				t.Errorf("firstBytes(%q)[%q] = %v, want %v", tc.expr, rune(b), set[b], want)
			}
		}
		if set[0xc3] != tc.nonASCII {
			t.Errorf("firstBytes(%q)[0xc3] = %v, want %v", tc.expr, set[0xc3], tc.nonASCII)
		}
	}
}

// TestJunkPatternIndexAgrees checks that the index answers every line as
// trying all of junkPatterns does: the lines of every golden output, and
// lines written to match each kind of pattern.
func TestJunkPatternIndexAgrees(t *testing.T) {
	lines := []string{
		"", "posted by ana ruiz", "tags: harbour, council", "© 2024 the harbour gazette",
		"(c) harbour gazette", "3 min read", "12 comments", "photo: ana ruiz",
		"harbour.jpg", "all rights reserved.", "page 2 of 5", "étiquettes : port",
		"we use cookies to improve", "advertisement", "the council met on tuesday.",
	}
	lines = append(lines, goldenLines(t)...)
	if len(lines) < 500 {
		t.Fatalf("only %d lines to check", len(lines))
	}
	matched := 0
	for _, l := range lines {
		want := false
		for _, re := range junkPatterns {
			if re.MatchString(l) {
				want = true
				break
			}
		}
		if got := junkPatternIndex.MatchString(l); got != want {
			t.Errorf("index on %q = %v, all patterns %v", l, got, want)
		}
		if want {
			matched++
		}
	}
	if matched < 10 {
		t.Errorf("only %d lines matched a pattern: the check proves little", matched)
	}
}

func TestIndexAnchoredKeepsUnanchored(t *testing.T) {
	p := indexAnchored([]*regexp.Regexp{regexp.MustCompile(`share`), regexp.MustCompile(`^tags:`)})
	for _, tc := range []struct {
		s    string
		want bool
	}{{"please share", true}, {"tags: x", true}, {"x tags:", false}, {"", false}} {
		if got := p.MatchString(tc.s); got != tc.want {
			t.Errorf("MatchString(%q) = %v, want %v", tc.s, got, tc.want)
		}
	}
}

func TestRequiredStrings(t *testing.T) {
	tests := []struct {
		expr string
		want []string
	}{
		{`^.{0,150}(all rights reserved|alle rechte vorbehalten)\.?$`, []string{"all rights reserved", "alle rechte vorbehalten"}},
		{`^(posted|written) by [^.!?]{1,60}$`, []string{"posted", "written"}},
		{`^schlagw(ö|o)rter:`, []string{"schlagw"}},
		{`^(ö|o)rt`, []string{"rt"}},
		{`^(?i)tags:`, nil},
		{`^\d+ (min|mins)?$`, []string{" "}},
		{`^\d+(min|mins)?$`, nil},
		{`^x?y*$`, nil},
	}
	for _, tc := range tests {
		got := requiredStrings(tc.expr)
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("requiredStrings(%q) = %q, want %q", tc.expr, got, tc.want)
		}
	}
}

// goldenLines returns the lines of every golden output under testdata,
// lower-cased as classify gives them to junkPatterns.
func goldenLines(tb testing.TB) []string {
	var lines []string
	for _, g := range testdataFiles(tb, ".golden.txt") {
		for _, l := range strings.Split(g, "\n") {
			lines = append(lines, strings.ToLower(l))
		}
	}
	return lines
}

// BenchmarkJunkPatterns compares the index with trying every pattern in
// turn (the baseline) on the lines of the golden outputs.
func BenchmarkJunkPatterns(b *testing.B) {
	lines := goldenLines(b)
	b.Run("every-pattern", func(b *testing.B) {
		for b.Loop() {
			for _, l := range lines {
				for _, re := range junkPatterns {
					if re.MatchString(l) {
						break
					}
				}
			}
		}
	})
	b.Run("indexed", func(b *testing.B) {
		for b.Loop() {
			for _, l := range lines {
				junkPatternIndex.MatchString(l)
			}
		}
	})
}
