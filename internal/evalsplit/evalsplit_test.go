package evalsplit_test

import (
	"testing"

	"github.com/feedsift/feedsift/internal/evalsplit"
)

// TestOf pins the split: changing it would silently move pages and
// stories between the halves and void every figure measured so far.
func TestOf(t *testing.T) {
	for _, tc := range []struct{ key, want string }{
		{"", evalsplit.Check},
		{"a", evalsplit.Tune},
		{"b", evalsplit.Check},
		{"example.com", evalsplit.Tune},
		{"bbc.co.uk", evalsplit.Tune},
	} {
		if got := evalsplit.Of(tc.key); got != tc.want {
			t.Errorf("Of(%q) = %s, want %s", tc.key, got, tc.want)
		}
	}
}
