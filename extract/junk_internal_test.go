package extract

import (
	"strings"
	"testing"
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
