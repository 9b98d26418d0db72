package extract

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"
)

// normalize cleans one paragraph of text: invalid UTF-8 is dropped,
// mojibake repaired, soft hyphens, zero-width and control characters and
// noncharacters removed, the result put in NFC and its white space collapsed.
func normalize(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "")
	}
	s = repairMojibake(s)
	s = strings.Map(func(r rune) rune {
		switch r {
		case '\u00ad', '\u200b', '\u2060', '\ufeff', '\u180e', '\ufffe':
			return -1
		case '\t', '\f', '\v':
			return ' '
		case '\n', '\r':
			return r // segment breaks: collapseSpace needs them
		}
		if r < 0x20 || (r >= 0x7f && r < 0xa0) || (r >= 0xfdd0 && r <= 0xfdef) || r == 0xffff {
			return -1 // controls and noncharacters (emit's line marks among them)
		}
		return r
	}, s)
	s = norm.NFC.String(s)
	return collapseSpace(s)
}

// collapseSpace trims s and replaces every run of Unicode white space with
// one ASCII space, except that a run holding a line break between two
// wide East Asian characters (Chinese, Japanese, full-width forms; not
// Hangul, which Korean separates with spaces) is removed, as browsers do
// (CSS Text 3, segment break transformation): source HTML wraps Chinese
// and Japanese text anywhere, and a space there would split a word.
// Spaces the author typed between CJK and Latin text are kept as they are.
//
// Text that is already collapsed (collapsed) is returned as it is,
// without a copy: most lines of most pages are.
func collapseSpace(s string) string {
	if collapsed(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	space, brk := false, false
	var prev rune
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = true
			brk = brk || r == '\n' || r == '\r'
			continue
		}
		if space && b.Len() > 0 && !(brk && isWideCJK(prev) && isWideCJK(r)) {
			b.WriteByte(' ')
		}
		space, brk, prev = false, false, r
		b.WriteRune(r)
	}
	return b.String()
}

// collapsed reports whether collapseSpace would return s unchanged: s is
// valid UTF-8 (an invalid byte would become U+FFFD) and its only white
// space is single ASCII spaces between other characters.
func collapsed(s string) bool {
	prevSpace := true // a space at the start is not kept
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			space := asciiSpace[b]
			if space && (b != ' ' || prevSpace) {
				return false
			}
			prevSpace = space
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || unicode.IsSpace(r) {
			return false
		}
		prevSpace = false
		i += size
	}
	return !prevSpace
}

// isWideCJK reports whether r is a wide or full-width East Asian character
// other than Hangul: Han, kana, Bopomofo, CJK symbols and punctuation,
// full-width forms.
func isWideCJK(r rune) bool {
	switch {
	case r < 0x2e80:
		return false
	case r >= 0x2e80 && r <= 0x303f, // radicals, ideographic description, CJK symbols and punctuation
		r >= 0x3040 && r <= 0x31ff && !(r >= 0x3130 && r <= 0x318f), // kana, Bopomofo, strokes; not Hangul jamo
		r >= 0x3200 && r <= 0x4dbf,                                  // enclosed CJK, compatibility, extension A
		r >= 0x4e00 && r <= 0x9fff,                                  // unified ideographs
		r >= 0xf900 && r <= 0xfaff,                                  // compatibility ideographs
		r >= 0xfe30 && r <= 0xfe4f,                                  // CJK compatibility forms
		r >= 0xff01 && r <= 0xff60, r >= 0xffe0 && r <= 0xffe6,      // full-width forms
		r >= 0x20000 && r <= 0x3ffff: // supplementary ideographs
		return true
	}
	return false
}

// codePages are tried, in order, to undo UTF-8 text that was decoded with
// a legacy single-byte code page: windows-1252 ("Ã©", "â€™") and
// windows-1250 ("Ă©").
var codePages = [...]*charmap.Charmap{charmap.Windows1252, charmap.Windows1250}

