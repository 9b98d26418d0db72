// Package textdiff compares two clean texts word by word for people: the
// result is two columns of paragraphs, the left one (the old text) with
// the words the right one lacks marked Delete, the right one (the new
// text) with the words the left one lacks marked Insert.
//
// Paragraphs are separated by blank lines, as in story.Story.Text, and are
// kept on both sides. Paragraphs are aligned first (equal paragraphs by
// longest common subsequence), then the words of each run of differing
// paragraphs. A run too large for the word-level comparison (more than
// MaxCells word pairs) is shown as deleted on the left and inserted on the
// right, so a call costs at most O(MaxCells) time and memory.
//
// It is pure computation: no I/O, no package-level mutable state, safe for
// concurrent use.
package textdiff
