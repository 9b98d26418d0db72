package extract

import (
	"regexp"
	"regexp/syntax"
	"strings"
	"unicode"
)

// anchoredPatterns is a list of patterns anchored at the start of the
// text, indexed by the first byte a match can begin with: a line is tried
// only against the patterns that can match it, rather than all of them
// (classify runs junkPatterns on most short lines of every page).
type anchoredPatterns struct {
	all     []*pattern
	byFirst [256][]*pattern
}

// pattern is a regular expression with the strings one of which every
// match holds (needles; none when the expression names none): a line
// that holds none of them is answered without running the expression,
// whose bounded repeats (".{0,150}") cost a run per line even when the
// line is nothing like a match.
type pattern struct {
	re      *regexp.Regexp
	needles []string
}

func (p *pattern) MatchString(s string) bool {
	if len(p.needles) > 0 && !containsAny(s, p.needles) {
		return false
	}
	return p.re.MatchString(s)
}

func containsAny(s string, needles []string) bool {
	for _, n := range needles {
		if strings.Contains(s, n) {
			return true
		}
	}
	return false
}

// indexAnchored indexes res by their first bytes (firstBytes). A pattern
// whose first byte cannot be told (not anchored, or able to match the
// empty text) is listed under every byte.
func indexAnchored(res []*regexp.Regexp) *anchoredPatterns {
	p := &anchoredPatterns{}
	for _, re := range res {
		pat := &pattern{re: re, needles: requiredStrings(re.String())}
		p.all = append(p.all, pat)
		first := firstBytes(re.String())
		for b := range first {
			if first[b] {
				p.byFirst[b] = append(p.byFirst[b], pat)
			}
		}
	}
	return p
}

// MatchString reports whether any of the patterns matches s.
func (p *anchoredPatterns) MatchString(s string) bool {
	candidates := p.all
	if s != "" {
		candidates = p.byFirst[s[0]]
	}
	for _, re := range candidates {
		if re.MatchString(s) {
			return true
		}
	}
	return false
}

// firstBytes returns the bytes a match of the pattern expr can begin
// with: for an ASCII first rune its byte (both cases under (?i)), for any
// other rune every byte from 0x80, the lead bytes of multi-byte runes.
// Every byte is set when the pattern is not anchored at the start of the
// text, can match the empty text, or does not parse.
func firstBytes(expr string) (set [256]bool) {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return allBytes()
	}
	re = re.Simplify()
	anchored := re.Op == syntax.OpBeginText ||
		re.Op == syntax.OpConcat && len(re.Sub) > 0 && re.Sub[0].Op == syntax.OpBeginText
	if !anchored {
		return allBytes()
	}
	if nullable := addFirst(&set, re); nullable {
		return allBytes()
	}
	return set
}

func allBytes() (set [256]bool) {
	for b := range set {
		set[b] = true
	}
	return set
}

// addFirst adds to set the first bytes of re's matches and reports
// whether re can match the empty text (so that what follows it can begin
// a match too).
func addFirst(set *[256]bool, re *syntax.Regexp) (nullable bool) {
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText,
		syntax.OpEndText, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return true
	case syntax.OpLiteral:
		if len(re.Rune) == 0 {
			return true
		}
		addRune(set, re.Rune[0], re.Flags&syntax.FoldCase != 0)
		return false
	case syntax.OpCharClass:
		for i := 0; i+1 < len(re.Rune); i += 2 {
			addRange(set, re.Rune[i], re.Rune[i+1])
		}
		return false
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		*set = allBytes()
		return false
	case syntax.OpCapture, syntax.OpPlus:
		return addFirst(set, re.Sub[0])
	case syntax.OpStar, syntax.OpQuest:
		addFirst(set, re.Sub[0])
		return true
	case syntax.OpRepeat:
		return addFirst(set, re.Sub[0]) || re.Min == 0
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			if !addFirst(set, sub) {
				return false
			}
		}
		return true
	case syntax.OpAlternate:
		for _, sub := range re.Sub {
			if addFirst(set, sub) {
				nullable = true
			}
		}
		return nullable
	}
	*set = allBytes() // an operator this reading does not know
	return true
}

// addRune adds the first byte of r, and of its other cases when fold.
func addRune(set *[256]bool, r rune, fold bool) {
	addRange(set, r, r)
	if !fold {
		return
	}
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		addRange(set, f, f)
	}
}

// addRange adds the first bytes of the runes lo to hi.
func addRange(set *[256]bool, lo, hi rune) {
	for r := lo; r <= hi && r < 0x80; r++ {
		set[r] = true
	}
	if hi >= 0x80 {
		for b := 0x80; b < 0x100; b++ {
			set[b] = true
		}
	}
}

// maxNeedles bounds the strings requiredStrings spells out of one part
// of a pattern.
const maxNeedles = 16

// requiredStrings returns strings one of which every match of expr holds:
// of the parts expr concatenates, the one that spells the fewest strings
// of the greatest least length (a literal, or an alternation of
// literals). It returns nil when no part spells strings, or the pattern
// ignores case (its literals do not match the text as written).
func requiredStrings(expr string) []string {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return nil
	}
	re = re.Simplify()
	parts := []*syntax.Regexp{re}
	if re.Op == syntax.OpConcat {
		parts = re.Sub
	}
	var best []string
	bestLen := 0
	for _, part := range parts {
		strs, ok := spell(part)
		if !ok || len(strs) == 0 {
			continue
		}
		if least := shortest(strs); least > bestLen {
			best, bestLen = strs, least
		}
	}
	return best
}

// spell returns every string re matches, when re is made of literals,
// small classes, alternations and concatenations of them and they are
// at most maxNeedles.
func spell(re *syntax.Regexp) ([]string, bool) {
	switch re.Op {
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 {
			return nil, false
		}
		return []string{string(re.Rune)}, true
	case syntax.OpCharClass:
		var out []string
		for i := 0; i+1 < len(re.Rune); i += 2 {
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				if len(out) == maxNeedles {
					return nil, false
				}
				out = append(out, string(r))
			}
		}
		return out, true
	case syntax.OpCapture:
		return spell(re.Sub[0])
	case syntax.OpAlternate:
		var out []string
		for _, sub := range re.Sub {
			strs, ok := spell(sub)
			if !ok || len(out)+len(strs) > maxNeedles {
				return nil, false
			}
			out = append(out, strs...)
		}
		return out, true
	case syntax.OpConcat:
		out := []string{""}
		for _, sub := range re.Sub {
			strs, ok := spell(sub)
			if !ok || len(out)*len(strs) > maxNeedles {
				return nil, false
			}
			var next []string
			for _, a := range out {
				for _, b := range strs {
					next = append(next, a+b)
				}
			}
			out = next
		}
		return out, true
	}
	return nil, false
}

func shortest(strs []string) int {
	least := len(strs[0])
	for _, s := range strs[1:] {
		least = min(least, len(s))
	}
	return least
}
