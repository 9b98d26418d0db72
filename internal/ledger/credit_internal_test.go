package ledger

import "testing"

func TestSameSite(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"https://example.org/a", "http://example.org/b", true},
		{"https://news.example.co.uk/a", "https://www.example.co.uk/b", true},
		{"https://EXAMPLE.org./a", "https://example.org/b", true},
		{"https://example.org/a", "https://example.com/a", false},
		{"https://alice.github.io/a", "https://bob.github.io/a", false},
		{"http://127.0.0.1:8080/a", "http://127.0.0.1:9090/b", true},
		{"http://127.0.0.1/a", "http://127.0.0.2/a", false},
		{"not a url", "https://example.org/", false},
		{"", "", false},
	} {
		if got := sameSite(tc.a, tc.b); got != tc.want {
			t.Errorf("sameSite(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestProvenance(t *testing.T) {
	for _, tc := range []struct {
		name, url, address, source string
		want                       provenance
	}{
		{"nothing declared", "https://a.example/x", "", "", provenance{}},
		{"its own address", "https://a.example/x?utm_source=rss", "https://a.example/x", "", provenance{}},
		{"another address on its site", "https://a.example/amp/x", "https://www.a.example/x", "", provenance{alias: "https://www.a.example/x"}},
		{"another site's page", "https://a.example/x", "https://b.example/y", "https://c.example/feed",
			provenance{credits: "https://b.example/y", creditsPage: true}},
		{"another site's home page is no article", "https://a.example/x", "https://b.example/", "", provenance{}},
		{"a source on another site", "https://a.example/x", "", "https://c.example/feed", provenance{credits: "https://c.example/feed"}},
		{"a source on its own site", "https://a.example/x", "", "https://feeds.a.example/all", provenance{}},
	} {
		c := Candidate{Page: Page{Address: tc.address}}
		c.Item.URL, c.Item.Source = tc.url, tc.source
		if got := provenanceOf(c); got != tc.want {
			t.Errorf("%s: provenance %+v, want %+v", tc.name, got, tc.want)
		}
	}
}
