package extract

import (
	"strings"
	"unicode"

	"golang.org/x/net/html"
)

// A product page declares its offer's availability as a schema.org
// ItemAvailability value (the vocabulary's address of "InStock",
// "OutOfStock"),
// in the Product's JSON-LD offers or in a microdata property
// itemprop="availability" (a <link href> or <meta content>). The buy box
// prints the same value in words as a line of its own ("In stock", "Out
// of stock"): the shop's state of the offer, not the item's
// description. Reading the words from the page's own declaration, not
// from a list of phrases, keeps a sentence that mentions stock and
// catches the value in whatever words the vocabulary names it.

// declaredAvailability returns the availability values the page's
// product offers declare, each as the lower-case words of its
// camel-cased name ("InStock" gives "in stock"); nil when none is
// declared. It reads the JSON-LD Products' and ProductGroups' offers
// and the microdata availability properties under body.
func declaredAvailability(ld linkedData, body *html.Node) map[string]bool {
	var phrases map[string]bool
	add := func(v string) {
		if w := availabilityWords(v); w != "" {
			if phrases == nil {
				phrases = make(map[string]bool)
			}
			phrases[w] = true
		}
	}
	for _, e := range ld.entities {
		if isProductEntity(e) {
			eachOffer(e["offers"], 0, func(o map[string]any) {
				if v, ok := o["availability"].(string); ok {
					add(v)
				}
			})
		}
	}
	for _, n := range findAll(body, true, isAvailabilityProp) {
		add(getAttr(n, "href"))
		add(getAttr(n, "content"))
	}
	return phrases
}

// isAvailabilityProp reports whether n is a microdata availability
// property.
func isAvailabilityProp(n *html.Node) bool {
	return len(n.Attr) > 0 && strings.EqualFold(getAttr(n, "itemprop"), "availability")
}

// availabilityWords returns the lower-case words of a schema.org
// availability value, its last path segment split where a capital
// letter starts a word (the address ending in "/OutOfStock" gives "out
// of stock"); "" when the segment is not one camel-cased name of two words
// or more (a single word, "Available", says too little to be read out
// as the offer's state rather than the text's).
func availabilityWords(v string) string {
	v = strings.TrimSpace(v)
	if i := strings.LastIndexAny(v, "/:"); i >= 0 {
		v = v[i+1:]
	}
	if v == "" || !unicode.IsUpper(rune(v[0])) {
		return ""
	}
	var b strings.Builder
	words := 0
	for _, r := range v {
		if !unicode.IsLetter(r) {
			return ""
		}
		if unicode.IsUpper(r) {
			if words > 0 {
				b.WriteByte(' ')
			}
			words++
		}
		b.WriteRune(unicode.ToLower(r))
	}
	if words < 2 {
		return ""
	}
	return b.String()
}

// availabilityLine reports whether line reads out one of the declared
// availability phrases and nothing else: its letters and spaces, lower
// case and collapsed, equal a phrase ("In stock", "Out of Stock.").
func availabilityLine(line string, phrases map[string]bool) bool {
	if len(line) > 40 {
		return false // cheap first: the values are a few short words
	}
	var b strings.Builder
	space := false
	for _, r := range line {
		switch {
		case unicode.IsLetter(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(unicode.ToLower(r))
		case unicode.IsSpace(r):
			space = true
		case unicode.IsDigit(r):
			return false // "Only 3 in stock" counts, not the state alone
		}
	}
	return phrases[b.String()]
}
