package extract_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/feedsift/feedsift/extract"
)

// Paragraphs of a made-up story for the script-rendered page cases.
var quayParas = []string{
	"The old quay crane, idle since the shipyard closed in 1994, will be restored and lit at night, the harbour trust said on Monday after a decade of debate about whether to scrap it.",
	"Engineers found the steel frame sound but the cab and the winding gear corroded beyond repair; both will be rebuilt from the original drawings, which turned up in the town archive last spring.",
	"The work is expected to take eighteen months and to cost about two million, most of it from a heritage fund, with the rest raised by a public appeal that has already passed its first target.",
	"Former shipyard workers, some of whom operated the crane, will guide visitors around the quay once the restoration is finished, the trust said.",
}

func TestExtractScriptRendered(t *testing.T) {
	var tmpl strings.Builder
	for _, p := range quayParas {
		tmpl.WriteString("<p>" + p + "</p>\n")
	}
	ld, err := json.Marshal(map[string]any{"@context": "https://schema.org", "@type": "NewsArticle",
		"headline": "Quay crane to be restored", "articleBody": strings.Join(quayParas, "\n\n")})
	if err != nil {
		t.Fatal(err)
	}
	ldHTML, err := json.Marshal(map[string]any{"@type": "BlogPosting", "headline": "Quay crane to be restored",
		"articleBody": "<div>" + tmpl.String() + "</div>"})
	if err != nil {
		t.Fatal(err)
	}
	siteLD, err := json.Marshal(map[string]any{"@type": "WebPage", "name": "Harbour Trust",
		"articleBody": strings.Repeat("The Harbour Trust looks after the quays, the lighthouse and the old customs house for the town and its visitors. ", 6)})
	if err != nil {
		t.Fatal(err)
	}
	teaser := `<article><h1>Quay crane to be restored</h1><p>` + quayParas[0][:80] + `…</p><div id="app"></div></article>`
	full := `<article><h1>Quay crane to be restored</h1><p>` + strings.Join(quayParas, "</p><p>") + `</p></article>`
	tests := []struct {
		name string
		page string
		want []string
	}{
		{
			"blog post shipped in a text/template script inside the article body",
			`<html><body><div class="post-body"><div itemprop="articleBody"><script type="text/template">` + tmpl.String() +
				`</script></div></div><div class="widget"><script type="text/template"><p>{{comment.author}} wrote {{comment.text}}</p></script></div></body></html>`,
			quayParas,
		},
		{
			"JSON-LD articleBody when the markup holds only a teaser",
			`<html><head><script type="application/ld+json">` + string(ld) + `</script></head><body>` + teaser + `</body></html>`,
			quayParas,
		},
		{
			"JSON-LD articleBody given as HTML",
			`<html><head><script type="application/ld+json">` + string(ldHTML) + `</script></head><body>` + teaser + `</body></html>`,
			quayParas,
		},
		{
			"markup kept when it holds the story",
			`<html><head><script type="application/ld+json">` + string(ld) + `</script></head><body>` + full + `</body></html>`,
			quayParas,
		},
		{
			"a JSON-LD text about something else is not taken for the story",
			`<html><head><script type="application/ld+json">` + string(siteLD) + `</script></head><body>` + full + `</body></html>`,
			quayParas,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, err := extract.Extract([]byte(tc.page), extract.Options{URL: "https://trust.example/news/crane"})
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			if diff := cmp.Diff(tc.want, a.Paragraphs); diff != "" {
				t.Errorf("paragraphs (-want +got):\n%s", diff)
			}
		})
	}
}

// TestExtractDropsRepeatedArticle: a page that carries its article twice
// (for desktop and phone layouts, say) gives it once; a short line the
// story says twice, away from any repeat, stays.
func TestExtractDropsRepeatedArticle(t *testing.T) {
	once := "<h2>Works</h2><p>" + strings.Join(quayParas, "</p><p>") + "</p>"
	page := `<html><body><article><h1>Quay crane to be restored</h1><div class="desktop">` + once +
		`<p>Update.</p></div><div class="mobile">` + once + `</div><p>` +
		"The trust will publish the restoration schedule on its website once the contractor is chosen." + `</p><p>Update.</p></article></body></html>`
	a, err := extract.Extract([]byte(page), extract.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := append(append([]string{"Works"}, quayParas...), "Update.",
		"The trust will publish the restoration schedule on its website once the contractor is chosen.", "Update.")
	if diff := cmp.Diff(want, a.Paragraphs); diff != "" {
		t.Errorf("paragraphs (-want +got):\n%s", diff)
	}
}
