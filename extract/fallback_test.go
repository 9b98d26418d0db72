package extract_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/feedsift/feedsift/extract"
)

// TestExtractFallbackKeepsEmpty: the readers that run when the usual
// path finds nothing (fallback.go) give no text for a page that holds
// none, rather than its menus or its publisher's description. The pages
// that they do read are under testdata/regress/block (jsonld-howto-shell,
// listing-all-links, form-wrapped-page, description-shell).
func TestExtractFallbackKeepsEmpty(t *testing.T) {
	var menu strings.Builder
	for _, section := range []string{"Watches", "Cycling", "Running", "Outdoor", "Marine", "Aviation", "Fitness", "Golf", "Diving", "Kids"} {
		menu.WriteString(`<div class="mega"><a href="/` + section + `">` + section + `</a><div class="links">`)
		for _, item := range []string{"All products", "Accessories", "Maps", "Apps", "Subscription plans", "Compare models", "Offers", "Support"} {
			menu.WriteString(`<a href="/` + section + `/` + item + `">` + item + `</a> `)
		}
		menu.WriteString(`</div></div>`)
	}
	about := strings.Repeat("Ridgeline makes tents, packs and stoves for people who walk a long way, and mends them for free. ", 6)
	org := `<script type="application/ld+json">{"@context":"https://schema.org","@graph":[` +
		`{"@type":"Organization","name":"Ridgeline","description":"` + about + `"},` +
		`{"@type":"WebPage","name":"Ridgeline","description":"` + about + `"}]}</script>`
	tests := []struct{ name, page string }{
		{"a shell whose only text is a menu of short links",
			`<html><body><div class="top">` + menu.String() + `</div><div id="app"></div></body></html>`},
		{"a shell whose JSON-LD describes only the publisher",
			`<html><head>` + org + `</head><body><div id="app"></div><a href="/">Home</a></body></html>`},
		{"a shell whose meta description is a teaser",
			`<html><head><meta name="description" content="Ridgeline makes tents, packs and stoves for people who walk a long way. Free repairs for life on everything we sell, and free delivery on orders over fifty pounds.">` +
				`<meta property="og:description" content="Tents, packs and stoves for people who walk a long way."></head><body><div id="app"></div></body></html>`},
		{"a shell whose region holds two teasers, under forty words",
			`<html><body><div class="teaser"><a href="/tents/alder-1"><h3>Alder 1 trekking tent</h3></a><span>Single wall</span> <span>€289</span></div>` +
				`<div class="teaser"><a href="/tents/birch-2"><h3>Birch 2 family tent</h3></a><span>Two porches</span> <span>€419</span></div><div id="app"></div></body></html>`},
		{"a shell whose <noscript> holds only a notice asking for script",
			`<html><body><noscript>Please turn on JavaScript to use this shop: it will not work without it.</noscript><main><div id="root"></div></main></body></html>`},
		{"a small shell whose custom element is its empty mount point",
			`<html><body><h1>Ridgeline</h1><p>Loading the shop…</p><ridge-app></ridge-app></body></html>`},
		{"a small shell whose <div> is its empty mount point",
			`<html><body><p>Loading the shop…</p><div id="app"> </div></body></html>`},
		{"a shell with a top bar of a few links",
			`<html><body><div class="bar"><a href="/">Forum</a> <a href="/calc">Calculator</a> <a href="/donate">Donate</a></div><section id="main"></section></body></html>`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, err := extract.Extract([]byte(tc.page), extract.Options{URL: "https://shop.example/"})
			if !errors.Is(err, extract.ErrNoContent) {
				t.Errorf("Extract = %q, %v; want ErrNoContent", a.Text(), err)
			}
		})
	}
}

// TestExtractFallbackOverrides: a person's Exclude holds for the content
// region read when nothing else was found, and a Selector that matched
// an element without text is not second-guessed.
func TestExtractFallbackOverrides(t *testing.T) {
	page, err := os.ReadFile(filepath.Join("testdata", "regress", "block", "listing-all-links.html"))
	if err != nil {
		t.Fatal(err)
	}
	a, err := extract.Extract(page, extract.Options{Exclude: []string{".site-menu"}})
	if err != nil {
		t.Fatalf("Extract with Exclude: %v", err)
	}
	if a.Block != extract.BlockRegion || strings.Contains(a.Text(), "Stoves") || !strings.Contains(a.Text(), "Rowan 8") {
		t.Errorf("Extract with Exclude: block %q, text:\n%s\nwant the region without the excluded menu", a.Block, a.Text())
	}
	if a, err := extract.Extract(page, extract.Options{Selector: "footer"}); !errors.Is(err, extract.ErrNoContent) {
		t.Errorf("Extract with a selector matching a footer of links = %q, %v; want ErrNoContent", a.Text(), err)
	}
}

// TestExtractLastResort: a page every reader fails on but whose content
// region holds text of its own (a board of teasers, each pruned by its
// name, too short and too linked for the region reader) gives that
// region as a last resort, marked by its block and a confidence well
// under LowConfidence, so that a caller with text of its own prefers
// that and a person reviews it.
func TestExtractLastResort(t *testing.T) {
	page, err := os.ReadFile(filepath.Join("testdata", "regress", "block", "last-resort-teaser-board.html"))
	if err != nil {
		t.Fatal(err)
	}
	a, err := extract.Extract(page, extract.Options{URL: "https://jobs.example/harbour"})
	if err != nil {
		t.Fatalf("Extract: %v", err)
	}
	if a.Block != extract.BlockLastResort || a.Confidence > 0.2 {
		t.Errorf("Block %q, confidence %.2f; want %q at 0.2 or under", a.Block, a.Confidence, extract.BlockLastResort)
	}
	if text := a.Text(); !strings.Contains(text, "Marine electrician") || strings.Contains(text, "Sign in") || strings.Contains(text, "Privacy") {
		t.Errorf("text:\n%s\nwant the teasers without the header and footer links", text)
	}
	if _, err := extract.Extract(page, extract.Options{Selector: "footer"}); !errors.Is(err, extract.ErrNoContent) {
		t.Errorf("Extract with a selector matching a footer of links: %v, want ErrNoContent (no last resort second-guesses a person)", err)
	}
}
