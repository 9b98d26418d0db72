package extract

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// The writer's bio under a byline set above it.
//
// Some templates close the story with the writer's box as a byline and
// a paragraph: a line "Written by Ana Ruiz" (or "By Ana Ruiz"), then
// "Ana Ruiz is a reporter who …". The page may give no author in its
// metadata, so dropAuthorBox has no name to look for; the line right
// above the paragraph gives it. The line filters drop the byline as
// one, and the paragraph, which opens with the name the byline signs,
// is the box's bio, not the story: it goes with what closes the text
// after it, when that is short, as dropAuthorBox cuts (the second half
// of the text, authorBoxMaxWords words at most, under a fifth of it).

// Limits of bylineBioNames.
const (
	signedBylineMaxWords = 8 // words of the byline line, at most
	signedNameMinWords   = 2 // words of the name it signs, at least
	signedNameMaxWords   = 5 // and at most
)

// bylineBioNames returns the names signed by the byline lines of raw
// (a line of signedBylineMaxWords words or fewer opening with "Written
// by" or "By", then a name of signedNameMinWords to signedNameMaxWords
// capitalised words) that the next line opens with; the emitter's marks
// (a heading's) are not read.
func bylineBioNames(raw []string) []string {
	var names []string
	for i := 0; i+1 < len(raw); i++ {
		line := strings.TrimSpace(stripMarks(raw[i]))
		if line == "" || wordCount(line) > signedBylineMaxWords {
			continue
		}
		name := signedName(line)
		if name == "" {
			continue
		}
		if next := strings.TrimSpace(stripMarks(raw[i+1])); strings.HasPrefix(next, name+" ") {
			names = append(names, name)
		}
	}
	return names
}

// signedName returns the name a byline line signs ("Written by Ana
// Ruiz", "By Ana Ruiz"), or "" when line is no such byline.
func signedName(line string) string {
	rest := stripBy(line)
	if rest == line {
		return ""
	}
	words := strings.Fields(rest)
	if len(words) < signedNameMinWords || len(words) > signedNameMaxWords {
		return ""
	}
	for _, w := range words {
		if r, _ := utf8.DecodeRuneInString(w); !unicode.IsUpper(r) {
			return ""
		}
	}
	return strings.Join(words, " ")
}

// dropSignedBios drops the writer's box closing paras that opens with a
// name one of the byline lines signs (bylineBioNames), as dropAuthorBox
// drops the box of the author the metadata names.
func dropSignedBios(paras []string, names []string) []string {
	for _, name := range names {
		paras = dropAuthorBox(paras, name)
	}
	return paras
}
