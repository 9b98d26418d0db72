package dedupe

import (
	"fmt"
	"html"
	"math"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// TestDropRepeats: every hash after its first goes, text order and
// positions kept, the largest hash and large inputs included.
func TestDropRepeats(t *testing.T) {
	var long []uint32
	for i := range 1000 {
		long = append(long, uint32(i*7919)%613) // 613 distinct, repeated
	}
	tests := [][]uint32{
		nil,
		{5},
		{5, 5, 5},
		{3, 1, 3, 2, 1},
		{math.MaxUint32, 0, math.MaxUint32, 0, 1},
		long,
	}
	for _, hs := range tests {
		pos := make([]uint32, len(hs))
		for i := range pos {
			pos[i] = uint32(i)
		}
		var wantH, wantP []uint32
		for i, h := range hs {
			if !slices.Contains(wantH, h) {
				wantH = append(wantH, h)
				wantP = append(wantP, uint32(i))
			}
		}
		gotH, gotP := dropRepeats(slices.Clone(hs), pos)
		if !slices.Equal(gotH, wantH) || !slices.Equal(gotP, wantP) {
			t.Errorf("dropRepeats(%v) = %v %v, want %v %v", hs[:min(len(hs), 8)], gotH[:min(len(gotH), 8)], gotP[:min(len(gotP), 8)], wantH[:min(len(wantH), 8)], wantP[:min(len(wantP), 8)])
		}
	}
}

// repairMojibakeRef is repairMojibake as first written (rune by rune, with
// a scan of the whole text for a rune in U+00C2-U+00F4): the reference
// the faster one must agree with. It re-decodes each run of non-ASCII characters that are all
// Windows-1252 representable when the run's bytes form valid, shorter UTF-8.
// Text without such runs is returned unchanged (and unallocated).
func repairMojibakeRef(s string) string {
	// Fast path: mojibake of UTF-8 always starts with a lead byte in
	// 0xC2-0xF4, which Windows-1252 shows as a rune in U+00C2-U+00F4,
	// encoded in UTF-8 as 0xC3 and a second byte.
	if strings.IndexByte(s, 0xC3) < 0 {
		return s
	}
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

// TestRepairMojibake_Reference: repairMojibake agrees with the reference
// on invented texts (mojibake at the start, middle and end, accented
// letters that are not mojibake, a lone lead rune at the end, invalid
// UTF-8, Windows-1252 specials) and, when the shared corpus is present,
// on every text of the dedupe dev stream, up to invalid UTF-8 bytes: the
// reference turned each into U+FFFD when it rebuilt a text, repairMojibake
// keeps them (the tokenisers take both for a word break).
func TestRepairMojibake_Reference(t *testing.T) {
	runeWise := func(s string) string {
		var b strings.Builder
		for _, r := range s {
			b.WriteRune(r)
		}
		return b.String()
	}
	texts := []string{
		"",
		"plain ASCII text",
		"café déjà vu, naïve Zürich",
		"â€œquotedâ€\u009d and donâ€™t",
		"Ã©tÃ© at the start and the end Ã",
		"mixed: café and cafÃ© and Ã\u00a0 la",
		"invalid \xc3 byte and \xc3\x28 pair and Ã\xff",
		"specials € ‚ ƒ „ … † ‡ ˆ ‰ Š ‹ Œ Ž ‘ ’ “ ” • – — ˜ ™ š › œ ž Ÿ after Ã",
		"Ã¼ber GrÃ¶ÃŸe",
	}
	for _, s := range texts {
		if got, want := repairMojibake(s), repairMojibakeRef(s); runeWise(got) != runeWise(want) {
			t.Errorf("repairMojibake(%q) = %q, reference %q", s, got, want)
		}
	}
	forEachDevDoc(t, func(id, text string) {
		if runeWise(repairMojibake(text)) != runeWise(repairMojibakeRef(text)) {
			t.Errorf("%s: repairMojibake differs from the reference", id)
		}
	})
}

// sampleTextRef is sampleText as first written (a ring of the last n token
// hashes, each window hashed as its last token ends): the reference the
// faster one must agree with. It returns the shingles of text that pass the opening sample (the
// 64-bit shingle hash divisible by open), in text order without repeats:
// their 32-bit hashes (the high half of the 64-bit one, independent of the
// sampling tests) and the word offset at which each starts, with bodyBit
// set when the hash is also divisible by body (open divides body, so the
// body sample is a subset). A text with fewer than n tokens has none.
//
// It tokenises exactly like Tokens but without building the tokens: each
// token is hashed (64-bit FNV-1a of its lower-cased UTF-8, finished with
// mix64) as it is scanned, and the last n token hashes sit in a ring.
func sampleTextRef(text string, n int, open, body uint64) (hs, pos []uint32) {
	text = repairMojibake(html.UnescapeString(text))
	var ring [32]uint64
	count := 0
	// The sampling tests are masks when the rates are powers of two (the
	// defaults), divisions otherwise (mask 0).
	var openMask, bodyMask uint64
	if open&(open-1) == 0 {
		openMask = open - 1
	}
	if body&(body-1) == 0 {
		bodyMask = body - 1
	}
	// About one word in six bytes, one in open kept.
	hs = make([]uint32, 0, len(text)/(6*int(open))+4)
	pos = make([]uint32, 0, cap(hs))
	h := uint64(fnvOffset)
	in := false
	endToken := func() {
		ring[count&31] = mix64(h)
		count++
		h, in = fnvOffset, false
		if count < n {
			return
		}
		var s uint64
		for j := count - n; j < count; j++ {
			s = (s ^ ring[j&31]) * 0x9E3779B97F4A7C15
			s = s<<31 | s>>33
		}
		s = mix64(s)
		if s&openMask != 0 || openMask == 0 && s%open != 0 {
			return
		}
		p := uint32(min(count-n, bodyBit-1))
		if s&bodyMask == 0 && (bodyMask != 0 || s%body == 0) {
			p |= bodyBit
		}
		hs = append(hs, uint32(s>>32))
		pos = append(pos, p)
	}
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			i++
			if asciiWord[c] {
				if c >= 'A' && c <= 'Z' {
					c += 'a' - 'A'
				}
				h = (h ^ uint64(c)) * fnvPrime
				in = true
			} else if in {
				endToken()
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		if !isWord(r) {
			if in {
				endToken()
			}
			continue
		}
		var buf [utf8.UTFMax]byte
		for _, b := range utf8.AppendRune(buf[:0], unicode.ToLower(r)) {
			h = (h ^ uint64(b)) * fnvPrime
		}
		in = true
	}
	if in {
		endToken()
	}
	if len(hs) == 0 {
		return nil, nil
	}
	return dropRepeats(hs, pos)
}

// TestSampleText_Reference: sampleText returns what the reference does
// on invented texts (empty, shorter than a shingle, exactly one, longer
// than the 256-token buffer, non-ASCII words, punctuation runs, other
// shingle sizes and rates, division rates) and, when the shared corpus
// is present, on every text of the dedupe dev stream with the default
// rates.
func TestSampleText_Reference(t *testing.T) {
	var long strings.Builder
	for i := range 700 {
		fmt.Fprintf(&long, "Wörd%d ÉTÉ, w%d... ", i%97, i%13)
	}
	texts := []string{"", "one two three", "one two three four five", "Ünïcödé wörds — and “quotes” &amp; entities, 2024!", long.String(), councilStory}
	rates := []struct {
		n          int
		open, body uint64
	}{{5, 4, 16}, {5, 1, 1}, {3, 2, 8}, {7, 3, 12}, {32, 1, 4}, {1, 1, 1}}
	for _, text := range texts {
		for _, r := range rates {
			gh, gp := sampleText(text, r.n, r.open, r.body)
			wh, wp := sampleTextRef(text, r.n, r.open, r.body)
			if !slices.Equal(gh, wh) || !slices.Equal(gp, wp) {
				t.Errorf("sampleText(%.30q, %d, %d, %d): %d shingles, reference %d, or they differ", text, r.n, r.open, r.body, len(gh), len(wh))
			}
		}
	}
	forEachDevDoc(t, func(id, text string) {
		gh, gp := sampleText(text, DefaultShingle, DefaultSample/4, DefaultSample)
		wh, wp := sampleTextRef(text, DefaultShingle, DefaultSample/4, DefaultSample)
		if !slices.Equal(gh, wh) || !slices.Equal(gp, wp) {
			t.Errorf("%s: sampleText differs from the reference", id)
		}
	})
}

// tokensRef is Tokens as first written: each token cut at a non-word
// rune and lower-cased on its own by strings.ToLower.
func tokensRef(text string) []string {
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

// TestTokens_Reference: Tokens, which lower-cases into one buffer,
// returns what the reference does on invented texts (mixed case, non-ASCII
// words upper and lower, invalid UTF-8, a word at the very end, none) and,
// when the shared corpus is present, on every text of the dedupe dev
// stream.
func TestTokens_Reference(t *testing.T) {
	texts := []string{"", "  ", "a", "ABC", "Abc déF ÉTÉ x", "İstanbul ΣΟΦΙΑ straße", "bad \xff\xfeUTF-8\xc3 Ünï\xe2\x80", "end WORD",
		"MixedCase_and_2024 Words, THEN lower; &AMP; &amp; Caf&eacute;", "â€œQuotedâ€\u009d Text", councilStory}
	for _, text := range texts {
		if got, want := Tokens(text), tokensRef(text); !slices.Equal(got, want) || (got == nil) != (want == nil) {
			t.Errorf("Tokens(%q) = %q, reference %q", text, got, want)
		}
	}
	forEachDevDoc(t, func(id, text string) {
		if !slices.Equal(Tokens(text), tokensRef(text)) {
			t.Errorf("%s: Tokens differs from the reference", id)
		}
	})
}

// benchTexts returns the dev stream's texts, or councilStory when the
// corpus is absent, and sets b's bytes per op to their length and
// reports allocations.
func benchTexts(b *testing.B) []string {
	b.Helper()
	var texts []string
	forEachDevDoc(b, func(_, text string) { texts = append(texts, text) })
	if len(texts) == 0 {
		texts = []string{councilStory}
	}
	n := 0
	for _, t := range texts {
		n += len(t)
	}
	b.SetBytes(int64(n))
	b.ReportAllocs()
	return texts
}

// BenchmarkSampleText shingles the dev stream's texts (or councilStory
// when the corpus is absent) with the default rates; MB/s is of text.
func BenchmarkSampleText(b *testing.B) {
	texts := benchTexts(b)
	for b.Loop() {
		for _, t := range texts {
			sampleText(t, DefaultShingle, DefaultSample/4, DefaultSample)
		}
	}
}

// wordByteRef and countWordsRef are wordByte and countWords as first
// written, rune by rune.
func wordByteRef(text string, n int) int {
	k, in := 0, false
	for i, r := range text {
		w := isWord(r)
		if w && !in {
			if k == n {
				return i
			}
			k++
		}
		in = w
	}
	return len(text)
}

func countWordsRef(text string) int {
	n, in := 0, false
	for _, r := range text {
		w := isWord(r)
		if w && !in {
			n++
		}
		in = w
	}
	return n
}

// TestWordByte_Reference: wordByte and countWords, which read ASCII by
// table, give what the rune-by-rune reference gives, on invented texts
// (non-ASCII words and separators, invalid UTF-8) and the dev stream.
func TestWordByte_Reference(t *testing.T) {
	texts := []string{"", " ", "a", "Ünï — cödé, x\u00a0y", "bad \xff\xfeUTF-8\xc3 Ünï\xe2\x80 end", "東京 ١٢٣ cafe\u0301 ok", councilStory}
	check := func(name, text string) {
		if got, want := countWords(text), countWordsRef(text); got != want {
			t.Errorf("%s: countWords = %d, reference %d", name, got, want)
		}
		for _, n := range []int{0, 1, 2, 7, 40, 160, 100000} {
			if got, want := wordByte(text, n), wordByteRef(text, n); got != want {
				t.Errorf("%s: wordByte(%d) = %d, reference %d", name, n, got, want)
			}
		}
	}
	for _, text := range texts {
		check(fmt.Sprintf("%.20q", text), text)
	}
	forEachDevDoc(t, check)
}
