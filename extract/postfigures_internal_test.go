package extract

import (
	"slices"
	"testing"
)

func TestDropPostFigures(t *testing.T) {
	tests := []struct {
		name string
		in   []string
		want []string
	}{
		{
			name: "a member's count beside each post goes",
			in:   []string{"2,317", "Should the tyres stand upright?", "15,804", "Stand them upright.", "486", "Bag them first."},
			want: []string{"Should the tyres stand upright?", "Stand them upright.", "Bag them first."},
		},
		{
			name: "a labelled count goes, a sentence with a figure stays",
			in:   []string{"Posts: 12", "I paid 40 pounds for it.", "Posts: 9,310", "Mine cost 35.", "Posts: 7", "Worth it."},
			want: []string{"I paid 40 pounds for it.", "Mine cost 35.", "Worth it."},
		},
		{
			name: "a live blog's entry times stay",
			in:   []string{"14:05", "The second half is under way.", "14:12", "A goal from the corner.", "14:30", "Full time."},
			want: []string{"14:05", "The second half is under way.", "14:12", "A goal from the corner.", "14:30", "Full time."},
		},
		{
			name: "a run of output lines quoted in one post stays",
			in:   []string{"My script prints:", "Time: 2.00 sec", "Time: 3.00 sec", "Time: 4.00 sec", "Why is it slow?"},
			want: []string{"My script prints:", "Time: 2.00 sec", "Time: 3.00 sec", "Time: 4.00 sec", "Why is it slow?"},
		},
		{
			name: "dates stay",
			in:   []string{"Mar 2, 2026", "First.", "Mar 3, 2026", "Second.", "Mar 4, 2026", "Third."},
			want: []string{"Mar 2, 2026", "First.", "Mar 3, 2026", "Second.", "Mar 4, 2026", "Third."},
		},
	}
	for _, tt := range tests {
		if got := dropPostFigures(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestIsCountLine(t *testing.T) {
	for s, want := range map[string]bool{
		"Posts: 4,032":                true,
		"Messages: 12":                true,
		"Joined: Tue Mar 3, 2020":     false,
		"Location: Lakeside":          false,
		"Weight: 2 kg":                false,
		"Posts:":                      false,
		"See page 4: figures 1 and 2": false,
	} {
		if got := isCountLine(s); got != want {
			t.Errorf("isCountLine(%q) = %v, want %v", s, got, want)
		}
	}
}
