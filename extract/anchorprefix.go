package extract

// anchorPrefixMaxRunes bounds the prefix a site's editor puts before
// the slug of a heading to make its anchor: "h" in WordPress's
// "h-what-is-a-bee" for the heading "What is a bee?".
const anchorPrefixMaxRunes = 2

// withoutAnchorPrefix returns want, the words of a heading's anchor id,
// without the prefix an editor adds before the heading's own words, when
// want holds one word more than got, the words of the heading's text,
// and that first word is anchorPrefixMaxRunes letters or fewer; else
// want unchanged. Such an id ("h-social-proof-for-small-shops") is the
// slug of the writer's heading, whatever words it holds ("social"),
// not the name of a widget; a longer first word ("share-buttons" on a
// heading "Buttons") is a name of its own and stays.
func withoutAnchorPrefix(want, got []string) []string {
	if len(want) == len(got)+1 && len(got) >= 2 && len([]rune(want[0])) <= anchorPrefixMaxRunes {
		return want[1:]
	}
	return want
}
