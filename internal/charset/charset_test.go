package charset_test

import (
	"bytes"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/encoding/unicode/utf32"

	"github.com/feedsift/feedsift/internal/charset"
)

// encode renders s in enc; the fixtures below are built from readable text
// so that each case states what the decoded document must say.
func encode(t testing.TB, enc encoding.Encoding, s string) []byte {
	t.Helper()
	b, err := enc.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("encode fixture %q: %v", s, err)
	}
	return b
}

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

const (
	rssBody   = `<rss version="2.0"><channel><title>Café – „Zeitung“ ☕</title></channel></rss>`
	cyrillic  = `<rss version="2.0"><channel><title>Новости дня</title></channel></rss>`
	japaneseT = `<rss version="2.0"><channel><title>日本語のニュース</title></channel></rss>`
	latin     = `<rss version="2.0"><channel><title>Crème brûlée à la café</title></channel></rss>`
	smart     = `<rss version="2.0"><channel><title>“Smart” quotes – and … dashes</title></channel></rss>`
)

func TestToUTF8(t *testing.T) {
	le16 := unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM)
	be16 := unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM)
	le32 := utf32.UTF32(utf32.LittleEndian, utf32.IgnoreBOM)
	be32 := utf32.UTF32(utf32.BigEndian, utf32.IgnoreBOM)
	decl := func(enc string) string { return `<?xml version="1.0" encoding="` + enc + `"?>` + "\n" }
	utf8Decl := decl("utf-8")

	tests := []struct {
		name        string
		body        []byte
		contentType string
		want        string
		wantEnc     string
	}{
		{
			name:    "plain utf-8 without declaration",
			body:    []byte(rssBody),
			want:    rssBody,
			wantEnc: "utf-8",
		},
		{
			name:    "utf-8 BOM is stripped",
			body:    cat([]byte{0xEF, 0xBB, 0xBF}, []byte(rssBody)),
			want:    rssBody,
			wantEnc: "utf-8",
		},
		{
			name:    "utf-16le with BOM",
			body:    cat([]byte{0xFF, 0xFE}, encode(t, le16, decl("utf-16")+rssBody)),
			want:    utf8Decl + rssBody,
			wantEnc: "utf-16le",
		},
		{
			name:    "utf-16be with BOM",
			body:    cat([]byte{0xFE, 0xFF}, encode(t, be16, decl("UTF-16")+rssBody)),
			want:    utf8Decl + rssBody,
			wantEnc: "utf-16be",
		},
		{
			name:    "utf-16le without BOM",
			body:    encode(t, le16, decl("utf-16")+rssBody),
			want:    utf8Decl + rssBody,
			wantEnc: "utf-16le",
		},
		{
			name:    "utf-16be without BOM",
			body:    encode(t, be16, decl("utf-16")+rssBody),
			want:    utf8Decl + rssBody,
			wantEnc: "utf-16be",
		},
		{
			name:    "utf-16le JSON without BOM",
			body:    encode(t, le16, `{"title":"Café ☕"}`),
			want:    `{"title":"Café ☕"}`,
			wantEnc: "utf-16le",
		},
		{
			name:    "utf-32le with BOM",
			body:    cat([]byte{0xFF, 0xFE, 0x00, 0x00}, encode(t, le32, decl("utf-32")+rssBody)),
			want:    utf8Decl + rssBody,
			wantEnc: "utf-32le",
		},
		{
			name:    "utf-32be with BOM",
			body:    cat([]byte{0x00, 0x00, 0xFE, 0xFF}, encode(t, be32, rssBody)),
			want:    rssBody,
			wantEnc: "utf-32be",
		},
		{
			name:    "utf-32be without BOM",
			body:    encode(t, be32, decl("UTF-32BE")+rssBody),
			want:    utf8Decl + rssBody,
			wantEnc: "utf-32be",
		},
		{
			name:    "iso-8859-1 declared in XML",
			body:    encode(t, charmap.ISO8859_1, decl("ISO-8859-1")+latin),
			want:    utf8Decl + latin,
			wantEnc: "windows-1252",
		},
		{
			name:        "xml declaration wins over header",
			body:        encode(t, charmap.ISO8859_1, decl("iso-8859-1")+latin),
			contentType: "application/rss+xml; charset=utf-8",
			want:        utf8Decl + latin,
			wantEnc:     "windows-1252",
		},
		{
			name:        "windows-1251 only in the HTTP header",
			body:        encode(t, charmap.Windows1251, cyrillic),
			contentType: "application/rss+xml; charset=windows-1251",
			want:        cyrillic,
			wantEnc:     "windows-1251",
		},
		{
			name:        "sloppy header parameter",
			body:        encode(t, charmap.Windows1251, cyrillic),
			contentType: `text/xml;charset = "CP1251"`,
			want:        cyrillic,
			wantEnc:     "windows-1251",
		},
		{
			name:    "koi8-r declared in XML",
			body:    encode(t, charmap.KOI8R, decl("koi8-r")+cyrillic),
			want:    utf8Decl + cyrillic,
			wantEnc: "koi8-r",
		},
		{
			name:    "shift_jis declared in XML",
			body:    encode(t, japanese.ShiftJIS, decl("Shift_JIS")+japaneseT),
			want:    utf8Decl + japaneseT,
			wantEnc: "shift_jis",
		},
		{
			name:    "undeclared windows-1252",
			body:    encode(t, charmap.Windows1252, smart),
			want:    smart,
			wantEnc: "windows-1252",
		},
		{
			name:    "BOM wins over a contradicting declaration",
			body:    cat([]byte{0xEF, 0xBB, 0xBF}, []byte(decl("iso-8859-1")+rssBody)),
			want:    utf8Decl + rssBody,
			wantEnc: "utf-8",
		},
		{
			name:    "utf-16 BOM wins over a declaration of windows-1252",
			body:    cat([]byte{0xFF, 0xFE}, encode(t, le16, decl("windows-1252")+rssBody)),
			want:    utf8Decl + rssBody,
			wantEnc: "utf-16le",
		},
		{
			name:    "declared utf-8 but bytes are windows-1252",
			body:    encode(t, charmap.Windows1252, decl("utf-8")+smart),
			want:    utf8Decl + smart,
			wantEnc: "windows-1252",
		},
		{
			name:        "header utf-8 but bytes are windows-1252",
			body:        encode(t, charmap.Windows1252, smart),
			contentType: "text/xml; charset=utf-8",
			want:        smart,
			wantEnc:     "windows-1252",
		},
		{
			name:    "declared latin-1 but bytes are utf-8",
			body:    []byte(decl("ISO-8859-1") + rssBody),
			want:    utf8Decl + rssBody,
			wantEnc: "utf-8",
		},
		{
			name:    "declared utf-16 but bytes are 8-bit",
			body:    []byte(decl("utf-16") + rssBody),
			want:    utf8Decl + rssBody,
			wantEnc: "utf-8",
		},
		{
			name:        "unknown declared encoding falls back to the header",
			body:        encode(t, charmap.KOI8R, decl("x-no-such-charset")+cyrillic),
			contentType: "text/xml; charset=KOI8-R",
			want:        utf8Decl + cyrillic,
			wantEnc:     "koi8-r",
		},
		{
			name:    "unknown declared encoding falls back to sniffing",
			body:    []byte(decl("x-no-such-charset") + rssBody),
			want:    utf8Decl + rssBody,
			wantEnc: "utf-8",
		},
		{
			name:    "utf-8 with one stray byte stays utf-8",
			body:    []byte("<rss><title>Café ☕ déjà vu naïve \xff</title></rss>"),
			want:    "<rss><title>Café ☕ déjà vu naïve \uFFFD</title></rss>",
			wantEnc: "utf-8",
		},
		{
			name:    "html meta charset",
			body:    encode(t, charmap.Windows1251, `<!DOCTYPE html><html><head><meta charset="windows-1251"><title>Новости</title>`),
			want:    `<!DOCTYPE html><html><head><meta charset="windows-1251"><title>Новости</title>`,
			wantEnc: "windows-1251",
		},
		{
			name: "html http-equiv wins over header",
			body: encode(t, charmap.KOI8R,
				`<html><head><meta http-equiv="Content-Type" content="text/html; charset=koi8-r"><title>Новости</title>`),
			contentType: "text/html; charset=windows-1251",
			want:        `<html><head><meta http-equiv="Content-Type" content="text/html; charset=koi8-r"><title>Новости</title>`,
			wantEnc:     "koi8-r",
		},
		{
			name:    "empty body",
			body:    nil,
			want:    "",
			wantEnc: "utf-8",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			orig := bytes.Clone(tc.body)
			out, enc, err := charset.ToUTF8(tc.body, tc.contentType)
			if err != nil {
				t.Fatalf("ToUTF8: %v", err)
			}
			if enc != tc.wantEnc {
				t.Errorf("encoding = %q, want %q", enc, tc.wantEnc)
			}
			if string(out) != tc.want {
				t.Errorf("output =\n%q\nwant\n%q", out, tc.want)
			}
			if !bytes.Equal(tc.body, orig) {
				t.Errorf("ToUTF8 modified its input")
			}
		})
	}
}

func FuzzToUTF8(f *testing.F) {
	f.Add([]byte(`<?xml version="1.0" encoding="iso-8859-1"?><rss/>`), "")
	f.Add([]byte{0xFF, 0xFE, '<', 0, 'a', 0}, "text/xml")
	f.Add([]byte{0, 0, 0, '<'}, "")
	f.Add([]byte("<html><meta charset=koi8-r>\xc1\xc2"), "text/html; charset=sjis")
	f.Add([]byte("\xef\xbb\xbf<?xml encoding='utf-16'?>\xff"), "application/xml;charset:x")
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		out, enc, err := charset.ToUTF8(body, contentType)
		if err != nil {
			return
		}
		if !utf8.Valid(out) {
			t.Fatalf("output is not valid UTF-8 (encoding %q): %q", enc, out)
		}
		if enc == "" {
			t.Fatalf("empty encoding name")
		}
	})
}
