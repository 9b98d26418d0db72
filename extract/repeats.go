package extract

import "strings"

// repeatMinLen is the length from which a paragraph seen earlier in the
// same text is taken for a repeat of the markup (a page that carries its
// article twice or three times, for desktop, tablet and phone) rather
// than a writer repeating a sentence.
const repeatMinLen = 60

// dropRepeats marks the lines that repeat an earlier kept line: long ones
// always, short ones (headings, labels) when they sit in a run of repeats,
// so a repeated copy of the article goes as a whole while a short line a
// story legitimately says twice stays. Lines for which real(i) holds (list
// items, table cells, code) are the story's own repetition, such as an
// ingredient in two lists or a "}" closing two blocks: they go only inside
// a run of repeats that began with another kind of line. Lines for which
// own(i) holds repeat a paragraph in the story's own way (see ownRepeat):
// they are the story's too, unless the next kept line repeats another
// earlier long line, so that the repeat opens a copy of several paragraphs.
func dropRepeats(lines []string, drop []bool, storyReal, own func(int) bool) {
	seen := make(map[string]bool, len(lines))
	dup := make([]bool, len(lines))
	for i, l := range lines {
		if drop[i] {
			continue
		}
		k := strings.ToLower(l)
		dup[i] = seen[k]
		seen[k] = true
	}
	next := func(i int) int {
		for i++; i < len(lines) && drop[i]; i++ {
		}
		return i
	}
	real := func(i int) bool {
		if storyReal(i) {
			return true
		}
		if !own(i) {
			return false
		}
		n := next(i)
		return n >= len(lines) || !dup[n] || len(lines[n]) < repeatMinLen || strings.EqualFold(lines[n], lines[i])
	}
	long := func(i int) bool { return i < len(lines) && dup[i] && !real(i) && len(lines[i]) >= repeatMinLen }
	dropped := false // the previous kept line was dropped as a repeat
	for i := 0; i < len(lines); i = next(i) {
		if drop[i] {
			continue
		}
		d := dup[i] && (dropped || !real(i) && (len(lines[i]) >= repeatMinLen || long(next(i))))
		drop[i] = d
		dropped = d
	}
	dropRepeatedItemRuns(lines, drop, dup, storyReal)
}

// repeatedItemRunMin is the least run of long repeated list items or
// cells, one after the other, read as a copy (dropRepeatedItemRuns).
const repeatedItemRunMin = 3

// repeatedItemMinLen is the length of a list item or cell from which it
// reads as a paragraph of selling points or prose, some 25 words, rather
// than a plan's feature or a label.
const repeatedItemMinLen = 150

// dropRepeatedItemRuns marks the runs of repeatedItemRunMin or more kept
// lines in a row that are each a list item or a cell (storyReal) of
// repeatMinLen characters or more repeating an earlier line (dup): a
// whole list printed again, as a quick-view box repeats an item's
// selling points under the page. A story repeats an ingredient or a
// short cell, not a run of long items one after the other.
func dropRepeatedItemRuns(lines []string, drop, dup []bool, storyReal func(int) bool) {
	var run []int
	flush := func() {
		if len(run) >= repeatedItemRunMin {
			for _, j := range run {
				drop[j] = true
			}
		}
		run = run[:0]
	}
	for i := range lines {
		if drop[i] {
			continue
		}
		if dup[i] && storyReal(i) && len(lines[i]) >= repeatedItemMinLen {
			run = append(run, i)
			continue
		}
		flush()
	}
	flush()
}

// Post furniture: on a thread, the labels and figures every post's
// template prints beside the post ("Joined", "Posts", a reply count), and
// a member's signature under each of their posts, repeat word for word
// from post to post, while what people write does not.
const furnitureMinSeen = 3 // how many times a line must appear in the text

// dropPostFurniture returns the paragraphs of a thread without the lines
// that appear furnitureMinSeen times or more, all of their copies; paras
// itself when none does, or when nothing else would be left. A line that
// is only a date stays: the date of a post (postdates.go), the same for
// every reply written that day.
func dropPostFurniture(paras []string, names map[string]bool) []string {
	seen := make(map[string]int, len(paras))
	for _, p := range paras {
		seen[p]++
	}
	var kept []string
	for _, p := range paras {
		if seen[p] < furnitureMinSeen || names[p] || dateLine.MatchString(junkKey(p)) {
			kept = append(kept, p)
		}
	}
	if len(kept) == len(paras) || len(kept) == 0 {
		return paras
	}
	return kept
}
