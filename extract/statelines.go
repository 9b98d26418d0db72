package extract

import "strings"

// stateLineMinKeys is the least number of quoted keys ("name":) a line
// must hold to read as a script's state (stateLine).
const stateLineMinKeys = 3

// stateLine reports whether line is a JSON object or array written out
// by a program: it opens with {" or [{", closes with } or ], holds
// stateLineMinKeys or more quoted keys, and is minified (no space after
// a key's colon), where an example a writer sets in a sentence or a
// code sample is spaced for reading.
func stateLine(line string) bool {
	if !(strings.HasPrefix(line, `{"`) || strings.HasPrefix(line, `[{"`)) {
		return false // cheap first: most lines open with a letter
	}
	if !strings.HasSuffix(line, "}") && !strings.HasSuffix(line, "]") {
		return false
	}
	return strings.Count(line, `":`) >= stateLineMinKeys && !strings.Contains(line, `": `)
}
