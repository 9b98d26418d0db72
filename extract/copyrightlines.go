package extract

import "strings"

// Limits of copyrightLine: a copyright notice holds at most
// copyrightNoticeMaxWords words; a caption closed by a credit at most
// creditCaptionMaxWords, of which at most creditHolderMaxWords follow
// the sign.
const (
	copyrightNoticeMaxWords = 40
	creditCaptionMaxWords   = 20
	creditHolderMaxWords    = 6
)

// copyrightLine reports whether line, of words words, is a copyright
// notice or an image credit told by the copyright sign "©": either the
// sign opens the line, among its first two words ("© 2024 Harbour
// Press", "Copyright © 2024 …"), the notice a template prints under a
// story or in its footer, in 40 words or fewer; or the line, of 20 words
// or fewer, ends with the sign and the holder's name, six words at most
// after it ("Gulls over the pier at dawn. © Jo Roe / Agency"), the
// caption of a picture left behind when its figure was pruned, or its
// credit alone. A writer's sentence names a holder without the sign, and
// a line that goes on after the sign for longer is text about the
// rights, not a credit.
func copyrightLine(line string, words int) bool {
	if words > copyrightNoticeMaxWords {
		return false
	}
	last := strings.LastIndex(line, "©")
	if last < 0 {
		return false // cheap test first
	}
	first := strings.Index(line, "©")
	if wordCount(line[:first]) <= 1 {
		return true
	}
	return words <= creditCaptionMaxWords && wordCount(line[last:]) <= creditHolderMaxWords
}
