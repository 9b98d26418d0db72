package extract

import (
	"bytes"
	"regexp"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// declaredDescMin is the least length, in characters, of a Product's
// JSON-LD description that withDeclaredDescription adds: a description,
// not a tag line.
const declaredDescMin = 150

// declaredDescShown is the length of the opening of the description that
// must be found in the text of an element of the page (not a script) for
// the description to count as shown on the page.
const declaredDescShown = 40

// withDeclaredDescription returns paras with, at the end, the description
// of the Product the page's JSON-LD declares (the longest, with HTML
// tags turned into line breaks) when paras hold under half of its words
// and it is written in words (20 or more, as a description is; a text
// of escaped characters is not) or an element of the page shows its
// opening: the item's description, set in a drawer, a tab or a side
// sheet that the page opens on a click (a dialog, an <aside>) and that
// pruning cut as boilerplate, or filled in by a script.
func withDeclaredDescription(page []byte, paras []string) []string {
	if !bytes.Contains(page, []byte("ld+json")) {
		return paras
	}
	root, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		return paras
	}
	desc := declaredDescription(root)
	if len(desc) < declaredDescMin {
		return paras
	}
	lines := descLines(desc)
	if len(lines) == 0 || wordShare(strings.Join(lines, " "), strings.Join(paras, " ")) >= 0.5 {
		return paras
	}
	opening := strings.ToLower(collapseSpace(strings.Join(lines, " ")))
	if len(opening) > declaredDescShown {
		opening = opening[:declaredDescShown]
	}
	body := findFirst(root, atom.Body)
	if body == nil || len(strings.Fields(desc)) < 20 && !strings.Contains(strings.ToLower(collapseSpace(visibleText(body))), opening) {
		return paras
	}
	return append(paras, lines...)
}

// declaredDescription returns the longest description of the Product
// or ProductGroup the page's JSON-LD declares; "" when it declares items
// of more than one name (a shop's category page, whose text is its
// items, not one item's description).
func declaredDescription(root *html.Node) string {
	best, name := "", ""
	for _, e := range pageLDEntities(root) {
		if !ldTypeIs(e["@type"], "product") && !ldTypeIs(e["@type"], "productgroup") {
			continue
		}
		n, _ := e["name"].(string)
		if n = strings.ToLower(collapseSpace(n)); n != "" {
			if name != "" && n != name {
				return ""
			}
			name = n
		}
		if d, _ := e["description"].(string); len(d) > len(best) {
			best = d
		}
	}
	return best
}

// descBreak matches the tags that end a line of a description written in
// HTML.
var descBreak = regexp.MustCompile(`(?i)<br\s*/?>|</(p|li|h[1-6]|div)>`)

// descTag matches any other tag.
var descTag = regexp.MustCompile(`<[^>]*>`)

// descLines splits a JSON-LD description into lines: at line breaks and
// at the tags that end a block, other tags removed, entities decoded.
func descLines(d string) []string {
	d = descTag.ReplaceAllString(descBreak.ReplaceAllString(d, "\n"), "")
	var out []string
	for _, l := range strings.Split(html.UnescapeString(d), "\n") {
		if l = collapseSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// wordShare returns the share of the distinct words of a (lower-cased
// letters and digits) that b holds.
func wordShare(a, b string) float64 {
	wa, wb := wordSet(a), wordSet(b)
	if len(wa) == 0 {
		return 1
	}
	k := 0
	for w := range wa {
		if wb[w] {
			k++
		}
	}
	return float64(k) / float64(len(wa))
}

// visibleText returns the text of n outside scripts, styles and
// templates.
func visibleText(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(x *html.Node) {
		for c := x.FirstChild; c != nil; c = c.NextSibling {
			switch {
			case c.Type == html.TextNode:
				b.WriteString(c.Data)
				b.WriteByte(' ')
			case c.Type == html.ElementNode && c.DataAtom != atom.Script && c.DataAtom != atom.Style && c.DataAtom != atom.Template && c.DataAtom != atom.Noscript:
				walk(c)
			}
		}
	}
	walk(n)
	return b.String()
}
