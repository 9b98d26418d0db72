package opml_test

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/feedsift/feedsift/internal/opml"
	"github.com/feedsift/feedsift/internal/story"
)

var update = flag.Bool("update", false, "rewrite golden files")

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestReadFixtures(t *testing.T) {
	cafe := &opml.Document{
		Title: "Abonnements de René",
		Outlines: []opml.Outline{{
			Text: "Le Café du Coin", Title: "Le Café du Coin", Type: "rss",
			XMLURL: "https://cafe.example.fr/flux.rss", Topic: "actualités",
		}},
	}
	tests := []struct {
		file string
		want *opml.Document
	}{
		{"reader_export.opml", &opml.Document{
			Title: "Subscriptions of ada in Reader",
			Outlines: []opml.Outline{
				{Text: "Project Status", Title: "Project Status", Type: "rss",
					XMLURL: "https://status.example.org/feed.xml", HTMLURL: "https://status.example.org/"},
				{Text: "Lobsters & Friends", Title: "Lobsters & Friends", Type: "rss",
					XMLURL: "https://lobste.example.com/rss", HTMLURL: "https://lobste.example.com/", Topic: "tech-news"},
				{Text: "The Go Blog", Title: "The Go Blog", Type: "rss",
					XMLURL: "https://go.example.dev/blog/feed.atom", HTMLURL: "https://go.example.dev/blog", Topic: "go"},
				{Text: "Only a title\u00a0here", Title: "Only a title\u00a0here", Type: "rss",
					XMLURL: "https://gophers.example.net/index.xml", Topic: "go"},
				{Text: "Euro Wire", Title: "Euro Wire", Type: "rss",
					XMLURL: "https://eurowire.example.eu/rss.xml?lang=en&region=all", Topic: "world.europe"},
				{Text: "Space Notes", Title: "Space Notes", Type: "rss",
					XMLURL: "https://space.example.org/atom.xml", Topic: "science-nature"},
				{Text: "Nameless folder feed", Title: "Nameless folder feed", Type: "rss",
					XMLURL: "http://nameless.example.com/feed"},
			},
			Duplicates: 1,
		}},
		{"missing_xmlurl.opml", &opml.Document{
			Title: "Broken export",
			Outlines: []opml.Outline{
				{Text: "Good one", Title: "Good one", Type: "rss", XMLURL: "https://good.example.com/feed/", Topic: "blogs"},
				{Text: "Old scheme", Title: "Old scheme", Type: "rss", XMLURL: "http://old.example.com/rss.xml", Topic: "blogs"},
				{Text: "Top level", Title: "Top level", Type: "rss", XMLURL: "https://rel.example.com/atom.xml"},
			},
			Skipped: 5,
		}},
		{"bom_declared_latin1.opml", cafe},
		{"latin1.opml", cafe},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			got, err := opml.Read(bytes.NewReader(readFile(t, tc.file)))
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Read(%s) mismatch (-want +got):\n%s", tc.file, diff)
			}
			outlines, err := opml.Parse(bytes.NewReader(readFile(t, tc.file)))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if diff := cmp.Diff(tc.want.Outlines, outlines); diff != "" {
				t.Errorf("Parse(%s) mismatch (-want +got):\n%s", tc.file, diff)
			}
		})
	}
}

