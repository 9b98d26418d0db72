package extract

import (
	"slices"
	"testing"
)

// TestClassTokensSkipHexGroups checks that the groups of a UUID id are
// hash parts, while a hand-written name beside digits still reads.
func TestClassTokensSkipHexGroups(t *testing.T) {
	for _, tc := range []struct {
		value string
		want  []string
	}{
		{"5e1c07b2-ad34-4f10-9b2e-81c4d0e6a7f3", nil},
		{"headline 5e1c07b2-ad34-4f10-9b2e-81c4d0e6a7f3", []string{"headline"}},
		{"ad-300x250", []string{"ad", "x"}},
		{"promo-box_a1b2c3d-ad", []string{"promo", "box", "ad"}},
	} {
		if got := classTokens(tc.value); !slices.Equal(got, tc.want) {
			t.Errorf("classTokens(%q) = %q, want %q", tc.value, got, tc.want)
		}
	}
}
