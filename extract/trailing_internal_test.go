package extract

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
)

func TestTrailingBoxes(t *testing.T) {
	para := "<p>" + strings.Repeat("story words run on here ", 8) + "</p>"
	story := strings.Repeat(para, 5)
	box := "<div>" + strings.Repeat("box ", 20) + "</div>"
	three, two := strings.Repeat(para, 3), strings.Repeat(para, 2)
	linked := `<div>Read our guide <a href="https://example.org/guide">to pruning</a> today</div>`
	cases := []struct {
		name, body string
		want       int
	}{
		{"short box after the last paragraph", story + box, 1},
		{"story also written in divs", "<div>" + strings.Repeat("text ", 30) + "</div>" + story + box, 0},
		{"long tail is the story's own closing section", story + strings.Repeat(box, 5), 0},
		{"too little story", para + box, 0},
		{"a paragraph after the box", story + box + para, 0},
		{"box with a link set between paragraphs", three + linked + two, 1},
		{"box without a link between paragraphs", three + "<div>A short note on the method.</div>" + two, 0},
		{"box with a link above the first paragraph", linked + story, 0},
		{"box holding only a linked heading", three + `<div><h2><a href="https://example.org/s">A section</a></h2></div>` + two, 0},
		{"box whose links stay on the page", three + `<div>See <a href="#notes">the notes</a> below</div>` + two, 0},
		{"long box with a link", strings.Repeat(para, 6) + "<div>" + strings.Repeat("word ", 40) + `<a href="https://example.org/x">x</a></div>` + strings.Repeat(para, 6), 0},
		{"box with a link within the limit", strings.Repeat(para, 6) + "<div>" + strings.Repeat("word ", 39) + `<a href="https://example.org/x">x</a></div>` + strings.Repeat(para, 6), 1},
	}
	for _, c := range cases {
		root, err := html.Parse(strings.NewReader("<html><body><main>" + c.body + "</main></body></html>"))
		if err != nil {
			t.Fatal(err)
		}
		if got := len(trailingBoxes(root, nil, nil)); got != c.want {
			t.Errorf("%s: %d boxes, want %d", c.name, got, c.want)
		}
	}
}
