package pollq

import (
	"fmt"

	"github.com/feedsift/feedsift/internal/natskey"
)

// MaxFeedIDLen bounds feed IDs in bytes; the subject token is at most
// three times as long.
const MaxFeedIDLen = natskey.MaxIDLen

// token escapes a feed ID into one subject token (see package natskey).
func token(feedID string) (string, error) {
	t, err := natskey.Encode(feedID)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrInvalidFeedID, err)
	}
	return t, nil
}

// validName reports whether s can name a stream or consumer.
func validName(s string) bool { return natskey.Plain(s) }
