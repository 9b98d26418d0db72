package extract

import (
	"strings"
	"unicode"
)

// Post figures: beside each post a forum's template prints a few short
// lines built around a number, the member's post count or reputation
// ("16,382", "Posts: 212"), the post's likes ("3 Likes") or its place in
// the thread ("Reply 17"). dropPostFurniture catches the lines that
// repeat word for word; these repeat only in their shape, the same words
// around a different figure from post to post. What people write does
// not come in the same short shape three times over, post after post;
// when it does, as a program's output lines or a list of figures quoted
// in one post, the copies follow each other, where a post's figure comes
// once per post with the post's text in between.

// postFigureMaxWords is the most words a post's figure line holds
// ("Posts: 212", "1,204 posts · Joined 2019").
const postFigureMaxWords = 4

// dropPostFigures returns the paragraphs of a thread without the short
// lines (postFigureShape) whose shape appears furnitureMinSeen times or
// more, no two copies in a row; paras itself when none does, or when
// nothing else would be left.
func dropPostFigures(paras []string) []string {
	shapes := make([]string, len(paras))
	seen := make(map[string]int)
	adjacent := make(map[string]bool)
	for i, p := range paras {
		s := postFigureShape(p)
		if s == "" {
			continue
		}
		shapes[i] = s
		seen[s]++
		if i > 0 && shapes[i-1] == s {
			adjacent[s] = true
		}
	}
	if len(seen) == 0 {
		return paras
	}
	var kept []string
	for i, p := range paras {
		if s := shapes[i]; s == "" || seen[s] < furnitureMinSeen || adjacent[s] {
			kept = append(kept, p)
		}
	}
	if len(kept) == len(paras) || len(kept) == 0 {
		return paras
	}
	return kept
}

// postFigureShape returns p with each figure in it ("16,382", "3.5")
// written as "#", when p may be a post's figure line: a figure, at most
// postFigureMaxWords words, no date or time (datedIn, a relative date,
// "2 years ago", or a time of day, "14:05": a post's or a live blog
// entry's date line, which readers keep), and none of the
// brackets, quotes and operators of a line of code. It returns "" for
// any other line.
func postFigureShape(p string) string {
	if len(p) > 60 || wordCount(p) > postFigureMaxWords {
		return ""
	}
	if !strings.ContainsAny(p, "0123456789") || strings.ContainsAny(p, "()[]{}<>=;#'\"`") {
		return ""
	}
	lower := strings.ToLower(p)
	if datedIn.MatchString(lower) || strings.Contains(lower, " ago") {
		return ""
	}
	var b strings.Builder
	inFigure := false
	for i, r := range p {
		switch {
		case unicode.IsDigit(r):
			if !inFigure {
				b.WriteByte('#')
				inFigure = true
			}
		case inFigure && (r == ',' || r == '.') && i+1 < len(p) && p[i+1] >= '0' && p[i+1] <= '9':
			// a thousands separator or decimal point inside the figure
		default:
			inFigure = false
			b.WriteRune(r)
		}
	}
	shape := b.String()
	if strings.Contains(shape, "#:#") {
		return "" // a time of day: a live blog's entry time, which readers keep
	}
	return shape
}
