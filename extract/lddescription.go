package extract

import (
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

// productDescription is the description of the Product a page's JSON-LD
// declares, read from the page before pruning (readProductDescription).
type productDescription struct {
	// lines are the description's lines (descLines); nil when the page
	// declares none of declaredDescMin characters or more.
	lines []string
	// shown: the description is written in words (20 or more, as a
	// description is; a text of escaped characters is not) or an element
	// of the page, not a script, shows its opening.
	shown bool
}

// readProductDescription reads the description of the Product declared
// in root's JSON-LD (declaredDescription) and whether body shows it.
// It runs on the page as parsed, before pruning cuts the drawer, tab or
// side sheet the description may be set in.
func readProductDescription(ld linkedData, body *html.Node) productDescription {
	desc := declaredDescription(ld)
	if len(desc) < declaredDescMin {
		return productDescription{}
	}
	lines := descLines(desc)
	if len(lines) == 0 {
		return productDescription{}
	}
	if len(strings.Fields(desc)) >= 20 {
		return productDescription{lines: lines, shown: true}
	}
	opening := strings.ToLower(collapseSpace(strings.Join(lines, " ")))
	if len(opening) > declaredDescShown {
		opening = opening[:declaredDescShown]
	}
	return productDescription{lines: lines, shown: strings.Contains(strings.ToLower(collapseSpace(visibleText(body))), opening)}
}

// withDeclaredDescription returns paras with, at the end, the lines of
// the Product's description d when d is shown (productDescription) and
// paras hold under half of its words: the item's description, set in a
// drawer, a tab or a side sheet that the page opens on a click (a
// dialog, an <aside>) and that pruning cut as boilerplate, or filled in
// by a script.
func withDeclaredDescription(paras []string, d productDescription) []string {
	if !d.shown || wordShare(strings.Join(d.lines, " "), strings.Join(paras, " ")) >= 0.5 {
		return paras
	}
	return append(paras, d.lines...)
}

// declaredDescription returns the longest description of the Product
// or ProductGroup the page's JSON-LD declares; "" when it declares items
// of more than one name (a shop's category page, whose text is its
// items, not one item's description).
func declaredDescription(ld linkedData) string {
	best, name := "", ""
	for _, e := range ld.entities {
		if !isProductEntity(e) {
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
// letters and digits) that b holds; 1 when a has none.
func wordShare(a, b string) float64 {
	return setShare(wordSet(a), wordSet(b), 1)
}

// setShare returns the share of the members of a that b holds, or empty
// when a has none.
func setShare(a, b map[string]bool, empty float64) float64 {
	if len(a) == 0 {
		return empty
	}
	k := 0
	for w := range a {
		if b[w] {
			k++
		}
	}
	return float64(k) / float64(len(a))
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
