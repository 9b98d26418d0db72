package charset

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/encoding/unicode/utf32"
)

// Names ToUTF8 reports for the encodings it finds from the bytes alone.
const (
	nameUTF8        = "utf-8"
	nameWindows1252 = "windows-1252"
)

// wide is an encoding recognised from a byte order mark or from the NUL
// bytes around ASCII characters.
type wide struct {
	enc  encoding.Encoding
	name string
}

var (
	utf16LE = wide{unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), "utf-16le"}
	utf16BE = wide{unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), "utf-16be"}
	utf32LE = wide{utf32.UTF32(utf32.LittleEndian, utf32.IgnoreBOM), "utf-32le"}
	utf32BE = wide{utf32.UTF32(utf32.BigEndian, utf32.IgnoreBOM), "utf-32be"}
)

// metaCharset finds the charset of an HTML <meta charset=...> element or of
// the content attribute of a <meta http-equiv="Content-Type"> element.
var metaCharset = regexp.MustCompile(`(?is)<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([a-z0-9_.:\-]+)`)

// htmlScanLimit is how much of an HTML document is searched for a <meta>
// declaration. HTML asks for 1024 bytes; real pages often put a long <head>
// before it, so a little more is read.
const htmlScanLimit = 4096

// ToUTF8 returns body as UTF-8 and the name of the encoding it was decoded
// from (lower case, for example "utf-8", "windows-1252", "utf-16le",
// "shift_jis").
//
// Evidence is taken in this order: a byte order mark (UTF-8, UTF-16LE/BE,
// UTF-32LE/BE); the NUL-byte pattern of UTF-16 or UTF-32 text without one;
// for XML the encoding attribute of the XML declaration; for HTML a
// <meta charset> or http-equiv Content-Type in the first few KB; the charset
// parameter of contentType; then the bytes: valid UTF-8 (or text that is
// mostly valid UTF-8) is UTF-8, anything else windows-1252. A declaration
// the bytes contradict is skipped, as is an encoding name that is unknown.
//
// The XML declaration of the output, if any, names utf-8. The output may be
// body itself when no change was needed. The only error is ErrUndecodable,
// for a body that no decoder accepts.
func ToUTF8(body []byte, contentType string) (out []byte, encodingName string, err error) {
	if len(body) == 0 {
		return body, nameUTF8, nil
	}
	if w, n, ok := fromBOM(body); ok {
		if w.enc == nil {
			return finish(validUTF8(body[n:]), nameUTF8)
		}
		return decodeWith(w.enc, w.name, body[n:])
	}
	if w, ok := fromNULPattern(body); ok {
		return decodeWith(w.enc, w.name, body)
	}

	// The body is ASCII-compatible from here on: declarations can be read
	// as bytes.
	var labels []string
	if label, ok := xmlDeclEncoding(body); ok {
		labels = append(labels, label)
	} else if looksLikeHTML(body) {
		head := body[:min(len(body), htmlScanLimit)]
		if m := metaCharset.FindSubmatch(head); m != nil {
			labels = append(labels, string(m[1]))
		}
	}
	if label, ok := contentTypeCharset(contentType); ok {
		labels = append(labels, label)
	}
	for _, label := range labels {
		enc, name := lookup(label)
		if enc == nil || contradicted(enc, name, body) {
			continue
		}
		if name == nameUTF8 {
			return finish(validUTF8(body), nameUTF8)
		}
		if out, name, err := decodeWith(enc, name, body); err == nil {
			return out, name, nil
		}
	}

	if utf8.Valid(body) {
		return finish(body, nameUTF8)
	}
	if mostlyUTF8(body) {
		return finish(validUTF8(body), nameUTF8)
	}
	return decodeWith(charmap.Windows1252, nameWindows1252, body)
}

