package dedupe

import (
	"html"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Tokens splits text into lower-case word tokens, the way Python's \w+ does
// on Unicode text: maximal runs of letters, digits and other numbers, marks
// and the underscore. HTML character references are decoded and UTF-8 text
// that was mis-decoded as Windows-1252 ("â€™" for "’") is repaired first, so
// a mangled copy tokenises like its original.
func Tokens(text string) []string {
	text = repairMojibake(html.UnescapeString(text))
	var out []string
	start := -1
	for i, r := range text {
		if isWord(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			out = append(out, strings.ToLower(text[start:i]))
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, strings.ToLower(text[start:]))
	}
	return out
}

func isWord(r rune) bool {
	if r < utf8.RuneSelf {
		return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_'
	}
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsMark(r)
}

// cp1252High maps the Windows-1252 bytes 0x80-0x9F to their runes; zero
// marks bytes the code page leaves undefined (decoders pass them through as
// U+0080-U+009F).
var cp1252High = [32]rune{
	0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
	0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0,
}

// cp1252Byte returns the Windows-1252 byte that decodes to r.
func cp1252Byte(r rune) (byte, bool) {
	switch {
	case r >= 0xA0 && r <= 0xFF, r >= 0x80 && r <= 0x9F:
		return byte(r), true
	}
	for i, c := range cp1252High {
		if c == r && c != 0 {
			return byte(0x80 + i), true
		}
	}
	return 0, false
}

// repairMojibake re-decodes each run of non-ASCII characters that are all
// Windows-1252 representable when the run's bytes form valid, shorter UTF-8.
// Text without such runs is returned unchanged (and unallocated).
func repairMojibake(s string) string {
	// Fast path: mojibake of UTF-8 always starts with a lead byte in
	// 0xC2-0xF4, which Windows-1252 shows as a rune in U+00C2-U+00F4.
	found := false
	for _, r := range s {
		if r >= 0xC2 && r <= 0xF4 {
			found = true
			break
		}
	}
	if !found {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	run := make([]byte, 0, 16)
	runStart := -1
	flush := func(end int) {
		if runStart < 0 {
			return
		}
		if utf8.Valid(run) && utf8.RuneCount(run) < utf8.RuneCountInString(s[runStart:end]) {
			b.Write(run)
		} else {
			b.WriteString(s[runStart:end])
		}
		run = run[:0]
		runStart = -1
	}
	for i, r := range s {
		if r >= utf8.RuneSelf {
			if c, ok := cp1252Byte(r); ok {
				if runStart < 0 {
					runStart = i
				}
				run = append(run, c)
				continue
			}
		}
		flush(i)
		b.WriteRune(r)
	}
	flush(len(s))
	return b.String()
}

// hashToken is 64-bit FNV-1a of the token, finished with a mixer so that
// neighbouring strings land far apart.
func hashToken(t string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(t); i++ {
		h ^= uint64(t[i])
		h *= 1099511628211
	}
	return mix64(h)
}

// mix64 is the SplitMix64 finaliser.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// shingleSet returns the sorted, de-duplicated hashes of the n-word shingles
// of text that pass the sample (hash % sample == 0), and the first lead of
// them in text order. A text with fewer than n tokens has none.
func shingleSet(text string, n int, sample uint64, lead int) (set, first []uint64) {
	toks := Tokens(text)
	if len(toks) < n {
		return nil, nil
	}
	th := make([]uint64, len(toks))
	for i, t := range toks {
		th[i] = hashToken(t)
	}
	total := len(toks) - n + 1
	out := make([]uint64, 0, total/int(sample)+1)
	for i := 0; i < total; i++ {
		var h uint64
		for j := 0; j < n; j++ {
			h = (h ^ th[i+j]) * 0x9E3779B97F4A7C15
			h = h<<31 | h>>33
		}
		h = mix64(h)
		if h%sample == 0 {
			if len(first) < lead && !slices.Contains(first, h) {
				first = append(first, h)
			}
			out = append(out, h)
		}
	}
	slices.Sort(out)
	return slices.Compact(out), first
}
