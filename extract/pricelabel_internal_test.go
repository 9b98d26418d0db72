package extract

import "testing"

func TestLabelledPriceLine(t *testing.T) {
	for _, c := range []struct {
		line string
		want bool
	}{
		{"Sale price £18.50", true},
		{"Price: €7.25", true},
		{"Price:CHF 12.00", true},
		{"Our price $3", true},
		{"Price", false},                              // no amount
		{"Storage: 256 GB", false},                    // no price named
		{"Price includes a spare set of pegs", false}, // a sentence
		{"Lowest price in town since 1998", false},
	} {
		if got := labelledPriceLine(c.line); got != c.want {
			t.Errorf("labelledPriceLine(%q) = %v, want %v", c.line, got, c.want)
		}
	}
}