func TestReadErrors(t *testing.T) {
	deep := strings.Repeat(`<outline text="x">`, opml.MaxDepth+1) + strings.Repeat(`</outline>`, opml.MaxDepth+1)
	deepOther := strings.Repeat(`<x>`, 10000) + strings.Repeat(`</x>`, 10000)
	// Valid OPML padded with a comment past the size cap.
	huge := `<opml version="2.0"><body><!--` + strings.Repeat("a", opml.MaxSize) + `--></body></opml>`
	tests := []struct {
		name  string
		input string
		want  error
	}{
		{"doctype with entities", string(readFile(t, "doctype_entities.opml")), opml.ErrDoctype},
		{"html page", string(readFile(t, "not_opml.html")), opml.ErrNotOPML},
		{"truncated", string(readFile(t, "truncated.opml")), opml.ErrMalformed},
		{"empty", "", opml.ErrMalformed},
		{"blank", " \n\t ", opml.ErrMalformed},
		{"not xml", "just some text", opml.ErrNotOPML},
		{"no body", `<opml version="2.0"><head/></opml>`, opml.ErrNotOPML},
		{"rss instead", `<rss version="2.0"><channel/></rss>`, opml.ErrNotOPML},
		{"garbage tag", `<opml><body><outline text="a" xmlUrl="https://a.example/"></bogus`, opml.ErrMalformed},
		{"too deep outlines", `<opml><body>` + deep + `</body></opml>`, opml.ErrTooDeep},
		{"too deep elements", `<opml><body>` + deepOther + `</body></opml>`, opml.ErrTooDeep},
		{"too large", huge, opml.ErrTooLarge},
		{"undeclared entity in attribute", `<opml><body><outline text="&bogus;" xmlUrl="https://a.example/"/></body></opml>`, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := opml.Read(strings.NewReader(tc.input))
			if tc.want == nil {
				if err != nil {
					t.Fatalf("Read = %v, want success", err)
				}
				return
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("Read = %v, want %v", err, tc.want)
			}
			if !strings.HasPrefix(err.Error(), "opml: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
		})
	}
}

func TestRoundTrip(t *testing.T) {
	feeds := []opml.Outline{
		{Text: "Alpha", Title: "Alpha title", Type: "rss", XMLURL: "https://a.example.com/feed", HTMLURL: "https://a.example.com/", Topic: "tech"},
		{Text: "Beta <&> \"quoted\"", Title: "Beta", Type: "atom", XMLURL: "https://b.example.com/atom.xml?x=1&y=2"},
		{Text: "Gamma", Title: "Gamma", Type: "rss", XMLURL: "https://c.example.com/rss", Topic: "world.europe"},
		{Text: "Delta", Title: "Delta", Type: "rss", XMLURL: "https://d.example.com/rss", Topic: "tech"},
		{Text: "Épsilon ünïcode", Title: "Épsilon", Type: "rss", XMLURL: "https://e.example.com/feed.json", Topic: "actualités"},
	}
	var buf bytes.Buffer
	if err := opml.Write(&buf, "Round trip", feeds); err != nil {
		t.Fatalf("Write: %v", err)
	}
	doc, err := opml.Read(&buf)
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	// Write puts top-level feeds first, then categories in first-seen
	// order.
	want := []opml.Outline{feeds[1], feeds[0], feeds[3], feeds[2], feeds[4]}
	if diff := cmp.Diff(want, doc.Outlines); diff != "" {
		t.Errorf("round trip mismatch (-want +got):\n%s", diff)
	}
	if doc.Title != "Round trip" {
		t.Errorf("title = %q, want %q", doc.Title, "Round trip")
	}
}

func TestRoundTripFixtures(t *testing.T) {
	for _, file := range []string{"reader_export.opml", "missing_xmlurl.opml", "latin1.opml"} {
		t.Run(file, func(t *testing.T) {
			first, err := opml.Parse(bytes.NewReader(readFile(t, file)))
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := opml.Write(&buf, "x", first); err != nil {
				t.Fatal(err)
			}
			second, err := opml.Parse(&buf)
			if err != nil {
				t.Fatal(err)
			}
			// Write regroups; compare as sets keyed by URL.
			byURL := func(os []opml.Outline) map[string]opml.Outline {
				m := make(map[string]opml.Outline)
				for _, o := range os {
					m[o.XMLURL] = o
				}
				return m
			}
			if diff := cmp.Diff(byURL(first), byURL(second)); diff != "" {
				t.Errorf("Parse(Write(Parse(%s))) differs (-first +second):\n%s", file, diff)
			}
		})
	}
}

