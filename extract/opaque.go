package extract

import "strings"

// opaqueMinIDs is the least number of UUIDs in a line read as opaque.
const opaqueMinIDs = 3

// withoutLines returns paras without the lines for which drop holds, or
// paras itself when every line is dropped or none is: a page made only
// of such lines keeps them, as nothing better is left.
func withoutLines(paras []string, drop func(string) bool) []string {
	var kept []string
	for i, p := range paras {
		if drop(p) {
			if kept == nil {
				kept = append(make([]string, 0, len(paras)), paras[:i]...)
			}
			continue
		}
		if kept != nil {
			kept = append(kept, p)
		}
	}
	if len(kept) == 0 {
		return paras
	}
	return kept
}

// opaqueLine reports whether line is mostly opaque identifiers: three or
// more UUIDs (8-4-4-4-12 hexadecimal digits), whatever is set between
// them, making half of its length or more. No reader reads such a line:
// it is the text of elements a stylesheet hides, set between the
// letters of a word to keep it from being copied, or a script's state
// printed as text. A command or a log line naming one or two
// identifiers among its words stays.
func opaqueLine(line string) bool {
	if len(line) < opaqueMinIDs*uuidLen || strings.Count(line, "-") < opaqueMinIDs*4 {
		return false // cheap first: most lines hold too few dashes
	}
	n := uuidsIn(line)
	return n >= opaqueMinIDs && n*uuidLen*2 >= len(line)
}

// uuidLen is the length of a UUID written out.
const uuidLen = 36

// uuidsIn counts the UUIDs in s: runs of hexadecimal digits and dashes
// whose dash-separated groups read 8 (or more), 4, 4, 4 and 12 (or
// more) digits. A group longer than its place (a UUID written against a
// hexadecimal letter or against the next UUID) still counts, and the
// tail of a long last group may open the next UUID.
func uuidsIn(s string) int {
	count := 0
	var groups []int // lengths of the dash-separated groups of the current run
	flush := func() {
		for i := 0; i+4 < len(groups); {
			if groups[i] >= 8 && groups[i+1] == 4 && groups[i+2] == 4 && groups[i+3] == 4 && groups[i+4] >= 12 {
				count++
				if groups[i+4] >= 12+8 {
					i += 4 // the rest of the last group opens the next one
					continue
				}
				i += 5
				continue
			}
			i++
		}
		groups = groups[:0]
	}
	cur := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9', c >= 'a' && c <= 'f', c >= 'A' && c <= 'F':
			cur++
		case c == '-':
			groups = append(groups, cur)
			cur = 0
		default:
			if len(groups) > 0 {
				groups = append(groups, cur)
				flush()
			}
			cur = 0
		}
	}
	if len(groups) > 0 {
		groups = append(groups, cur)
		flush()
	}
	return count
}
