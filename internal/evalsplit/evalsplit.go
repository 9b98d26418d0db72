// Package evalsplit is the one rule that splits every dev set of the
// project's evaluations in two: a fixed hash of a key that groups what
// must stay together (a page's domain in internal/eval/extracteval, an
// original's gold cluster in internal/eval/dedupeeval). Rules may be tuned on
// Tune and are checked on Check; because a whole site or a whole family
// of copies falls in one half, a rule fitted to the tune half's pages
// cannot lift the check half.
package evalsplit

import "hash/fnv"

// The two halves.
const (
	// Tune is the half rules may be tuned on.
	Tune = "tune"
	// Check is the half a change is checked on before it is kept.
	Check = "check"
)

// Of returns Tune when the 32-bit FNV-1a hash of key's bytes is even,
// Check when it is odd. The empty key hashes to the odd FNV offset
// basis: Check.
func Of(key string) string {
	h := fnv.New32a()
	h.Write([]byte(key))
	if h.Sum32()%2 == 0 {
		return Tune
	}
	return Check
}
