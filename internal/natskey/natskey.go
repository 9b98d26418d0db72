// Package natskey turns arbitrary IDs (feed IDs) into tokens that are valid
// as one NATS subject token and as a JetStream KV key, and back.
//
// Letters, digits, '-' and '_' stay as they are; every other byte becomes
// '=' and two upper-case hex digits, so "example.com/rss" becomes
// "example=2Ecom=2Frss". Tokens stay readable in `nats` tool output. Each
// ID has exactly one token: Decode refuses lower-case hex and escapes of
// plain bytes. IDs must be non-empty valid UTF-8 of at most MaxIDLen bytes
// without control characters. The package has no state.
package natskey

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxIDLen bounds IDs in bytes; a token is at most three times as long.
const MaxIDLen = 512

// ErrInvalid is returned for an ID or token that cannot be encoded or
// decoded.
var ErrInvalid = errors.New("natskey: invalid id")

const hexDigits = "0123456789ABCDEF"

// Encode returns the token of id.
func Encode(id string) (string, error) {
	if err := check(id); err != nil {
		return "", err
	}
	var b strings.Builder
	b.Grow(len(id))
	for i := 0; i < len(id); i++ {
		c := id[i]
		if plain(c) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('=')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&0x0f])
	}
	return b.String(), nil
}

// Decode returns the ID a token encodes. Only tokens Encode returns
// decode.
func Decode(token string) (string, error) {
	var b strings.Builder
	b.Grow(len(token))
	for i := 0; i < len(token); i++ {
		c := token[i]
		switch {
		case plain(c):
			b.WriteByte(c)
		case c == '=' && i+2 < len(token):
			hi, lo := unhex(token[i+1]), unhex(token[i+2])
			if hi < 0 || lo < 0 {
				return "", fmt.Errorf("%w: token %q: bad escape at byte %d", ErrInvalid, token, i)
			}
			d := byte(hi<<4 | lo)
			if plain(d) {
				return "", fmt.Errorf("%w: token %q: needless escape at byte %d", ErrInvalid, token, i)
			}
			b.WriteByte(d)
			i += 2
		default:
			return "", fmt.Errorf("%w: token %q: unexpected byte at %d", ErrInvalid, token, i)
		}
	}
	id := b.String()
	if err := check(id); err != nil {
		return "", err
	}
	return id, nil
}

// Plain reports whether s is non-empty and made only of the bytes Encode
// keeps as they are, so it is a token as it stands.
func Plain(s string) bool {
	for i := 0; i < len(s); i++ {
		if !plain(s[i]) {
			return false
		}
	}
	return s != ""
}

func check(id string) error {
	switch {
	case id == "":
		return fmt.Errorf("%w: empty", ErrInvalid)
	case len(id) > MaxIDLen:
		return fmt.Errorf("%w: %d bytes, more than %d", ErrInvalid, len(id), MaxIDLen)
	case !utf8.ValidString(id):
		return fmt.Errorf("%w: %q is not valid UTF-8", ErrInvalid, id)
	}
	for _, r := range id {
		if r < ' ' || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return fmt.Errorf("%w: %q has a control character", ErrInvalid, id)
		}
	}
	return nil
}

func plain(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
}

func unhex(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}
