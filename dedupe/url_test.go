package dedupe_test

import (
	"errors"
	"testing"

	"github.com/feedsift/feedsift/dedupe"
)

func TestCanonicalURL(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "https://example.com/a/b", "https://example.com/a/b"},
		{"host and scheme case", "HTTPS://Example.COM/Path", "https://example.com/Path"},
		{"www kept", "http://WWW.example.com/x", "http://www.example.com/x"},
		{"default http port", "http://example.com:80/x", "http://example.com/x"},
		{"default https port", "https://example.com:443/x", "https://example.com/x"},
		{"other port kept", "https://example.com:8443/x", "https://example.com:8443/x"},
		{"fragment dropped", "https://example.com/x#comments", "https://example.com/x"},
		{"empty path", "https://example.com", "https://example.com/"},
		{"trailing slash", "https://example.com/news/story/", "https://example.com/news/story"},
		{"dot segments", "https://example.com/a/./b/../c", "https://example.com/a/c"},
		{"dot segments above root", "https://example.com/../../a", "https://example.com/a"},
		{"utm removed", "https://example.com/x?utm_source=rss&utm_medium=feed&id=7", "https://example.com/x?id=7"},
		{"tracking removed", "https://example.com/x?fbclid=abc&gclid=d&mc_cid=1&mc_eid=2&igshid=3&ref=tw&ref_src=s&cmpid=c&ito=i&at_medium=m&p=1", "https://example.com/x?p=1"},
		{"tracking key case", "https://example.com/x?UTM_Source=a&FBCLID=b", "https://example.com/x"},
		{"params sorted", "https://example.com/x?b=2&a=1&c=3", "https://example.com/x?a=1&b=2&c=3"},
		{"same key sorted by value", "https://example.com/x?a=2&a=1", "https://example.com/x?a=1&a=2"},
		{"empty params dropped", "https://example.com/x?&&a=1&", "https://example.com/x?a=1"},
		{"unreserved escapes decoded", "https://example.com/%7Euser/%61bc", "https://example.com/~user/abc"},
		{"escape hex upper-cased", "https://example.com/caf%c3%a9", "https://example.com/caf%C3%A9"},
		{"raw unicode escaped", "https://example.com/café", "https://example.com/caf%C3%A9"},
		{"encoded slash kept", "https://example.com/a%2Fb", "https://example.com/a%2Fb"},
		{"userinfo dropped", "https://user:pw@example.com/x", "https://example.com/x"},
		{"space trimmed", "  https://example.com/x \n", "https://example.com/x"},
		{"ipv6", "http://[2001:DB8::1]:80/x", "http://[2001:db8::1]/x"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := dedupe.CanonicalURL(tc.in)
			if err != nil {
				t.Fatalf("CanonicalURL(%q): %v", tc.in, err)
			}
			if got != tc.want {
				t.Errorf("CanonicalURL(%q) = %q, want %q", tc.in, got, tc.want)
			}
			again, err := dedupe.CanonicalURL(got)
			if err != nil || again != got {
				t.Errorf("CanonicalURL(%q) = %q, %v; not a fixed point", got, again, err)
			}
		})
	}
}

func TestCanonicalURLOrderIndependent(t *testing.T) {
	a, errA := dedupe.CanonicalURL("https://Example.com/story?id=9&utm_campaign=x&page=2#top")
	b, errB := dedupe.CanonicalURL("https://example.com:443/story?page=2&fbclid=zz&id=9")
	if errA != nil || errB != nil {
		t.Fatal(errA, errB)
	}
	if a != b {
		t.Errorf("same article, different keys: %q vs %q", a, b)
	}
}

func TestCanonicalURLErrors(t *testing.T) {
	for _, in := range []string{
		"", "example.com/x", "/relative/path", "ftp://example.com/x", "mailto:a@example.com",
		"javascript:alert(1)", "http://", "http:opaque", "https://exa mple.com/", "http://[::1/x",
		"https://example.com:port/",
	} {
		t.Run(in, func(t *testing.T) {
			got, err := dedupe.CanonicalURL(in)
			if !errors.Is(err, dedupe.ErrURL) {
				t.Errorf("CanonicalURL(%q) = %q, %v; want ErrURL", in, got, err)
			}
		})
	}
}

func FuzzCanonical(f *testing.F) {
	for _, s := range []string{
		"https://example.com/a/../b/?utm_source=x&b=2&a=1#f",
		"http://EXAMPLE.com:80", "https://x.y/%7e%41%zz?%41=%42&&=",
		"http://[::1]:8080/./a//b/", "https://h/a?b=c d&e", "http://h/%2e%2E/x",
		"https://h/a;b=c/d?x=%2F#", "http://h:0/", "https://h/ü?ü=ü",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, err := dedupe.CanonicalURL(in)
		if err != nil {
			return
		}
		again, err := dedupe.CanonicalURL(out)
		if err != nil {
			t.Fatalf("CanonicalURL(%q) = %q, which fails: %v", in, out, err)
		}
		if again != out {
			t.Fatalf("CanonicalURL(%q) = %q, re-canonicalised %q", in, out, again)
		}
	})
}
