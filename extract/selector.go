package extract

import (
	"errors"
	"fmt"

	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"
)

// ErrBadSelector is returned when Options.Selector or one of
// Options.Exclude is not a CSS selector cascadia (goquery's engine) can
// compile.
var ErrBadSelector = errors.New("extract: bad CSS selector")

// CheckSelector returns nil when s is a CSS selector (a group, such as
// "article .body, .story") that Extract accepts, else an error wrapping
// ErrBadSelector that says why.
func CheckSelector(s string) error {
	_, err := compileSelector(s)
	return err
}

func compileSelector(s string) (cascadia.SelectorGroup, error) {
	g, err := cascadia.ParseGroup(s)
	if err != nil {
		return nil, fmt.Errorf("%w %q: %w", ErrBadSelector, s, err)
	}
	return g, nil
}

// extractSelected applies Options.Exclude and Options.Selector. The
// elements matching any Exclude selector are removed from body first.
// When Selector matches, its outermost matches, in document order, are
// the main block: their paragraphs are emitted and cleaned as in the
// automatic path (no element is pruned within them, since a person chose
// them), and ok is true. When Selector is empty or matches nothing, ok is
// false and the automatic extraction goes on, on the page without the
// excluded elements; the Article's Block then says it was not the
// selector.
func extractSelected(root, body *html.Node, m meta, opts Options) (a *Article, ok bool, err error) {
	for _, ex := range opts.Exclude {
		g, err := compileSelector(ex)
		if err != nil {
			return nil, true, err
		}
		for _, n := range cascadia.QueryAll(body, g) {
			if n.Parent != nil && n != body {
				n.Parent.RemoveChild(n)
			}
		}
	}
	if opts.Selector == "" {
		return nil, false, nil
	}
	g, err := compileSelector(opts.Selector)
	if err != nil {
		return nil, true, err
	}
	var blocks []*html.Node
	for _, n := range cascadia.QueryAll(body, g) {
		if len(blocks) > 0 && contains(blocks[len(blocks)-1], n) {
			continue // inside the previous match (QueryAll is in document order)
		}
		blocks = append(blocks, n)
	}
	if len(blocks) == 0 {
		return nil, false, nil
	}
	st := measure(body)
	sg := readSignals(root, body, st)
	var raw []string
	for _, b := range blocks {
		raw = append(raw, emit(b)...)
	}
	titles := append([]string{opts.Title}, m.titles...)
	paras, labelled := cleanLines(raw, newTitleSet(titles...)) // repeats dropped there
	if !usable(paras) {
		return nil, true, fmt.Errorf("%w: no main text in the elements matching %q", ErrNoContent, opts.Selector)
	}
	a = newArticle(m, opts, paras, labelled, BlockSelector)
	classifyPage(a, sg, blocks, st, m.body, opts)
	return a, true, nil
}
