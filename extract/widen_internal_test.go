package extract

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// TestWidenStopsAtBody covers a page whose best-scored container is
// <body> itself, with three near-equal alternatives below it: widening
// once walked past <body> to the document node, which has no measure,
// and the block choice then panicked.
func TestWidenStopsAtBody(t *testing.T) {
	root, err := html.Parse(strings.NewReader("<html><body><div>a</div><div>b</div><div>c</div></body></html>"))
	if err != nil {
		t.Fatal(err)
	}
	body := findAll(root, false, func(n *html.Node) bool { return n.Data == "body" })[0]
	cands := []cand{{body, 10}}
	final := map[*html.Node]float64{body: 10}
	for _, d := range findAll(body, false, func(n *html.Node) bool { return n.Data == "div" }) {
		cands = append(cands, cand{d, 9})
		final[d] = 9
	}
	if got := widen(body, cands[0], cands, final, true); got.n != body {
		t.Errorf("widen moved the top from <body> to %v %q", got.n.Type, got.n.Data)
	}
	if got := climb(body, body, measure(body)); got != body {
		t.Errorf("climb moved the top from <body> to %v %q", got.Type, got.Data)
	}
}
