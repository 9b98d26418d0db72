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
	cases := []struct {
		name, body string
		want       int
	}{
		{"short box after the last paragraph", story + box, 1},
		{"story also written in divs", "<div>" + strings.Repeat("text ", 30) + "</div>" + story + box, 0},
		{"long tail is the story's own closing section", story + strings.Repeat(box, 5), 0},
		{"too little story", para + box, 0},
		{"a paragraph after the box", story + box + para, 0},
	}
	for _, c := range cases {
		root, err := html.Parse(strings.NewReader("<html><body><main>" + c.body + "</main></body></html>"))
		if err != nil {
			t.Fatal(err)
		}
		if got := len(trailingBoxes(root)); got != c.want {
			t.Errorf("%s: %d boxes, want %d", c.name, got, c.want)
		}
	}
}