// repairMojibake undoes UTF-8 bytes that were read as windows-1252,
// windows-1250 or ISO-8859-1. It works sequence by sequence: a run of 2–4
// characters is replaced only when its bytes in the code page form one
// valid UTF-8 character, so correct text around it (including correct
// non-ASCII text) is left alone. Two-byte sequences must decode to a
// Latin, Greek or Cyrillic letter or a Latin-1 symbol, which keeps rare
// legitimate pairs such as an upper-case umlaut before a quote mark intact.
// Double-encoded text is repaired by a second pass.
func repairMojibake(s string) string {
	for range 2 {
		if !maybeMojibake(s) {
			return s
		}
		r, changed := repairOnce(s)
		if !changed {
			return s
		}
		// "à" is C3 A0; when the A0 (no-break space) was turned into a
		// plain space, "Ã " is left. Repair it only in text that had
		// other mojibake, before a lower-case letter.
		s = lostNBSP.ReplaceAllString(r, "à $1")
	}
	return s
}

var lostNBSP = regexp.MustCompile(`Ã {1,2}(\p{Ll})`)

// maybeMojibake is a cheap filter: mojibake of UTF-8 always contains a
// character whose code-page byte is a UTF-8 lead byte (0xC2–0xF4).
func maybeMojibake(s string) bool {
	for _, r := range s {
		if r < 0xc0 {
			continue
		}
		if _, ok := leadByte(r); ok {
			return true
		}
	}
	return false
}

func leadByte(r rune) (byte, bool) {
	for _, cp := range codePages {
		if b, ok := cp.EncodeRune(r); ok && b >= 0xc2 && b <= 0xf4 {
			return b, true
		}
	}
	return 0, false
}

// cpByte returns the byte of r in cp, falling back to ISO-8859-1 for the
// C1 range that windows-1252 leaves undefined.
func cpByte(cp *charmap.Charmap, r rune) (byte, bool) {
	if r < 0x80 {
		return 0, false
	}
	if b, ok := cp.EncodeRune(r); ok {
		return b, true
	}
	if r >= 0x80 && r <= 0xff {
		return byte(r), true
	}
	return 0, false
}

func repairOnce(s string) (string, bool) {
	rs := []rune(s)
	var out []rune
	changed := false
	for i := 0; i < len(rs); {
		if rs[i] >= 0xc0 {
			if dec, n, ok := decodeAt(rs, i); ok {
				if !changed {
					out = make([]rune, 0, len(rs))
					out = append(out, rs[:i]...)
					changed = true
				}
				out = append(out, dec)
				i += n
				continue
			}
		}
		if changed {
			out = append(out, rs[i])
		}
		i++
	}
	if !changed {
		return s, false
	}
	return string(out), true
}

// decodeAt tries to read rs[i:] as one UTF-8 character encoded in a code
// page. It returns the character and how many runes it used.
func decodeAt(rs []rune, i int) (rune, int, bool) {
	for _, cp := range codePages {
		lead, ok := cpByte(cp, rs[i])
		if !ok {
			continue
		}
		var n int
		switch {
		case lead >= 0xc2 && lead <= 0xdf:
			n = 2
		case lead >= 0xe0 && lead <= 0xef:
			n = 3
		case lead >= 0xf0 && lead <= 0xf4:
			n = 4
		default:
			continue
		}
		if i+n > len(rs) {
			continue
		}
		var buf [4]byte
		buf[0] = lead
		good := true
		for k := 1; k < n; k++ {
			b, ok := cpByte(cp, rs[i+k])
			if !ok || b < 0x80 || b > 0xbf {
				good = false
				break
			}
			buf[k] = b
		}
		if !good {
			continue
		}
		r, size := utf8.DecodeRune(buf[:n])
		if r == utf8.RuneError || size != n {
			continue
		}
		if n == 2 && !plausible2(r) {
			continue
		}
		return r, n, true
	}
	return 0, 0, false
}

// plausible2 reports whether a character that took two UTF-8 bytes is
// likely to be what the author wrote: Latin-1 symbols and letters, Latin
// extended, combining marks, Greek, Cyrillic.
func plausible2(r rune) bool {
	return r >= 0xa0 && r <= 0x52f
}
