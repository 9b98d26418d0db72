package extract_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/feedsift/feedsift/extract"
)

// overridePage is written for these tests: a site whose story is split
// over two "chunk" blocks with a larger promotional block between them,
// the kind of page a per-feed selector is for.
const overridePage = `<!doctype html><html><head><title>Tide gauge moved to the new pier</title></head><body>
<div class="layout">
<div class="chunk" id="first"><p>The harbour's tide gauge was moved to the new pier on Wednesday, ending forty years of readings from the old wooden jetty.</p>
<div class="chunk inner"><p>Advertisement</p></div>
<p class="aside-note">Photo: harbour office archive.</p></div>
<div class="promo"><p>Become a member of the Quayside Courier and enjoy unlimited access to every story, our tide tables, the weekly crossword and invitations to members' evenings at the harbour.</p>
<p>Members also receive our printed annual with the year's best photographs of the bay, delivered to your door every December at no extra cost.</p>
<p>Join today and support local journalism in the bay towns and on the islands.</p></div>
<div class="chunk" id="second"><p>The new gauge sends a reading every minute to the harbour office, and the public can follow the tide on a screen at the ferry terminal.</p></div>
</div></body></html>`

func TestSelector(t *testing.T) {
	first := "The harbour's tide gauge was moved to the new pier on Wednesday, ending forty years of readings from the old wooden jetty."
	note := "Photo: harbour office archive."
	second := "The new gauge sends a reading every minute to the harbour office, and the public can follow the tide on a screen at the ferry terminal."
	tests := []struct {
		name      string
		opts      extract.Options
		want      []string // nil: only check the block
		wantBlock string
		wantErr   error
	}{
		// Outermost matches in document order; the nested match is not
		// repeated; the junk line inside goes as in the automatic path.
		{name: "selector", opts: extract.Options{Selector: ".chunk"}, want: []string{first, note, second}, wantBlock: extract.BlockSelector},
		{name: "selector and exclude", opts: extract.Options{Selector: ".chunk", Exclude: []string{".aside-note", "h1"}},
			want: []string{first, second}, wantBlock: extract.BlockSelector},
		{name: "group selector, document order", opts: extract.Options{Selector: "#second, #first"},
			want: []string{first, note, second}, wantBlock: extract.BlockSelector},
		// No match: automatic extraction, which keeps the promo's long
		// paragraphs or not as it sees fit; Block says it was not the
		// selector.
		{name: "no match", opts: extract.Options{Selector: ".no-such-class"}},
		{name: "exclude only", opts: extract.Options{Exclude: []string{".promo"}}},
		{name: "bad selector", opts: extract.Options{Selector: "div[data-x"}, wantErr: extract.ErrBadSelector},
		{name: "bad exclude", opts: extract.Options{Exclude: []string{"p:nth-child("}}, wantErr: extract.ErrBadSelector},
		{name: "selector without text", opts: extract.Options{Selector: ".inner"}, wantErr: extract.ErrNoContent},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, err := extract.Extract([]byte(overridePage), tc.opts)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.want != nil && strings.Join(a.Paragraphs, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("paragraphs:\n%s\nwant:\n%s", strings.Join(a.Paragraphs, "\n"), strings.Join(tc.want, "\n"))
			}
			if tc.wantBlock != "" && a.Block != tc.wantBlock {
				t.Errorf("Block = %q, want %q", a.Block, tc.wantBlock)
			}
			if tc.wantBlock == "" && a.Block == extract.BlockSelector {
				t.Errorf("Block = %q without a matching selector", a.Block)
			}
			if tc.name == "exclude only" && strings.Contains(a.Text(), "Become a member") {
				t.Errorf("excluded block kept:\n%s", a.Text())
			}
		})
	}
	if err := extract.CheckSelector("main .story > p, article"); err != nil {
		t.Errorf("CheckSelector of a valid group: %v", err)
	}
}
