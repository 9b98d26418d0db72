package extract

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
)

func TestAvailabilityWords(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"https://schema.org/OutOfStock", "out of stock"},
		{"http://schema.org/InStock", "in stock"},
		{"InStoreOnly", "in store only"},
		{"schema:SoldOut", "sold out"},
		{"Discontinued", ""}, // one word says too little
		{"instock", ""},
		{"", ""},
	} {
		if got := availabilityWords(c.in); got != c.want {
			t.Errorf("availabilityWords(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestAvailabilityLine(t *testing.T) {
	phrases := map[string]bool{"in stock": true}
	for _, c := range []struct {
		line string
		want bool
	}{
		{"In stock", true},
		{"IN STOCK.", true},
		{"Only 2 in stock", false},
		{"We keep the larger sizes in stock all year round.", false},
		{"Out of stock", false},
	} {
		if got := availabilityLine(c.line, phrases); got != c.want {
			t.Errorf("availabilityLine(%q) = %v, want %v", c.line, got, c.want)
		}
	}
}

func TestDeclaredAvailabilityMicrodata(t *testing.T) {
	page := `<html><body><div itemscope itemtype="https://schema.org/Product"><span itemprop="name">Lantern</span>` +
		`<div itemprop="offers" itemscope itemtype="https://schema.org/Offer"><link itemprop="availability" href="https://schema.org/PreOrder">` +
		`<meta itemprop="price" content="20"></div></div></body></html>`
	root, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	got := declaredAvailability(linkedData{}, root)
	if len(got) != 1 || !got["pre order"] {
		t.Errorf("declaredAvailability = %v, want pre order", got)
	}
}
