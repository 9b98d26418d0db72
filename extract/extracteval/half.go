package extracteval

import (
	"hash/fnv"
	"net/url"
	"strings"
)

// The two halves of every set, by domain (see Half).
const (
	// HalfTune is the half rules may be tuned on.
	HalfTune = "tune"
	// HalfCheck is the half a change is checked on before it is kept.
	HalfCheck = "check"
)

// Host is the domain of pageURL that Half hashes: its Hostname(),
// lower-cased, with one leading "www." removed. It is "" when pageURL does
// not parse or has no host.
func Host(pageURL string) string {
	u, err := url.Parse(strings.TrimSpace(pageURL))
	if err != nil {
		return ""
	}
	return strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
}

// Half is the half of a page, by its URL's domain: HalfOf(Host(pageURL)).
// All pages of one site fall in the same half, so that a rule fitted to a
// site's template on the tune half cannot lift the check half.
func Half(pageURL string) string { return HalfOf(Host(pageURL)) }

// HalfOf splits pages by a fixed hash of key: HalfTune when the 32-bit
// FNV-1a hash of key's bytes is even, HalfCheck when it is odd. key is a
// page's domain (Half), or, for a set whose pages have no URL (the
// readability pages), the page's directory name. The empty key hashes to
// the odd FNV offset basis: HalfCheck.
func HalfOf(key string) string {
	h := fnv.New32a()
	h.Write([]byte(key))
	if h.Sum32()%2 == 0 {
		return HalfTune
	}
	return HalfCheck
}
