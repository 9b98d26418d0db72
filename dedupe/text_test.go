package dedupe_test

import (
	"testing"

	"github.com/feedsift/feedsift/dedupe"
	"github.com/google/go-cmp/cmp"
)

func TestTokens(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"ascii", "Hello, World! It's 2024_v2.", []string{"hello", "world", "it", "s", "2024_v2"}},
		{"unicode letters and marks", "Ça coûte 5€ — naïve Zürich", []string{"ça", "coûte", "5", "naïve", "zürich"}},
		{"combining mark stays in word", "cafe\u0301 ok", []string{"cafe\u0301", "ok"}},
		{"non-latin", "Москва 東京 ١٢٣", []string{"москва", "東京", "١٢٣"}},
		{"html entities", "Bid &#163;8m &amp; more", []string{"bid", "8m", "more"}},
		{"mojibake repaired", "â€œI have signed,â€\u009d said Candelaâ€™s agent", []string{"i", "have", "signed", "said", "candela", "s", "agent"}},
		{"real accents untouched", "Ã  la carte São Paulo", []string{"ã", "la", "carte", "são", "paulo"}},
		{"empty", " -- ", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, dedupe.Tokens(tc.in)); diff != "" {
				t.Errorf("Tokens(%q) (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}
