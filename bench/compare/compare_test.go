package compare_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/feedsift/feedsift/bench/compare"
)

// page is a small article page with boilerplate around the story.
const page = `<!doctype html><html><head><meta charset="utf-8"><title>Harbour ferry returns</title></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<article><h1>Harbour ferry returns</h1>
<p>The harbour ferry resumed its crossing on Monday morning after a winter of repairs to the old landing stage, and the first boat left the quay at seven.</p>
<p>Commuters said the crossing, which takes twelve minutes, saves them nearly an hour compared with the road bridge upstream, and the operator plans extra sailings.</p>
<p>The council, which paid for most of the work, expects the landing stage to last another thirty years before it needs to be rebuilt again from the piles up.</p>
</article>
<footer>Copyright Example Gazette. All rights reserved.</footer>
</body></html>`

func TestExtractorsFindStory(t *testing.T) {
	for _, ex := range compare.Extractors() {
		t.Run(ex.Name, func(t *testing.T) {
			got, err := ex.Extract([]byte(page), "https://news.example/ferry")
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			for _, want := range []string{"first boat left the quay", "saves them nearly an hour", "another thirty years"} {
				if !strings.Contains(got, want) {
					t.Errorf("text lacks %q; got %q", want, got)
				}
			}
		})
	}
}

func TestExtractorsBadInputNoPanic(t *testing.T) {
	inputs := map[string][]byte{
		"empty":   nil,
		"garbage": {0xff, 0xfe, 0x00, '<', 0x80, '>'},
		"no body": []byte("<html><head><title>x</title></head></html>"),
	}
	for _, ex := range compare.Extractors() {
		for name, in := range inputs {
			t.Run(ex.Name+"/"+name, func(t *testing.T) {
				got, err := ex.Extract(in, "::not a url")
				if err != nil && got != "" {
					t.Errorf("error %v with non-empty text %q", err, got)
				}
				if errors.Is(err, compare.ErrPanic) {
					t.Logf("recovered panic: %v", err)
				}
			})
		}
	}
}

func TestToUTF8(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"utf-8 unchanged", []byte(`<meta charset="utf-8"><p>café</p>`), `<meta charset="utf-8"><p>café</p>`},
		{"windows-1252 declared", []byte("<meta charset=\"windows-1252\"><p>caf\xe9</p>"), `<meta charset="windows-1252"><p>café</p>`},
		{"undeclared invalid utf-8", []byte("<p>na\xefve</p>"), "<p>naïve</p>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := compare.ToUTF8(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("ToUTF8 = %q, want %q", got, tt.want)
			}
		})
	}
}
