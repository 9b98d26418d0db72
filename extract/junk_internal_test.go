package extract

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestIsCreditLine(t *testing.T) {
	cases := []struct {
		line string
		want bool
	}{
		{"Getty Images", true},
		{"Getty Images / Jane Roe", true},
		{"Jane Roe/Getty Images", true},
		{"Photo by Jo Doe on Unsplash", true},
		{"AFP / JOHN ROE", true},
		{"Image used under license from Shutterstock", true},
		{"Photo credit: ©iStock.com/someone", true},
		{"Supports Unsplash", false},
		{"Reuters reported on Monday that the talks had stalled.", false},
		{"Reuters/Ipsos poll: approval of the plan falls to 40%", false},
		{"Retention schedule, DPA, subprocessors list", false},
		{"Tax software from Thomson Reuters", false},
	}
	for _, c := range cases {
		if got := isCreditLine(c.line); got != c.want {
			t.Errorf("isCreditLine(%q) = %v, want %v", c.line, got, c.want)
		}
	}
}

func TestIsNewsletterCall(t *testing.T) {
	cases := []struct {
		line string
		want bool
	}{
		{"Want more from the Daily? Sign up for our newsletter, The Digest, and read smarter.", true},
		{"Catch up on our coverage and follow us on Instagram and TikTok to stay up to date.", true},
		{"Abonniere unseren Newsletter", true},
		{"Subscribers to the council's newsletter were told of the change a week early.", false},
		{"She asked readers to follow her on the long walk across the valley.", false},
	}
	for _, c := range cases {
		if got := isNewsletterCall(strings.ToLower(c.line)); got != c.want {
			t.Errorf("isNewsletterCall(%q) = %v, want %v", c.line, got, c.want)
		}
	}
}

func TestIsMoreFromHead(t *testing.T) {
	cases := []struct {
		line string
		want bool
	}{
		{"More from the Harbour Gazette", true},
		{"More in Local News", true},
		{"Mehr zum Thema Job und Karriere", true},
		{"More on this later.", false},
		{"More than a hundred boats joined the parade on Sunday", false},
		{"More from the council's report on the harbour, which was published on Tuesday", false},
	}
	for _, c := range cases {
		if got := isMoreFromHead(c.line, junkKey(c.line)); got != c.want {
			t.Errorf("isMoreFromHead(%q) = %v, want %v", c.line, got, c.want)
		}
	}
}

func TestDropAuthorBox(t *testing.T) {
	story := []string{
		"The council approved the new cycle lanes on Tuesday after a two-hour debate in the chamber.",
		"Work on the first stretch, along the river, starts in April and should take about four months.",
		"Shop owners on the route asked for loading bays, which the plan now includes at three corners.",
		"The second stretch, through the old town, still needs the approval of the heritage board.",
	}
	bio := "Ines Moreau is a local government reporter who has covered the council since 2020."
	tests := []struct {
		name   string
		paras  []string
		author string
		want   []string
	}{
		{"closing bio goes", append(append([]string{}, story...), bio), "Ines Moreau", story},
		{"no author", append(append([]string{}, story...), bio), "", append(append([]string{}, story...), bio)},
		{"one-word author", append(append([]string{}, story...), bio), "Ines", append(append([]string{}, story...), bio)},
		{"name in the first half stays", append([]string{bio}, story...), "Ines Moreau", append([]string{bio}, story...)},
		{"long closing part stays", append(append([]string{}, story[:3]...), bio, story[3]), "Ines Moreau",
			append(append([]string{}, story[:3]...), bio, story[3])},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := dropAuthorBox(tc.paras, tc.author)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("dropAuthorBox (-want +got):\n%s", diff)
			}
		})
	}
}
