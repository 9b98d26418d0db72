package extract

import "strings"

// stateLineMinKeys is the least number of quoted keys ("name":) a line
// must hold to read as a script's state (stateLine).
const stateLineMinKeys = 3

// dropStateLines returns paras without the lines that are a script's
// state printed as text (stateLine), or paras itself when every line is
// one or none is. It runs on one item's page: a shop's template leaves
// the data its scripts read (the offers behind the buy box, a widget's
// settings) in hidden elements as JSON, which no reader reads.
func dropStateLines(paras []string) []string {
	var kept []string
	for i, p := range paras {
		if stateLine(p) {
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
