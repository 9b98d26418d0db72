package dedupe

import (
	"html"
	"math"
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
	// About one word in six bytes.
	out := appendTokens(make([]string, 0, len(text)/6+1), text)
	if len(out) == 0 {
		return nil
	}
	return out
}

// appendTokens appends the tokens of text (see Tokens) to out: match's
// phases that read texts cut them into a buffer they reuse.
func appendTokens(out []string, text string) []string {
	text = repairMojibake(html.UnescapeString(text))
	// Tokens are cut from text as they are when already lower-case (no
	// copy); the lower-cased others are written one after another to
	// low and cut from it once it is complete: one allocation for all of
	// them rather than one each (the words of a headline, a name, a
	// sentence's first are capitalised). moved lists those tokens, their
	// place in out (empty until then) and their bytes in low.
	var low strings.Builder
	type span struct{ k, from, to int32 }
	var movedBuf [128]span
	moved := movedBuf[:0]
	for i := 0; i < len(text); {
		// Skip to the next word.
		if c := text[i]; c < utf8.RuneSelf {
			if !asciiWord[c] {
				i++
				continue
			}
		} else if r, size := utf8.DecodeRuneInString(text[i:]); !isWord(r) {
			i += size
			continue
		}
		start := i
		upper, ascii := false, true
		for i < len(text) {
			c := text[i]
			if c < utf8.RuneSelf {
				l := asciiLower[c]
				if l == 0 {
					break
				}
				if l != c {
					upper = true
				}
				i++
				continue
			}
			r, size := utf8.DecodeRuneInString(text[i:])
			if !isWord(r) {
				break
			}
			ascii = false
			i += size
		}
		w := text[start:i]
		if ascii && !upper {
			out = append(out, w)
			continue
		}
		if low.Cap() == 0 {
			// Room for every later word: lower-casing keeps a word's
			// length (but for a few non-ASCII letters, when the
			// builder grows), so the copy is made once.
			low.Grow(len(text) - start)
		}
		from := low.Len()
		if ascii {
			for j := 0; j < len(w); j++ {
				low.WriteByte(asciiLower[w[j]])
			}
		} else {
			// strings.ToLower, as Tokens always did, for the rest.
			low.WriteString(strings.ToLower(w))
		}
		moved = append(moved, span{int32(len(out)), int32(from), int32(low.Len())})
		out = append(out, "")
	}
	if len(moved) > 0 {
		all := low.String()
		for _, m := range moved {
			out[m.k] = all[m.from:m.to]
		}
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
	if !mayBeMojibake(s) {
		return s
	}
	var b strings.Builder
	run := make([]byte, 0, 16)
	runStart := -1
	done := 0 // s[:done] is written to b (when b is used)
	flush := func(end int) {
		if runStart < 0 {
			return
		}
		if utf8.Valid(run) && utf8.RuneCount(run) < utf8.RuneCountInString(s[runStart:end]) {
			if b.Len() == 0 {
				b.Grow(len(s))
			}
			b.WriteString(s[done:runStart])
			b.Write(run)
			done = end
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
	}
	flush(len(s))
	if done == 0 {
		return s
	}
	b.WriteString(s[done:])
	return b.String()
}

// mayBeMojibake reports whether s may hold UTF-8 mis-decoded as
// Windows-1252: a run that re-encodes to valid, shorter UTF-8 holds a
// lead byte in 0xC2-0xF4 followed by a continuation byte in 0x80-0xBF.
// Windows-1252 shows the lead byte as a rune in U+00C2-U+00F4, encoded in
// UTF-8 as 0xC3 and a byte in 0x82-0xB4, and the continuation byte as the
// rune after it; text with accented letters but no such pair is not
// mojibake.
func mayBeMojibake(s string) bool {
	for i := 0; ; {
		j := strings.IndexByte(s[i:], 0xC3)
		if j < 0 {
			return false
		}
		i += j + 1
		if i+1 >= len(s) || s[i] < 0x82 || s[i] > 0xB4 {
			continue
		}
		r, _ := utf8.DecodeRuneInString(s[i+1:])
		if c, ok := cp1252Byte(r); ok && c >= 0x80 && c <= 0xBF {
			return true
		}
	}
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

// asciiWord marks the ASCII bytes that belong to a word.
var asciiWord = func() (t [utf8.RuneSelf]bool) {
	for c := range utf8.RuneSelf {
		t[c] = isWord(rune(c))
	}
	return t
}()

// asciiLower maps an ASCII byte that belongs to a word to its lower case
// and any other to 0 (itself not a word byte): the word loops (sampleText,
// appendTokens, sentenceTerms) test and lower-case a byte with one load.
var asciiLower = func() (t [utf8.RuneSelf]byte) {
	for c := range utf8.RuneSelf {
		if asciiWord[c] {
			t[c] = byte(unicode.ToLower(rune(c)))
		}
	}
	return t
}()

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// bodyBit marks, in the positions sampleText returns, a shingle that also
// passes the body sample.
const bodyBit = 1 << 31

// sampleText returns the shingles of text that pass the opening sample (the
// 64-bit shingle hash divisible by open), in text order without repeats:
// their 32-bit hashes (the high half of the 64-bit one, independent of the
// sampling tests) and the word offset at which each starts, with bodyBit
// set when the hash is also divisible by body (open divides body, so the
// body sample is a subset). A text with fewer than n tokens has none.
//
// It tokenises exactly like Tokens but without building the tokens: each
// token is hashed (64-bit FNV-1a of its lower-cased UTF-8, finished with
// mix64) as it is scanned into a buffer of 256, and each n-token window
// is hashed from the buffer (the token hashes folded in order, finished
// with mix64) when it fills and at the end, the last n-1 carried over: a
// tight loop over independent windows, not a step per token.
func sampleText(text string, n int, open, body uint64) (hs, pos []uint32) {
	text = repairMojibake(html.UnescapeString(text))
	w := windows{n: n, open: open, body: body}
	// The sampling tests are masks when the rates are powers of two (the
	// defaults), divisions otherwise (mask 0).
	if open&(open-1) == 0 {
		w.openMask = open - 1
	}
	if body&(body-1) == 0 {
		w.bodyMask = body - 1
	}
	// About one word in six bytes, one in open kept.
	w.hs = make([]uint32, 0, len(text)/(6*int(open))+4)
	w.pos = make([]uint32, 0, cap(w.hs))
	// Token hashes are gathered in tok and their windows hashed a chunk
	// at a time; the last n-1 are carried over to the next chunk.
	var tok windowsChunk
	nt := 0
	for i := 0; i < len(text); {
		// Skip to the next word.
		if c := text[i]; c < utf8.RuneSelf {
			if !asciiWord[c] {
				i++
				continue
			}
		} else if r, size := utf8.DecodeRuneInString(text[i:]); !isWord(r) {
			i += size
			continue
		}
		// Hash the word's lower-cased UTF-8.
		h := uint64(fnvOffset)
		for i < len(text) {
			c := text[i]
			if c < utf8.RuneSelf {
				l := asciiLower[c]
				if l == 0 {
					break
				}
				h = (h ^ uint64(l)) * fnvPrime
				i++
				continue
			}
			r, size := utf8.DecodeRuneInString(text[i:])
			if !isWord(r) {
				break
			}
			var buf [utf8.UTFMax]byte
			for _, b := range utf8.AppendRune(buf[:0], unicode.ToLower(r)) {
				h = (h ^ uint64(b)) * fnvPrime
			}
			i += size
		}
		tok[nt] = mix64(h)
		nt++
		if nt == len(tok) {
			w.hash(tok[:nt])
			keep := min(n-1, nt)
			copy(tok[:keep], tok[nt-keep:nt])
			w.base += nt - keep
			nt = keep
		}
	}
	w.hash(tok[:nt])
	if len(w.hs) == 0 {
		return nil, nil
	}
	return dropRepeats(w.hs, w.pos)
}

// windows hashes the n-token windows of a text's token hashes for
// sampleText, a chunk at a time, and keeps the sampled ones.
type windows struct {
	n                  int
	open, body         uint64
	openMask, bodyMask uint64
	base               int // token index of the chunk's first token
	hs, pos            []uint32
}

// hash hashes the windows that end in chunk tok past its first n-1 tokens
// (the previous chunk's last, already hashed as window ends) or, in the
// first chunk, every window.
func (w *windows) hash(tok []uint64) {
	n := w.n
	if n != 5 || w.openMask == 0 || w.bodyMask == 0 || len(tok) < n {
		for t := n - 1; t < len(tok); t++ {
			var s uint64
			for _, x := range tok[t-n+1 : t+1] {
				s = (s ^ x) * 0x9E3779B97F4A7C15
				s = s<<31 | s>>33
			}
			s = mix64(s)
			if s&w.openMask != 0 || w.openMask == 0 && s%w.open != 0 {
				continue
			}
			p := uint32(min(w.base+t-n+1, bodyBit-1))
			if s&w.bodyMask == 0 && (w.bodyMask != 0 || s%w.body == 0) {
				p |= bodyBit
			}
			w.hs = append(w.hs, uint32(s>>32))
			w.pos = append(w.pos, p)
		}
		return
	}
	// The defaults: 5-word windows, folded as above without the loop,
	// and rates that are powers of two. One window in open is kept, at
	// random, so a branch on it would be mispredicted often: each
	// window is written to a buffer on the stack past the kept ones and
	// kept by moving the end past it, and the kept ones are appended.
	var hb, pb [len(windowsChunk{})]uint32
	k := 0
	for t := 4; t < len(tok); t++ {
		x := tok[t-4 : t+1 : t+1]
		s := x[0] * 0x9E3779B97F4A7C15
		s = s<<31 | s>>33
		s = (s ^ x[1]) * 0x9E3779B97F4A7C15
		s = s<<31 | s>>33
		s = (s ^ x[2]) * 0x9E3779B97F4A7C15
		s = s<<31 | s>>33
		s = (s ^ x[3]) * 0x9E3779B97F4A7C15
		s = s<<31 | s>>33
		s = (s ^ x[4]) * 0x9E3779B97F4A7C15
		s = s<<31 | s>>33
		s = mix64(s)
		var body, keep uint32
		if s&w.bodyMask == 0 {
			body = bodyBit
		}
		if s&w.openMask == 0 {
			keep = 1
		}
		hb[k&(len(hb)-1)] = uint32(s >> 32)
		pb[k&(len(pb)-1)] = uint32(min(w.base+t-4, bodyBit-1)) | body
		k += int(keep)
	}
	w.hs = append(w.hs, hb[:k]...)
	w.pos = append(w.pos, pb[:k]...)
}

// windowsChunk is the chunk sampleText hashes at a time, in tokens (a
// power of two: hash's buffers are indexed under a mask, which the
// compiler knows is in range).
type windowsChunk [256]uint64

// dropRepeats removes every occurrence of a hash after its first, keeping
// text order.
func dropRepeats(hs, pos []uint32) ([]uint32, []uint32) {
	// An open-addressing set of the hashes seen, in a table of at least
	// twice as many slots (a power of two); slot value h+1, so 0 is free
	// (a hash of 2^32-1 is kept apart in hasMax).
	size := 64
	for size < 2*len(hs) {
		size <<= 1
	}
	var small [256]uint32
	var tab []uint32
	if size <= len(small) {
		tab = small[:size]
	} else {
		tab = make([]uint32, size)
	}
	mask := uint32(size - 1)
	hasMax := false
	k := 0
	for i, h := range hs {
		if h == math.MaxUint32 {
			if hasMax {
				continue
			}
			hasMax = true
		} else {
			j := (h * 0x9E3779B1) >> 7 & mask
			for tab[j] != 0 && tab[j] != h+1 {
				j = (j + 1) & mask
			}
			if tab[j] != 0 {
				continue
			}
			tab[j] = h + 1
		}
		hs[k], pos[k] = h, pos[i]
		k++
	}
	return hs[:k], pos[:k]
}