// fromBOM reports the encoding named by a byte order mark and the mark's
// length. A nil enc stands for UTF-8.
func fromBOM(b []byte) (wide, int, bool) {
	switch {
	case bytes.HasPrefix(b, []byte{0x00, 0x00, 0xFE, 0xFF}):
		return utf32BE, 4, true
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE, 0x00, 0x00}):
		return utf32LE, 4, true
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		return wide{name: nameUTF8}, 3, true
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		return utf16BE, 2, true
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		return utf16LE, 2, true
	}
	return wide{}, 0, false
}

// fromNULPattern recognises UTF-16 and UTF-32 without a byte order mark by
// the NUL bytes around the first ASCII character, as XML 1.0 appendix F
// describes for "<?xml" and RFC 4627 for JSON.
func fromNULPattern(b []byte) (wide, bool) {
	if len(b) < 4 {
		return wide{}, false
	}
	ascii := func(c byte) bool { return c != 0 && c < 0x80 }
	switch {
	case b[0] == 0 && b[1] == 0 && b[2] == 0 && ascii(b[3]):
		return utf32BE, true
	case ascii(b[0]) && b[1] == 0 && b[2] == 0 && b[3] == 0:
		return utf32LE, true
	case b[0] == 0 && ascii(b[1]) && b[2] == 0 && ascii(b[3]):
		return utf16BE, true
	case ascii(b[0]) && b[1] == 0 && ascii(b[2]) && b[3] == 0:
		return utf16LE, true
	}
	return wide{}, false
}

// xmlDeclEncoding returns the value of the encoding attribute of an XML
// declaration at the start of b (after white space).
func xmlDeclEncoding(b []byte) (string, bool) {
	start, end, ok := xmlDeclEncodingSpan(b)
	if !ok {
		return "", false
	}
	return string(b[start:end]), true
}

// xmlDeclEncodingSpan locates the value of the encoding attribute of the XML
// declaration that starts b, if there is one.
func xmlDeclEncodingSpan(b []byte) (start, end int, ok bool) {
	i := skipSpace(b, 0)
	if !bytes.HasPrefix(b[i:], []byte("<?xml")) {
		return 0, 0, false
	}
	declEnd := bytes.Index(b[i:min(len(b), i+512)], []byte("?>"))
	if declEnd < 0 {
		return 0, 0, false
	}
	decl := b[:i+declEnd]
	j := bytes.Index(decl[i:], []byte("encoding"))
	if j < 0 {
		return 0, 0, false
	}
	k := skipSpace(decl, i+j+len("encoding"))
	if k >= len(decl) || decl[k] != '=' {
		return 0, 0, false
	}
	k = skipSpace(decl, k+1)
	if k >= len(decl) || (decl[k] != '"' && decl[k] != '\'') {
		return 0, 0, false
	}
	quote := decl[k]
	closing := bytes.IndexByte(decl[k+1:], quote)
	if closing < 0 {
		return 0, 0, false
	}
	return k + 1, k + 1 + closing, true
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n') {
		i++
	}
	return i
}

// looksLikeHTML reports whether b starts (after white space) like an HTML
// document rather than a feed.
func looksLikeHTML(b []byte) bool {
	i := skipSpace(b, 0)
	head := bytes.ToLower(b[i:min(len(b), i+14)])
	return bytes.HasPrefix(head, []byte("<!doctype html")) || bytes.HasPrefix(head, []byte("<html"))
}

// contentTypeCharset returns the charset parameter of an HTTP Content-Type.
// It is lenient where servers are sloppy: spaces around "=", ":" instead of
// "=", single or double quotes.
func contentTypeCharset(contentType string) (string, bool) {
	const param = "charset"
	i := 0
	for ; i+len(param) <= len(contentType); i++ {
		// EqualFold on a byte slice: ToLower would change the length of
		// invalid UTF-8 and break the index.
		if strings.EqualFold(contentType[i:i+len(param)], param) {
			break
		}
	}
	if i+len(param) > len(contentType) {
		return "", false
	}
	rest := strings.TrimLeft(contentType[i+len(param):], " \t")
	if rest == "" || (rest[0] != '=' && rest[0] != ':') {
		return "", false
	}
	rest = strings.TrimLeft(rest[1:], " \t\"'")
	if end := strings.IndexAny(rest, ";,\"' \t"); end >= 0 {
		rest = rest[:end]
	}
	return rest, rest != ""
}

