package extract

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// fieldNameLists returns the <dl> elements under n whose terms are
// mostly machine field names: at least fieldNameMinTerms terms, half or
// more of them one word joined by underscores ("sku_code",
// "item_weight_kg"), with no space. A template that prints a record's
// raw fields leaves such a list behind; a reader's labels are words
// ("Weight", "Item weight").
func fieldNameLists(n *html.Node) map[*html.Node]bool {
	var out map[*html.Node]bool
	for _, dl := range findAll(n, false, func(x *html.Node) bool { return x.DataAtom == atom.Dl }) {
		if !fieldNameTerms(dl) {
			continue
		}
		if out == nil {
			out = make(map[*html.Node]bool)
		}
		out[dl] = true
	}
	return out
}

// fieldNameMinTerms is the least number of terms of a list read as
// field names.
const fieldNameMinTerms = 3

// fieldValueMaxWords is the most words of a value in a record's raw
// fields ("12.5", "in stock"); a longer <dd> explains its term.
const fieldValueMaxWords = 8

// fieldNameTerms reports whether half or more of the <dt> children of
// dl, fieldNameMinTerms or more, are identifiers (fieldName) and at most
// a quarter of its <dd> children hold more than fieldValueMaxWords
// words. A reference that documents settings or parameters (a term
// "max_retries" explained in a sentence, each term in turn) is written
// for a reader and stays; a record's fields are mostly short values,
// with the odd description among them.
func fieldNameTerms(dl *html.Node) bool {
	terms, names, values, explained := 0, 0, 0, 0
	for c := dl.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		switch c.DataAtom {
		case atom.Dd:
			values++
			if wordsUpTo(c, fieldValueMaxWords+1) > fieldValueMaxWords {
				explained++
			}
		case atom.Dt:
			terms++
			if fieldName(strings.TrimSuffix(strings.TrimSpace(textOf(c)), ":")) {
				names++
			}
		}
	}
	return terms >= fieldNameMinTerms && names*2 >= terms && explained*4 <= values
}

// fieldName reports whether s is an identifier with an underscore: ASCII
// letters, digits and underscores only, an underscore between two of
// the others.
func fieldName(s string) bool {
	under := false
	for i := 0; i < len(s); i++ {
		switch b := s[i]; {
		case b == '_':
			if i == 0 || i == len(s)-1 {
				return false
			}
			under = true
		case b >= 'a' && b <= 'z', b >= 'A' && b <= 'Z', b >= '0' && b <= '9':
		default:
			return false
		}
	}
	return under
}
