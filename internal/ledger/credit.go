package ledger

import (
	"net"
	"net/url"
	"slices"
	"strings"

	"golang.org/x/net/publicsuffix"
)

// Where a version says it comes from. A page declares its own address
// (rel=canonical, og:url: Page.Address), and a feed item may name the feed
// it was taken from (<source>: story.Item.Source). Two things follow:
//
//   - An address the page declares on its own site (the item was reached
//     through a tracking, mobile or AMP address) is an identity key of the
//     item, like its URL: a later item at that address is a repost.
//   - An address on another site is a credit: the version names another
//     outlet's as the original. A copy whose page names a story's address
//     joins that story by identity (method "canonical"), whatever its
//     text; a version that credits another is never kept over the credited
//     one, and gives way to it when it arrives (canonical.go). Story.Credits
//     and Duplicate.Credits keep the credit.

// provenance is what a candidate's page and feed item say of its origin.
type provenance struct {
	// alias is the address the page declares on its own site, when it
	// differs from the item's URL (canonical form).
	alias string
	// credits is the address on another site the candidate names as its
	// original: its page's declared address, or else its item's <source>.
	credits string
	// creditsPage: credits came from the page, so it is an article's
	// address (a story's identity key, when known); a <source> names a
	// feed.
	creditsPage bool
}

func provenanceOf(c Candidate) provenance {
	var pv provenance
	own := canonicalOf(c.Item.URL)
	if declared := canonicalOf(c.Page.Address); c.Page.Address != "" && declared != own && articleAddress(declared) {
		if sameSite(declared, own) {
			pv.alias = declared
		} else {
			pv.credits, pv.creditsPage = declared, true
		}
	}
	if pv.credits == "" && c.Item.Source != "" && !sameSite(c.Item.Source, own) {
		pv.credits = c.Item.Source
	}
	return pv
}

// keys returns c's identity keys with the page's own-site address added.
func (pv provenance) keys(keys []string) []string {
	if pv.alias == "" || slices.Contains(keys, "url:"+pv.alias) {
		return keys
	}
	return append(slices.Clone(keys), "url:"+pv.alias)
}

// pageKeys returns the keys under which the index may know the article
// the page declares: its own-site address, or the address it credits.
func (pv provenance) pageKeys() []string {
	var keys []string
	if pv.alias != "" {
		keys = append(keys, "url:"+pv.alias)
	}
	if pv.creditsPage {
		keys = append(keys, "url:"+pv.credits)
	}
	return keys
}

// articleAddress reports whether u can name one article: a site's home
// page cannot (some sites declare it as every page's canonical address).
func articleAddress(u string) bool {
	p, err := url.Parse(u)
	return err == nil && strings.Trim(p.Path, "/") != ""
}

// sameSite reports whether two URLs are on one site: the same host, or
// hosts under the same registrable domain ("news.example.co.uk" and
// "www.example.co.uk"). IP addresses are one site each.
func sameSite(a, b string) bool {
	ha, hb := hostOf(a), hostOf(b)
	if ha == "" || hb == "" {
		return false
	}
	if ha == hb {
		return true
	}
	if net.ParseIP(ha) != nil || net.ParseIP(hb) != nil {
		return false
	}
	da, err1 := publicsuffix.EffectiveTLDPlusOne(ha)
	db, err2 := publicsuffix.EffectiveTLDPlusOne(hb)
	return err1 == nil && err2 == nil && da == db
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
}

// creditReason explains a copy that joined a story because its page
// names the story's address.
func creditReason(key string, alias bool) string {
	addr := strings.TrimPrefix(key, "url:")
	if alias {
		return "the page declares " + addr + " (the story's address, on the same site) as its own address"
	}
	return "the page names " + addr + ", the story's address, as the original (rel=canonical or og:url)"
}
