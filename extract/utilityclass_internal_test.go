package extract

import (
	"slices"
	"testing"
)

func TestUtilityName(t *testing.T) {
	cases := []struct{ word, want string }{
		{"sidebar", "sidebar"},
		{"hover:underline", "underline"},
		{"contrast-more:md:font-bold", "font-bold"},
		{"hover:[text-decoration-skip:none]", ""},
		{"[--content-gap:2rem]", ""},
		{"[&>*+*]:mt-5", "mt-5"},
		{"text-[var(--teaser-ink)]", "text-[var(--teaser-ink)]"},
	}
	for _, tc := range cases {
		if got := utilityName(tc.word); got != tc.want {
			t.Errorf("utilityName(%q) = %q, want %q", tc.word, got, tc.want)
		}
	}
	if got, want := classTokens("underline hover:[text-decoration-skip:none] contrast-more:font-bold"), []string{"underline", "font", "bold"}; !slices.Equal(got, want) {
		t.Errorf("classTokens = %q, want %q", got, want)
	}
}
