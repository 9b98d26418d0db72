package sitetemplate_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/feedsift/feedsift/internal/sitetemplate"
)

const (
	footer = "Support independent journalism: become a member today."
	nav    = "Home | World | Business | Sport"
)

// story returns a long paragraph unique to page i.
func story(i int) string {
	return fmt.Sprintf("Story %d: the council voted on the harbour plan after a long night of debate, "+
		"and residents of ward %d said they would appeal the decision before the summer recess; "+
		"the mayor declined to comment on the vote count of %d to %d.", i, i*7, i+3, i+1)
}

func page(i int, extra ...string) []string {
	return append([]string{story(i), story(i + 1000)}, extra...)
}

func TestStrip(t *testing.T) {
	tests := []struct {
		name    string
		seen    int // pages observed before, each with the footer
		input   []string
		want    []string
		dropped int
	}{
		{"new site keeps everything", 0, page(99, footer), page(99, footer), 0},
		{"two other pages are not enough", 2, page(99, footer), page(99, footer), 0},
		{"footer on three other pages is dropped", 3, page(99, footer), page(99), 1},
		{"case and white space do not matter", 4, page(99, "  SUPPORT independent\tjournalism:  become a member TODAY. "), page(99), 1},
		{"story paragraph is kept", 5, page(99, nav), page(99), 1},
		{"half-text safety keeps a short page whole", 5, []string{"Short note.", footer, nav}, []string{"Short note.", footer, nav}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := sitetemplate.New(sitetemplate.Options{})
			for i := range tc.seen {
				c.Observe(fmt.Sprintf("https://example.org/a/%d", i), page(i, nav, footer))
			}
			got, dropped := c.Strip("https://example.org/a/new", tc.input)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("kept (-want +got):\n%s", diff)
			}
			if dropped != tc.dropped {
				t.Errorf("dropped %d, want %d", dropped, tc.dropped)
			}
		})
	}
}

func TestObserveIdempotentPerPage(t *testing.T) {
	c := sitetemplate.New(sitetemplate.Options{})
	for range 5 {
		c.Observe("https://example.org/a/1", page(1, footer))
		c.Observe("https://example.org/a/2", page(2, footer))
	}
	if c.Pages() != 2 {
		t.Errorf("Pages() = %d, want 2", c.Pages())
	}
	if got, n := c.Strip("https://example.org/a/3", page(3, footer)); n != 0 || len(got) != 3 {
		t.Errorf("footer on 2 pages observed 5 times each was dropped: kept %q, dropped %d", got, n)
	}
	// A page observed before does not count itself as another page.
	c.Observe("https://example.org/a/3", page(3, footer))
	if _, n := c.Strip("https://example.org/a/3", page(3, footer)); n != 0 {
		t.Errorf("page 3 counted its own footer: dropped %d", n)
	}
	if _, n := c.Strip("https://example.org/a/4", page(4, footer)); n != 1 {
		t.Errorf("footer on 3 other pages: dropped %d, want 1", n)
	}
}

func TestLongParagraphsNotCounted(t *testing.T) {
	long := strings.Repeat("every page carries this very long legal notice. ", 20)
	c := sitetemplate.New(sitetemplate.Options{})
	for i := range 5 {
		c.Observe(fmt.Sprintf("p%d", i), page(i, long))
	}
	if c.Len() != 10 {
		t.Errorf("Len() = %d, want 10 (the two story paragraphs of five pages)", c.Len())
	}
	if _, n := c.Strip("new", page(9, long)); n != 0 {
		t.Errorf("a paragraph over MaxParagraph was dropped")
	}
}

func TestEvictionKeepsTemplate(t *testing.T) {
	c := sitetemplate.New(sitetemplate.Options{MaxFingerprints: 20})
	for i := range 30 {
		c.Observe(fmt.Sprintf("p%d", i), page(i, footer))
		if c.Len() > 20 {
			t.Fatalf("after page %d Len() = %d, want at most 20", i, c.Len())
		}
	}
	if _, n := c.Strip("new", page(99, footer)); n != 1 {
		t.Errorf("footer seen on 30 pages was evicted: dropped %d", n)
	}
}

