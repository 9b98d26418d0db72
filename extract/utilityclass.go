package extract

import "strings"

// Utility-first CSS frameworks write a style as a class word: a variant
// prefix says when it applies ("hover:", "print:", "lg:", a site's own
// "links-accent:"), and a word in brackets is an arbitrary CSS
// declaration ("[text-decoration-skip:none]",
// "[--content-scroll-margin:4rem]"). Neither names the element: read as
// words, a CSS property ("skip" in text-decoration-skip, "content")
// or a variant ("more" in contrast-more) would mark an inline link in a
// paragraph as a skip link, or a menu as the story. utilityName keeps of
// such a word only the utility after its last variant prefix, and
// nothing of a bracketed declaration. A utility's arbitrary value
// ("text-[var(--teaser-ink)]") is kept: a design token's name can name
// what it styles. A word without ':' or '[' is returned whole, without a
// copy.

// utilityName returns the part of the class word w that names a utility:
// the text after the last ':' outside brackets, or "" when that text is
// a bracketed declaration.
func utilityName(w string) string {
	if !strings.ContainsAny(w, ":[") {
		return w
	}
	depth, start := 0, 0
	for i := 0; i < len(w); i++ {
		switch w[i] {
		case '[':
			depth++
		case ']':
			if depth > 0 {
				depth--
			}
		case ':':
			if depth == 0 {
				start = i + 1
			}
		}
	}
	if w = w[start:]; strings.HasPrefix(w, "[") {
		return ""
	}
	return w
}