func TestWriteGolden(t *testing.T) {
	feeds := []opml.Outline{
		{Text: "Go Blog", Title: "The Go Blog", Type: "atom", XMLURL: "https://go.example.dev/blog/feed.atom", HTMLURL: "https://go.example.dev/blog", Topic: "tech.go"},
		{Text: "Status", XMLURL: "https://status.example.org/feed.xml"},
		{Title: "Only title", XMLURL: "https://t.example.com/rss", Topic: "news"},
		{XMLURL: "https://bare.example.com/rss?a=1&b=2", Topic: "tech.go"},
		{Text: "Line\nbreak & <tags>", XMLURL: "https://lb.example.com/feed", Topic: "news"},
	}
	var buf bytes.Buffer
	if err := opml.Write(&buf, "feedsift subscriptions", feeds); err != nil {
		t.Fatalf("Write: %v", err)
	}
	golden := filepath.Join("testdata", "golden", "write.opml")
	if *update {
		if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), buf.String()); diff != "" {
		t.Errorf("Write output differs from %s (-want +got):\n%s", golden, diff)
	}
}

func TestWriteErrors(t *testing.T) {
	tests := []struct {
		name  string
		feeds []opml.Outline
	}{
		{"no xmlUrl", []opml.Outline{{Text: "x"}}},
		{"blank xmlUrl", []opml.Outline{{Text: "x", XMLURL: "  "}}},
		{"invalid topic", []opml.Outline{{Text: "x", XMLURL: "https://x.example/", Topic: "a b"}}},
		{"wildcard topic", []opml.Outline{{Text: "x", XMLURL: "https://x.example/", Topic: "a.>"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := opml.Write(&buf, "t", tc.feeds)
			if !errors.Is(err, opml.ErrInvalidOutline) {
				t.Fatalf("Write = %v, want ErrInvalidOutline", err)
			}
			if buf.Len() != 0 {
				t.Errorf("Write wrote %d bytes before failing", buf.Len())
			}
		})
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteWriterError(t *testing.T) {
	err := opml.Write(failWriter{}, "t", []opml.Outline{{XMLURL: "https://x.example/"}})
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("Write = %v, want the writer's error", err)
	}
}

func TestTopicFromName(t *testing.T) {
	tests := []struct{ name, want string }{
		{"Tech", "tech"},
		{"  World.Europe ", "world.europe"},
		{"Tech News", "tech-news"},
		{"Science & Nature", "science-nature"},
		{"Mr. Robot", "mr.robot"},
		{"Actualités", "actualités"},
		{"a*b", "a-b"},
		{"news > world", "news-world"},
		{"..", ""},
		{"***", ""},
		{"", ""},
		{"\u00a0", ""},
		{"tab\tseparated", "tab-separated"},
		{strings.Repeat("ab-", 100), strings.TrimSuffix(strings.Repeat("ab-", 43), "-")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := opml.TopicFromName(tc.name)
			if got != tc.want {
				t.Errorf("TopicFromName(%q) = %q, want %q", tc.name, got, tc.want)
			}
			if got != "" {
				if err := story.ValidateTopic(got); err != nil {
					t.Errorf("TopicFromName(%q) = %q, invalid: %v", tc.name, got, err)
				}
				if len(got) > 128 {
					t.Errorf("TopicFromName(%q) is %d bytes, want <= 128", tc.name, len(got))
				}
			}
		})
	}
}

func TestFeedType(t *testing.T) {
	for format, want := range map[string]string{
		"rss": "rss", "atom": "atom", "json": "json", "Atom": "atom", " json ": "json",
		"": "rss", "rdf": "rss", "unknown": "rss",
	} {
		if got := opml.FeedType(format); got != want {
			t.Errorf("FeedType(%q) = %q, want %q", format, got, want)
		}
	}
	// The type written is the type read back.
	feeds := []opml.Outline{
		{Text: "a", Title: "a", XMLURL: "https://a.example/rss", Type: opml.FeedType("rss")},
		{Text: "b", Title: "b", XMLURL: "https://b.example/atom", Type: opml.FeedType("atom")},
		{Text: "c", Title: "c", XMLURL: "https://c.example/feed.json", Type: opml.FeedType("json")},
	}
	var buf bytes.Buffer
	if err := opml.Write(&buf, "types", feeds); err != nil {
		t.Fatal(err)
	}
	got, err := opml.Parse(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(feeds, got); diff != "" {
		t.Errorf("Parse(Write(feeds)) (-want +got):\n%s", diff)
	}
}
