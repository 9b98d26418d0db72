package extract

import (
	"strings"
	"unicode"
)

// priceLabelMaxWords is the most words a labelled price line holds
// besides its amounts ("Sale price", "Price").
const priceLabelMaxWords = 2

// A buy box often prints its price behind a label naming it ("Price
// $31.00", "Sale price $42.50", "Price:EUR 18.00"): a field of the offer,
// as the bare amounts dropPriceLines removes are. A sentence naming a
// price ("Each refill costs $4 and lasts a month") holds more words,
// and a specification line holding a figure ("Storage: 256 GB") names no
// price, so both stay.

// labelledPriceLine reports whether p is a price behind its label: a
// currency sign or code with figures (priceLine, once the label's words
// are set aside) and at most priceLabelMaxWords words of letters, one of
// them the word "price" (a colon after a word, or between it and a
// currency code, aside).
func labelledPriceLine(p string) bool {
	if len(p) > 60 || !strings.Contains(strings.ToLower(p), "price") {
		return false // cheap first: the label is short and names a price
	}
	var amounts []string
	words, named := 0, false
	for _, f := range strings.Fields(strings.ReplaceAll(p, ":", " ")) {
		if strings.IndexFunc(f, func(r rune) bool { return !unicode.IsLetter(r) }) >= 0 || isCurrencyCode(f) {
			amounts = append(amounts, f)
			continue
		}
		words++
		named = named || strings.EqualFold(f, "price")
	}
	if !named || words > priceLabelMaxWords || len(amounts) == 0 {
		return false
	}
	joined := strings.Join(amounts, " ")
	return strings.IndexFunc(joined, unicode.IsDigit) >= 0 && priceLine(joined)
}

// isCurrencyCode reports whether f is three capital letters A to Z, as
// ISO 4217 writes a currency ("USD").
func isCurrencyCode(f string) bool {
	return len(f) == 3 && strings.IndexFunc(f, func(r rune) bool { return r < 'A' || r > 'Z' }) < 0
}
