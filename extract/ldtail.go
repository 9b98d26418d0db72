package extract

import (
	"strings"
	"unicode"

	"golang.org/x/net/html"
)

// Limits of dropAfterLDBody: the articleBody must hold ldTailMinWords
// words, ldTailEndWords of which, its last, end one of the text's
// paragraphs, and what follows that paragraph holds at most
// ldTailMaxWords words and a fifth of the text's.
const (
	ldTailMinWords = 150
	ldTailEndWords = 8
	ldTailMaxWords = 150
)

// dropAfterLDBody drops the paragraphs that follow the story's end as the
// page's JSON-LD articleBody gives it: when the body's last words end a
// paragraph of the text, with at least half the text before that
// paragraph found in the body too, the short run of paragraphs after it
// (a disclaimer, a company's pitch, a newsletter box that the template
// sets under every story) is not part of the article the page declares.
// A long run is left alone: an articleBody cut short (a preview, the
// first sections of a long guide) ends before the story does.
func dropAfterLDBody(paras []string, body string) []string {
	if len(body) > MaxInputSize || len(paras) < 4 {
		return paras
	}
	if strings.Contains(body, "<") {
		if n, err := html.Parse(strings.NewReader(body)); err == nil {
			if lines := emit(n); len(lines) > 0 {
				body = strings.Join(lines, "\n\n")
			}
		}
	}
	bw := plainWords(body)
	if len(bw) < ldTailMinWords {
		return paras
	}
	end := strings.Join(bw[len(bw)-ldTailEndWords:], " ")
	joined := " " + strings.Join(bw, " ") + " "
	words := make([][]string, len(paras))
	for i, p := range paras {
		words[i] = plainWords(p)
	}
	last := -1
	for i := len(paras) - 1; i >= 0; i-- {
		pw := words[i]
		if len(pw) >= ldTailEndWords && strings.Join(pw[len(pw)-ldTailEndWords:], " ") == end {
			last = i
			break
		}
	}
	if last < 0 || last == len(paras)-1 {
		return paras
	}
	found, total := 0, 0
	for _, pw := range words[:last+1] {
		total += len(pw)
		if len(pw) > 0 && strings.Contains(joined, " "+strings.Join(pw, " ")+" ") {
			found += len(pw)
		}
	}
	tail := 0
	for _, pw := range words[last+1:] {
		tail += len(pw)
	}
	if found*2 < total || tail > ldTailMaxWords || tail*5 > total+tail {
		return paras
	}
	return paras[:last+1]
}

// plainWords returns the lower-cased runs of letters and digits of s.
func plainWords(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r)
	})
}