func TestMaxPages(t *testing.T) {
	c := sitetemplate.New(sitetemplate.Options{MaxPages: 3})
	for i := range 5 {
		c.Observe(fmt.Sprintf("p%d", i), nil)
	}
	if c.Pages() != 3 {
		t.Errorf("Pages() = %d, want 3", c.Pages())
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	c := sitetemplate.New(sitetemplate.Options{})
	for i := range 4 {
		c.Observe(fmt.Sprintf("p%d", i), page(i, footer, nav))
	}
	data, err := c.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var back sitetemplate.Counts // a zero Counts works with the defaults
	if err := back.UnmarshalBinary(data); err != nil {
		t.Fatalf("UnmarshalBinary: %v", err)
	}
	again, err := back.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(data, again); diff != "" {
		t.Errorf("re-encoding differs (-first +second):\n%s", diff)
	}
	if back.Pages() != 4 || back.Len() != c.Len() {
		t.Errorf("decoded Pages %d Len %d, want 4 and %d", back.Pages(), back.Len(), c.Len())
	}
	got, n := back.Strip("new", page(9, footer, nav))
	if diff := cmp.Diff(page(9), got); diff != "" || n != 2 {
		t.Errorf("decoded Strip dropped %d, kept (-want +got):\n%s", n, diff)
	}
	back.Observe("p0", page(0, footer)) // still known: no change
	if back.Pages() != 4 {
		t.Errorf("decoded Counts forgot page p0")
	}
}

func TestUnmarshalCorrupt(t *testing.T) {
	c := sitetemplate.New(sitetemplate.Options{})
	c.Observe("p0", page(0, footer))
	good, err := c.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	tests := map[string][]byte{
		"empty":     nil,
		"magic":     append([]byte("xxxx"), good[4:]...),
		"version":   append(append([]byte(nil), good[:4]...), append([]byte{9}, good[5:]...)...),
		"truncated": good[:len(good)-3],
		"trailing":  append(append([]byte(nil), good...), 0),
		"huge":      append(append([]byte(nil), good[:6]...), 0xff, 0xff, 0xff, 0x0f),
	}
	for name, data := range tests {
		t.Run(name, func(t *testing.T) {
			d := sitetemplate.New(sitetemplate.Options{})
			d.Observe("keep", []string{footer})
			if err := d.UnmarshalBinary(data); !errors.Is(err, sitetemplate.ErrCorrupt) {
				t.Fatalf("err = %v, want ErrCorrupt", err)
			}
			if d.Pages() != 1 || d.Len() != 1 {
				t.Errorf("a failed UnmarshalBinary changed the Counts: Pages %d Len %d", d.Pages(), d.Len())
			}
		})
	}
}

func FuzzUnmarshal(f *testing.F) {
	c := sitetemplate.New(sitetemplate.Options{})
	c.Observe("p0", page(0, footer))
	good, _ := c.MarshalBinary()
	f.Add(good)
	f.Add([]byte("fsst\x01"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var d sitetemplate.Counts
		if err := d.UnmarshalBinary(data); err != nil {
			return
		}
		out, err := d.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		var e sitetemplate.Counts
		if err := e.UnmarshalBinary(out); err != nil {
			t.Fatalf("re-decoding its own encoding: %v", err)
		}
		d.Observe("x", []string{footer})
		d.Strip("y", []string{footer, story(1)})
	})
}

func BenchmarkObserveStrip(b *testing.B) {
	c := sitetemplate.New(sitetemplate.Options{})
	paras := page(0, footer, nav)
	bytes := 0
	for _, p := range paras {
		bytes += len(p)
	}
	b.SetBytes(int64(bytes))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		key := fmt.Sprintf("p%d", i)
		c.Strip(key, paras)
		c.Observe(key, paras)
		i++
	}
}
