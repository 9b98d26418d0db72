package extract

import (
	"html"
	"strings"
	"unicode"
)

// The author's bio as JSON-LD describes it.
//
// Sites that describe the article's writer in JSON-LD (a schema.org
// Person with a description) print the same description in the author
// box they set under the story. When a paragraph in the second half of
// the text opens with the words of such a description, that paragraph is
// the author box, not the story, which does not restate its writer's
// profile: it goes, with the short name and role lines just before it
// and whatever closes the text after it, when that close is short. The
// match is on the description's own words, so a story quoting a person
// is not cut unless it repeats a profile the page itself declares.

// Limits of dropPersonBio.
const (
	personBioKeyWords  = 8   // words of a description that must open the paragraph
	personBioMaxWords  = 250 // words from the bio to the end of the text, at most
	personBioLeadLines = 2   // name and role lines before the bio, at most
	personBioLeadWords = 6   // words of such a line, at most
)

// collectPersonBios appends to bios the description of every schema.org
// Person in a parsed JSON-LD value, as a key of its first words
// (bioKey), skipping descriptions shorter than personBioKeyWords words.
func collectPersonBios(v any, bios []string, depth int) []string {
	if depth > 8 {
		return bios
	}
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			bios = collectPersonBios(e, bios, depth+1)
		}
	case map[string]any:
		if d, ok := x["description"].(string); ok && isPersonType(x["@type"]) {
			if k := bioKey(plainDescription(d)); k != "" {
				bios = append(bios, k)
			}
		}
		for key, e := range x {
			if key != "description" {
				bios = collectPersonBios(e, bios, depth+1)
			}
		}
	}
	return bios
}

// isPersonType reports whether a JSON-LD @type names a Person.
func isPersonType(t any) bool {
	switch x := t.(type) {
	case string:
		return strings.EqualFold(x, "Person")
	case []any:
		for _, e := range x {
			if isPersonType(e) {
				return true
			}
		}
	}
	return false
}

// plainDescription returns a JSON-LD description as text: some sites
// give it as HTML, with tags and entities.
func plainDescription(d string) string {
	if strings.IndexByte(d, '<') >= 0 {
		var b strings.Builder
		inTag := false
		for _, r := range d {
			switch {
			case r == '<':
				inTag = true
				b.WriteByte(' ')
			case r == '>':
				inTag = false
			case !inTag:
				b.WriteRune(r)
			}
		}
		d = b.String()
	}
	return html.UnescapeString(d)
}

// bioKey returns the first personBioKeyWords words of s, lower-cased,
// letters and digits only, joined by single spaces; "" when s has fewer
// words.
func bioKey(s string) string {
	words := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	if len(words) < personBioKeyWords {
		return ""
	}
	return strings.Join(words[:personBioKeyWords], " ")
}

// dropPersonBio drops the author box closing the text: from the first
// paragraph in the second half of the text that opens with a Person's
// description (bios, as bioKey gives them), with up to
// personBioLeadLines short lines before it (the name, the role: no
// sentence), to the end, when that holds personBioMaxWords words at most
// and under a fifth of the text.
func dropPersonBio(paras []string, bios []string) []string {
	if len(bios) == 0 || len(paras) < 4 {
		return paras
	}
	keys := makeSet(bios...)
	return cutClosingBox(paras, personBioMaxWords, func(i int) (int, bool) {
		if !in(keys, bioKey(paras[i])) {
			return 0, false
		}
		return bioLeadStart(paras, i), true
	})
}

// bioLeadStart returns where the author box holding the bio at paras[i]
// begins: before up to personBioLeadLines lines of personBioLeadWords
// words or fewer that do not end a sentence (a name, a role).
func bioLeadStart(paras []string, i int) int {
	start := i
	for start > 0 && i-start < personBioLeadLines {
		q := strings.TrimSpace(paras[start-1])
		if wordCount(q) > personBioLeadWords || endsSentence(q) {
			break
		}
		start--
	}
	return start
}
