package textdiff_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/feedsift/feedsift/internal/textdiff"
)

// render writes a side as text: paragraphs on lines, [-deleted-] and
// {+inserted+}.
func render(ps []textdiff.Paragraph) string {
	var lines []string
	for _, p := range ps {
		var parts []string
		for _, s := range p.Segments {
			switch s.Op {
			case textdiff.Delete:
				parts = append(parts, "[-"+s.Text+"-]")
			case textdiff.Insert:
				parts = append(parts, "{+"+s.Text+"+}")
			default:
				parts = append(parts, s.Text)
			}
		}
		lines = append(lines, strings.Join(parts, " "))
	}
	return strings.Join(lines, "\n")
}

func TestWords(t *testing.T) {
	tests := []struct {
		name, left, right        string
		wantLeft, wantRight      string
		equal, deleted, inserted int
	}{
		{"same", "One two.\n\nThree four.", "One two.\n\nThree four.",
			"One two.\nThree four.", "One two.\nThree four.", 4, 0, 0},
		{"white space only", "One  two.\n\n\n\nThree", "One two.\n\nThree",
			"One two.\nThree", "One two.\nThree", 3, 0, 0},
		{"word changed", "The tram left at five.", "The tram left at six.",
			"The tram left at [-five.-]", "The tram left at {+six.+}", 4, 1, 1},
		{"header paragraph added", "Body one.\n\nBody two.", "Republished by partner.\n\nBody one.\n\nBody two.",
			"Body one.\nBody two.", "{+Republished by partner.+}\nBody one.\nBody two.", 4, 0, 3},
		{"footer dropped, edit in kept paragraph", "A b c d.\n\nFooter line here.", "A b x d.",
			"A b [-c-] d.\n[-Footer line here.-]", "A b {+x+} d.", 3, 4, 1},
		{"empty right", "Only left.", "", "[-Only left.-]", "", 0, 2, 0},
		{"empty both", "", "", "", "", 0, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := textdiff.Words(tc.left, tc.right)
			if diff := cmp.Diff(tc.wantLeft, render(r.Left)); diff != "" {
				t.Errorf("left (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantRight, render(r.Right)); diff != "" {
				t.Errorf("right (-want +got):\n%s", diff)
			}
			if r.Equal != tc.equal || r.Deleted != tc.deleted || r.Inserted != tc.inserted {
				t.Errorf("equal, deleted, inserted = %d, %d, %d; want %d, %d, %d",
					r.Equal, r.Deleted, r.Inserted, tc.equal, tc.deleted, tc.inserted)
			}
			if r.Same() != (tc.deleted == 0 && tc.inserted == 0) {
				t.Errorf("Same() = %v", r.Same())
			}
		})
	}
}

// TestWordsKeepsEveryWord checks that each side, read back without the
// marks, is its input text, for texts with many edits.
func TestWordsKeepsEveryWord(t *testing.T) {
	left := "Alpha beta gamma delta.\n\nEpsilon zeta eta theta iota.\n\nKappa lambda mu."
	right := "Alpha gamma delta beta.\n\nNew paragraph here.\n\nEpsilon eta theta iota kappa.\n\nKappa lambda mu nu."
	r := textdiff.Words(left, right)
	back := func(ps []textdiff.Paragraph, skip textdiff.Op) string {
		var paras []string
		for _, p := range ps {
			var words []string
			for _, s := range p.Segments {
				words = append(words, s.Text)
			}
			paras = append(paras, strings.Join(words, " "))
		}
		return strings.Join(paras, "\n\n")
	}
	if got := back(r.Left, textdiff.Insert); got != left {
		t.Errorf("left side reads back as\n%q\nwant\n%q", got, left)
	}
	if got := back(r.Right, textdiff.Delete); got != right {
		t.Errorf("right side reads back as\n%q\nwant\n%q", got, right)
	}
	for _, p := range r.Left {
		for _, s := range p.Segments {
			if s.Op == textdiff.Insert {
				t.Errorf("left side has an insert: %q", s.Text)
			}
		}
	}
}

// TestWordsLargeRun checks a run too big for the word table is shown as
// replaced, not dropped.
func TestWordsLargeRun(t *testing.T) {
	a := strings.Repeat("left ", 2000) + "end"
	b := strings.Repeat("right ", 2000) + "stop"
	r := textdiff.Words(a, b)
	if r.Deleted != 2001 || r.Inserted != 2001 || r.Equal != 0 {
		t.Errorf("deleted, inserted, equal = %d, %d, %d; want 2001, 2001, 0", r.Deleted, r.Inserted, r.Equal)
	}
}

func BenchmarkWords(b *testing.B) {
	para := "The first passenger tram on the new line left the quayside stop early on Saturday morning after years of works."
	left := strings.Repeat(para+"\n\n", 40)
	right := "A partner header line.\n\n" + strings.ReplaceAll(left, "Saturday", "Sunday") + "Source link"
	b.ReportAllocs()
	b.SetBytes(int64(len(left) + len(right)))
	for b.Loop() {
		textdiff.Words(left, right)
	}
}
