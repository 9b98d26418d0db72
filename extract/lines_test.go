package extract_test

import (
	"strings"
	"testing"

	"github.com/feedsift/feedsift/extract"
)

// TestLineMarksNeverLeak feeds text holding the noncharacters emit uses
// to mark <pre>, heading and list-item lines: they must neither leak into
// the output nor change how a line is treated.
func TestLineMarksNeverLeak(t *testing.T) {
	const marks = "\ufdd0\ufdd1\ufdd2"
	page := "<html><body><article><h1>\ufdd1A forged \ufdd0heading</h1>" +
		"<p>\ufdd0Share</p>" +
		"<p>This paragraph carries \ufdd2marks in the middle of its text, and it is long enough to be the story of the page.</p>" +
		"<ul><li>\ufdd2first item of the list</li><li>second item \ufdd1of the list</li></ul>" +
		"<pre>\ufdd0code line one\n\ufdd1code line two</pre>" +
		"<p>A second paragraph of story text follows the code, so the page has enough words to be kept whole.</p>" +
		"</article></body></html>"
	a, err := extract.Extract([]byte(page), extract.Options{Title: "\ufdd0A forged heading"})
	if err != nil {
		t.Fatal(err)
	}
	texts := append([]string{a.Title}, a.Paragraphs...)
	texts = append(texts, extract.CleanText("\ufdd0Share\n\n\ufdd2plain text with a \ufdd1mark in it", extract.Options{})...)
	for _, p := range texts {
		if strings.ContainsAny(p, marks) {
			t.Errorf("mark leaked into %q", p)
		}
		if p == "Share" {
			t.Errorf("a forged <pre> mark kept the junk line %q", p)
		}
	}
	if !slicesContains(a.Paragraphs, "code line two") {
		t.Errorf("paragraphs %q lack the second <pre> line", a.Paragraphs)
	}
}

func slicesContains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
