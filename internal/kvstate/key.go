package kvstate

import (
	"fmt"

	"github.com/feedsift/feedsift/internal/natskey"
)

// MaxFeedIDLen bounds feed IDs in bytes. An escaped key is at most three
// times as long.
const MaxFeedIDLen = natskey.MaxIDLen

// Key returns the KV key of a feed ID (see package natskey), or an error
// wrapping ErrInvalidFeedID.
func Key(feedID string) (string, error) {
	k, err := natskey.Encode(feedID)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrInvalidFeedID, err)
	}
	return k, nil
}

// FeedID returns the feed ID a key encodes. Only keys Key returns decode,
// so each feed has exactly one key; anything else fails with
// ErrInvalidFeedID.
func FeedID(key string) (string, error) {
	id, err := natskey.Decode(key)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrInvalidFeedID, err)
	}
	return id, nil
}