// lookup resolves an encoding label with the WHATWG index first (so that
// ISO-8859-1 and US-ASCII read as windows-1252, as browsers do) and the IANA
// registry second. It returns a nil encoding for unknown or unsupported
// labels and for the WHATWG "replacement" encoding.
func lookup(label string) (encoding.Encoding, string) {
	label = strings.Trim(strings.TrimSpace(label), "\"'")
	if label == "" {
		return nil, ""
	}
	enc, err := htmlindex.Get(label)
	if err != nil || enc == nil {
		enc, err = ianaindex.IANA.Encoding(label)
	}
	if err != nil || enc == nil || enc == encoding.Replacement {
		return nil, ""
	}
	if name, err := htmlindex.Name(enc); err == nil {
		return enc, strings.ToLower(name)
	}
	if name, err := ianaindex.IANA.Name(enc); err == nil {
		return enc, strings.ToLower(name)
	}
	return enc, strings.ToLower(label)
}

// asciiProbe is text every ASCII-compatible encoding encodes as itself.
const asciiProbe = `<?xml version="1.0" encoding="x"?><rss>{"a": 1}</rss>`

// contradicted reports whether the bytes of an ASCII-compatible body (no
// BOM, no NUL pattern) rule out the declared encoding.
func contradicted(enc encoding.Encoding, name string, body []byte) bool {
	if name == nameUTF8 {
		return !utf8.Valid(body) && !mostlyUTF8(body)
	}
	// The declaration was read as ASCII, so the document is in an
	// ASCII-compatible encoding: UTF-16, UTF-32 and EBCDIC are out.
	probe, err := enc.NewEncoder().String(asciiProbe)
	if err != nil || probe != asciiProbe {
		return true
	}
	// Valid UTF-8 with multi-byte sequences is, in practice, never text in
	// a legacy encoding.
	return utf8.Valid(body) && hasMultiByte(body)
}

func hasMultiByte(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return true
		}
	}
	return false
}

// mostlyUTF8 reports whether b holds more valid multi-byte UTF-8 sequences
// than invalid bytes: UTF-8 text with a few stray bytes, which is better
// read as UTF-8 with replacement characters than as windows-1252.
func mostlyUTF8(b []byte) bool {
	valid, invalid := 0, 0
	for len(b) > 0 {
		if b[0] < utf8.RuneSelf {
			b = b[1:]
			continue
		}
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size <= 1 {
			invalid++
		} else {
			valid++
		}
		b = b[size:]
	}
	return valid > invalid
}

func validUTF8(b []byte) []byte {
	if utf8.Valid(b) {
		return b
	}
	return bytes.ToValidUTF8(b, []byte("\uFFFD"))
}

func decodeWith(enc encoding.Encoding, name string, body []byte) ([]byte, string, error) {
	out, err := enc.NewDecoder().Bytes(body)
	if err != nil {
		// x/text decoders replace what they cannot read, so this is rare;
		// windows-1252 maps every byte.
		if out, err = charmap.Windows1252.NewDecoder().Bytes(body); err != nil {
			return nil, "", fmt.Errorf("%w: %s: %w", ErrUndecodable, name, err)
		}
		name = nameWindows1252
	}
	return finish(validUTF8(out), name)
}

// finish rewrites the encoding attribute of an XML declaration in the UTF-8
// output to utf-8, copying out first so the caller's body is never changed.
func finish(out []byte, name string) ([]byte, string, error) {
	start, end, ok := xmlDeclEncodingSpan(out)
	if !ok || strings.EqualFold(string(out[start:end]), nameUTF8) {
		return out, name, nil
	}
	rewritten := make([]byte, 0, len(out)-(end-start)+len(nameUTF8))
	rewritten = append(rewritten, out[:start]...)
	rewritten = append(rewritten, nameUTF8...)
	rewritten = append(rewritten, out[end:]...)
	return rewritten, name, nil
}
