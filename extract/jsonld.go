package extract

import (
	"encoding/json"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// ldMaxScript is the largest JSON-LD script read; a bigger one is a data
// dump, not a description of the page.
const ldMaxScript = 1 << 20

// linkedData is the page's JSON-LD, parsed once per extraction by
// readMeta: every reader of schema.org declarations (the article's
// headline and body, the writers' bios, the Products on sale, the
// entity a script-rendered page keeps its text in) reads it from here.
// Scripts that do not parse, or are over ldMaxScript, are skipped.
type linkedData struct {
	// values holds each script's value, in document order.
	values []any
	// entities holds their top-level objects (ldEntities): the
	// elements of an array, the members of an @graph.
	entities []map[string]any
}

// readLinkedData parses the JSON-LD scripts under root.
func readLinkedData(root *html.Node) linkedData {
	var ld linkedData
	for _, s := range findAll(root, true, isLDScript) {
		if s.FirstChild == nil || s.FirstChild.Type != html.TextNode || len(s.FirstChild.Data) > ldMaxScript {
			continue
		}
		var v any
		if json.Unmarshal([]byte(s.FirstChild.Data), &v) != nil {
			continue
		}
		ld.values = append(ld.values, v)
		ld.entities = append(ld.entities, ldEntities(v, 0)...)
	}
	return ld
}

// isLDScript reports whether n is a JSON-LD <script>.
func isLDScript(n *html.Node) bool {
	return n.DataAtom == atom.Script && strings.EqualFold(strings.TrimSpace(getAttr(n, "type")), "application/ld+json")
}

// ldEntities returns the top-level objects of a JSON-LD value: the value
// itself, the elements of an array, the members of an @graph.
func ldEntities(v any, depth int) []map[string]any {
	if depth > 4 {
		return nil
	}
	switch x := v.(type) {
	case []any:
		var out []map[string]any
		for _, e := range x {
			out = append(out, ldEntities(e, depth+1)...)
		}
		return out
	case map[string]any:
		if g, ok := x["@graph"]; ok {
			return append(ldEntities(g, depth+1), x)
		}
		return []map[string]any{x}
	}
	return nil
}

// isProductEntity reports whether e is a schema.org Product or
// ProductGroup (a product sold in sizes or colours).
func isProductEntity(e map[string]any) bool {
	return ldTypeIs(e["@type"], "product") || ldTypeIs(e["@type"], "productgroup")
}

// eachOffer calls fn with every Offer of an offers value: one Offer, an
// array of them, or an AggregateOffer, which is called too and whose own
// "offers" nest further; depth bounds the nesting read.
func eachOffer(offers any, depth int, fn func(map[string]any)) {
	if depth > 3 {
		return
	}
	switch x := offers.(type) {
	case []any:
		for _, o := range x {
			eachOffer(o, depth+1, fn)
		}
	case map[string]any:
		fn(x)
		eachOffer(x["offers"], depth+1, fn)
	}
}

// itemNames returns the names of the schema.org Products and
// ProductGroups (a product sold in sizes or colours) the page declares,
// with offers or without.
func (ld linkedData) itemNames() []string {
	return ld.names(isProductEntity)
}

// productsOnOffer returns the names of the schema.org Products on offer
// (with "offers") the page declares.
func (ld linkedData) productsOnOffer() []string {
	return ld.names(func(e map[string]any) bool {
		return ldTypeIs(e["@type"], "product") && e["offers"] != nil
	})
}

// names returns the names of the entities keep accepts, unescaped.
func (ld linkedData) names(keep func(map[string]any) bool) []string {
	var names []string
	for _, e := range ld.entities {
		if !keep(e) {
			continue
		}
		if n, _ := e["name"].(string); strings.TrimSpace(n) != "" {
			names = append(names, html.UnescapeString(n))
		}
	}
	return names
}
