package opml

import (
	"strings"
	"unicode"

	"github.com/feedsift/feedsift/internal/story"
)

// maxTopicLen bounds the topic made from a category name, in bytes.
const maxTopicLen = 128

// TopicFromName turns a category (folder) name into a topic:
// the name lower-cased and trimmed, kept as it is when story.ValidateTopic
// accepts it; otherwise each dot-separated part is reduced to letters,
// digits, '_' and '-', with every other run of characters becoming one
// '-', and empty parts are dropped ("Tech News" -> "tech-news",
// "Science & Tech" -> "science-tech"). It returns "" when nothing usable is
// left. Topics longer than 128 bytes are cut at a part boundary or slug
// character.
func TopicFromName(name string) string {
	t := strings.ToLower(strings.TrimSpace(name))
	if t == "" {
		return ""
	}
	if len(t) <= maxTopicLen && story.ValidateTopic(t) == nil {
		return t
	}
	var parts []string
	for part := range strings.SplitSeq(t, ".") {
		if s := slug(part); s != "" {
			parts = append(parts, s)
		}
	}
	t = strings.Join(parts, ".")
	for len(t) > maxTopicLen {
		i := strings.LastIndexAny(t[:maxTopicLen+1], ".-")
		if i <= 0 {
			t = strings.ToValidUTF8(t[:maxTopicLen], "")
			break
		}
		t = t[:i]
	}
	t = strings.Trim(t, ".-")
	if story.ValidateTopic(t) != nil {
		return ""
	}
	return t
}

// slug keeps letters, digits, '_' and '-' and turns every other run into a
// single '-', trimmed at both ends.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '-' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
			continue
		}
		dash = true
	}
	return strings.Trim(b.String(), "-")
}
