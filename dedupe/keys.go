package dedupe

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/feedsift/feedsift/internal/story"
)

// IdentityKeys returns the identity keys of an item from feed feedID, most
// specific first:
//
//   - "guid:<feedID>:<guid>" when the item has a GUID (GUIDs are only
//     unique within one feed);
//   - "url:<canonical>" when the item's URL canonicalises (CanonicalURL);
//   - "url:<canonical>" of the GUID too, when the GUID is itself an http(s)
//     URL and differs from the item's URL.
//
// Leading and trailing white space of the GUID is ignored. An item with
// neither a GUID nor a usable URL has no keys (nil).
func IdentityKeys(feedID string, item story.Item) []string {
	var keys []string
	guid := strings.TrimSpace(item.GUID)
	if guid != "" {
		keys = append(keys, "guid:"+feedID+":"+guid)
	}
	if c, err := CanonicalURL(item.URL); err == nil {
		keys = append(keys, "url:"+c)
	}
	if guid != "" {
		if c, err := CanonicalURL(guid); err == nil {
			k := "url:" + c
			if len(keys) < 2 || keys[1] != k {
				keys = append(keys, k)
			}
		}
	}
	return keys
}

// StoryID derives a stable story id from an identity key: the first 16
// bytes of the key's SHA-256 in lower-case hex (32 characters).
func StoryID(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:16])
}
