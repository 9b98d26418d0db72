package pollq

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxFeedIDLen bounds feed IDs in bytes; the subject token is at most
// three times as long.
const MaxFeedIDLen = 512

const hexDigits = "0123456789ABCDEF"

// token escapes a feed ID into one subject token (see the package doc).
func token(feedID string) (string, error) {
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

func validName(s string) bool {
	for i := 0; i < len(s); i++ {
		if !plain(s[i]) {
			return false
		}
	}
	return s != ""
}
