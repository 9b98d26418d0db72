package extract

import (
	"slices"
	"testing"
)

func TestUtilityName(t *testing.T) {
	cases := []struct{ word, want string }{
		{"sidebar", "sidebar"},
		{"hover:underline", "underline"},
		{"contrast-more:lg:text-primary", "text-primary"},
		{"hover:[text-decoration-skip-ink:none]", ""},
		{"[--content-gap:2rem]", ""},
		{"[&>*+*]:mt-5", "mt-5"},
		{"text-[var(--cardMeta)]", "text-[var(--cardMeta)]"},
	}
	for _, tc := range cases {
		if got := utilityName(tc.word); got != tc.want {
			t.Errorf("utilityName(%q) = %q, want %q", tc.word, got, tc.want)
		}
	}
	if got, want := classTokens("underline hover:[text-decoration-skip-ink:none] contrast-more:text-primary"), []string{"underline", "text", "primary"}; !slices.Equal(got, want) {
		t.Errorf("classTokens = %q, want %q", got, want)
	}
}
