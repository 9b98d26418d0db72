package extract

import (
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

func TestReadLinkedData(t *testing.T) {
	tests := []struct {
		name     string
		scripts  []string
		entities int
		items    []string
		onOffer  []string
		headline string
	}{
		{
			name:    "graph members and the graph's holder",
			scripts: []string{`{"@context":"https://schema.org","@graph":[{"@type":"WebSite","name":"Quillmere"},{"@type":"Product","name":"Tin lantern &amp; hook","offers":{"price":"12"}}]}`},
			// the two members, then the object holding the graph
			entities: 3,
			items:    []string{"Tin lantern & hook"},
			onOffer:  []string{"Tin lantern & hook"},
		},
		{
			name:     "an array, a group without offers",
			scripts:  []string{`[{"@type":"ProductGroup","name":"Felt slippers"},{"@type":"Product","name":"Felt slippers, grey"}]`},
			entities: 2,
			items:    []string{"Felt slippers", "Felt slippers, grey"},
		},
		{
			name:     "a malformed script is skipped, the next one read",
			scripts:  []string{`{"@type":"NewsArticle","headline":`, `{"@type":"NewsArticle","headline":"Ferry timetable changes in spring"}`},
			entities: 1,
			headline: "Ferry timetable changes in spring",
		},
		{
			name:     "a script over the size limit is skipped",
			scripts:  []string{`{"@type":"Product","name":"Oversized","offers":{},"x":"` + strings.Repeat("a", ldMaxScript) + `"}`},
			entities: 0,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var page strings.Builder
			page.WriteString("<html><head>")
			for _, s := range tc.scripts {
				page.WriteString(`<script type="application/ld+json">` + s + "</script>")
			}
			page.WriteString("</head><body><p>text</p></body></html>")
			root, err := html.Parse(strings.NewReader(page.String()))
			if err != nil {
				t.Fatal(err)
			}
			ld := readLinkedData(root)
			if len(ld.entities) != tc.entities {
				t.Errorf("entities = %d, want %d", len(ld.entities), tc.entities)
			}
			if got := ld.itemNames(); !slices.Equal(got, tc.items) {
				t.Errorf("itemNames = %q, want %q", got, tc.items)
			}
			if got := ld.productsOnOffer(); !slices.Equal(got, tc.onOffer) {
				t.Errorf("productsOnOffer = %q, want %q", got, tc.onOffer)
			}
			if got := readJSONLD(ld).headline; got != tc.headline {
				t.Errorf("headline = %q, want %q", got, tc.headline)
			}
		})
	}
}
