package extract

import (
	"strings"
	"unicode"
)

// A product page's offers may declare the shop's terms of sale in
// schema.org: "shippingDetails" (an OfferShippingDetails) and
// "hasMerchantReturnPolicy" (a MerchantReturnPolicy), on the Offer or on
// the Product. The buy box then prints those terms as badges of a few
// words beside the price ("Free shipping", "60-day returns"): the shop's
// conditions of the offer, not the item's description. The word a badge
// must hold is read from the property the page declares, so that a page
// declaring no such terms keeps its lines, and a badge is told from a
// section heading or a sentence by its form: at most four words, no
// label's colon, no "&" joining two topics (a tab's heading, "Shipping &
// Returns"), no sentence's closing stop.

// maxOfferTermWords is the most words a terms badge holds.
const maxOfferTermWords = 4

// declaredOfferTerms returns the words ("shipping", "returns") naming
// the terms of sale that the page's JSON-LD Products and ProductGroups
// declare, on themselves or on their offers; nil when none is declared.
func declaredOfferTerms(ld linkedData) map[string]bool {
	var terms map[string]bool
	add := func(word string) {
		if terms == nil {
			terms = make(map[string]bool, 2)
		}
		terms[word] = true
	}
	read := func(x map[string]any) {
		if _, ok := x["shippingDetails"]; ok {
			add("shipping")
		}
		if _, ok := x["hasMerchantReturnPolicy"]; ok {
			add("returns")
		}
	}
	for _, e := range ld.entities {
		if isProductEntity(e) {
			read(e)
			eachOffer(e["offers"], 0, read)
		}
	}
	return terms
}

// offerTermLine reports whether line is a buy box's badge naming one of
// the declared terms: at most four words, one of them a term word (any
// case), with no colon, no "&" and no closing stop.
func offerTermLine(line string, terms map[string]bool) bool {
	if len(line) > 60 || strings.ContainsAny(line, ":&") {
		return false // cheap first: a badge is a few short words
	}
	if strings.HasSuffix(line, ".") || strings.HasSuffix(line, "!") || strings.HasSuffix(line, "?") {
		return false
	}
	words := strings.Fields(line)
	if len(words) > maxOfferTermWords {
		return false
	}
	for _, w := range words {
		w = strings.TrimFunc(w, func(r rune) bool { return !unicode.IsLetter(r) })
		if terms[strings.ToLower(w)] {
			return true
		}
	}
	return false
}
