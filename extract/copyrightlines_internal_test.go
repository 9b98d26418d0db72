package extract

import "testing"

func TestCopyrightLine(t *testing.T) {
	cases := []struct {
		line string
		want bool
	}{
		{"gulls over the pier at dawn. © jo roe / tidewater agency", true},
		{"© 2025 the courier. reprints need our written consent, which the desk gives for quotations that name the paper and the date of the report.", true},
		{"copyright © 2025 the courier", true},
		{"the crest, stamped © on every paper ticket since 1998, will be redrawn this winter", false},
		{"the crew kept the rights to the film and sold them to a studio in the spring", false},
	}
	for _, c := range cases {
		if got := copyrightLine(c.line, wordCount(c.line)); got != c.want {
			t.Errorf("copyrightLine(%q) = %v, want %v", c.line, got, c.want)
		}
	}
}
