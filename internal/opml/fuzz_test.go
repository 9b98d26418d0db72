package opml_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/feedsift/feedsift/internal/opml"
	"github.com/feedsift/feedsift/internal/story"
)

// FuzzParse checks that no input panics, that what Parse returns keeps the
// package's promises, and that Write then Parse gives the same feeds.
func FuzzParse(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.opml"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`<opml><body><outline text="a.b" xmlUrl="https://x/"><outline text="c"/></outline></body></opml>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		outlines, err := opml.Parse(bytes.NewReader(data))
		if err != nil {
			return
		}
		for _, o := range outlines {
			if o.XMLURL == "" {
				t.Fatalf("outline without xmlUrl: %+v", o)
			}
			if o.Topic != "" {
				if err := story.ValidateTopic(o.Topic); err != nil {
					t.Fatalf("outline with invalid topic: %+v: %v", o, err)
				}
			}
		}
		var buf bytes.Buffer
		if err := opml.Write(&buf, "fuzz", outlines); err != nil {
			t.Fatalf("Write of parsed outlines: %v", err)
		}
		again, err := opml.Parse(&buf)
		if err != nil {
			t.Fatalf("Parse of written outlines: %v\n%s", err, buf.Bytes())
		}
		if len(again) != len(outlines) {
			t.Fatalf("round trip kept %d of %d outlines", len(again), len(outlines))
		}
		byURL := func(os []opml.Outline) map[string]opml.Outline {
			m := make(map[string]opml.Outline)
			for _, o := range os {
				// Write's documented fill-ins.
				if o.Type == "" {
					o.Type = "rss"
				}
				if o.Text == "" && o.Title == "" {
					o.Text, o.Title = o.XMLURL, o.XMLURL
				}
				m[o.XMLURL] = o
			}
			return m
		}
		if diff := cmp.Diff(byURL(outlines), byURL(again)); diff != "" {
			t.Fatalf("round trip changed outlines (-first +second):\n%s", diff)
		}
	})
}
