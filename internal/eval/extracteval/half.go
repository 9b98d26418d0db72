package extracteval

import (
	"net/url"
	"strings"

	"github.com/feedsift/feedsift/internal/evalsplit"
)

// The two halves of every set, by domain (see Half).
const (
	// HalfTune is the half rules may be tuned on.
	HalfTune = evalsplit.Tune
	// HalfCheck is the half a change is checked on before it is kept.
	HalfCheck = evalsplit.Check
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

// HalfOf splits pages by a fixed hash of key (evalsplit.Of): key is a
// page's domain (Half), or, for a set whose pages have no URL (the
// readability pages), the page's directory name.
func HalfOf(key string) string { return evalsplit.Of(key) }
