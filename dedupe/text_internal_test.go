package dedupe

import (
	"bufio"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/feedsift/feedsift/internal/testshared"
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
	f, err := os.Open(filepath.Join(testshared.Dir(t), "corpus", "dedupe", "dev", "docs.jsonl"))
	if err != nil {
		t.Skipf("dev corpus absent: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var d struct{ ID, Text string }
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			t.Fatal(err)
		}
		if runeWise(repairMojibake(d.Text)) != runeWise(repairMojibakeRef(d.Text)) {
			t.Errorf("%s: repairMojibake differs from the reference", d.ID)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
}
