package extract

import "strings"

// The writer's bio opened by a label in its own paragraph.
//
// The heading of an author box ("About the author") may sit inside the
// box's one paragraph as a label: "About the author: Ana Ruiz is a
// reporter who …", a template's italic line under the story. Read as a
// whole line, classify never sees the heading; read as a label, it is
// the same furniture, and the paragraph goes with what closes the text
// after it, under the limits a heading of tailHeads has (the second half
// of the text, a short rest: shortTail). In the first half such a
// paragraph stays: a label there may open the page's own text.

// tailLabelMaxBytes bounds where the label's colon may sit: the longest
// heading of tailHeads and some room.
const tailLabelMaxBytes = 40

// tailLabelled reports whether line opens with a heading of tailHeads,
// in any case, followed by a colon and more text. The colon is looked
// for first, so most lines are answered without lower-casing them.
func tailLabelled(line string) bool {
	head := line[:min(len(line), tailLabelMaxBytes)]
	i := strings.IndexByte(head, ':')
	if i <= 0 || strings.TrimSpace(line[i+1:]) == "" {
		return false
	}
	return in(tailHeads, strings.ToLower(strings.TrimSpace(head[:i])))
}
