package kvstate

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxFeedIDLen bounds feed IDs in bytes. An escaped key is at most three
// times as long.
const MaxFeedIDLen = 512

const hexDigits = "0123456789ABCDEF"

// Key returns the KV key of a feed ID (see the package doc), or an error
// wrapping ErrInvalidFeedID.
func Key(feedID string) (string, error) {
	if err := checkFeedID(feedID); err != nil {
		return "", err
	}
	var b strings.Builder
	b.Grow(len(feedID))
	for i := 0; i < len(feedID); i++ {
		c := feedID[i]
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

// FeedID returns the feed ID a key encodes. Only keys Key returns decode:
// anything else (bad escapes, lower-case hex, an escaped plain byte) fails
// with ErrInvalidFeedID, so each feed has exactly one key.
func FeedID(key string) (string, error) {
	var b strings.Builder
	b.Grow(len(key))
	for i := 0; i < len(key); i++ {
		c := key[i]
		switch {
		case plain(c):
			b.WriteByte(c)
		case c == '=' && i+2 < len(key):
			hi, lo := unhex(key[i+1]), unhex(key[i+2])
			if hi < 0 || lo < 0 {
				return "", fmt.Errorf("%w: key %q: bad escape at byte %d", ErrInvalidFeedID, key, i)
			}
			d := byte(hi<<4 | lo)
			if plain(d) {
				return "", fmt.Errorf("%w: key %q: needless escape at byte %d", ErrInvalidFeedID, key, i)
			}
			b.WriteByte(d)
			i += 2
		default:
			return "", fmt.Errorf("%w: key %q: unexpected byte at %d", ErrInvalidFeedID, key, i)
		}
	}
	id := b.String()
	if err := checkFeedID(id); err != nil {
		return "", err
	}
	return id, nil
}

func checkFeedID(id string) error {
	switch {
	case id == "":
		return fmt.Errorf("%w: empty", ErrInvalidFeedID)
	case len(id) > MaxFeedIDLen:
		return fmt.Errorf("%w: %d bytes, more than %d", ErrInvalidFeedID, len(id), MaxFeedIDLen)
	case !utf8.ValidString(id):
		return fmt.Errorf("%w: %q is not valid UTF-8", ErrInvalidFeedID, id)
	}
	for _, r := range id {
		if r < ' ' || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return fmt.Errorf("%w: %q has a control character", ErrInvalidFeedID, id)
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
