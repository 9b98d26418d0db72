package parser_test

import (
	"github.com/feedsift/feedsift/internal/testshared"

	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/mmcdole/gofeed"

	"github.com/feedsift/feedsift/internal/story"
	"github.com/feedsift/feedsift/parser"
)

var update = flag.Bool("update", false, "rewrite the .golden.json files under testdata")

// fetchURL is the URL every fixture is pretended to be fetched from.
const fetchURL = "https://fetch.example.org/feeds/feed.xml"

// contentTypes gives the HTTP Content-Type of fixtures that need one.
var contentTypes = map[string]string{
	"encoding/windows1251_header.xml": "application/rss+xml; charset=windows-1251",
}

// fixtures lists the project's feed inputs under testdata, relative to it.
func fixtures(t testing.TB) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir("testdata", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == "fuzz" {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(path, ".golden.json") {
			return nil
		}
		if ext := filepath.Ext(path); ext == ".xml" || ext == ".json" {
			rel, _ := filepath.Rel("testdata", path)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatalf("walk testdata: %v", err)
	}
	if len(out) == 0 {
		t.Fatal("no fixtures under testdata")
	}
	return out
}

// result is what a golden file holds: the feed, or the error text.
type result struct {
	Error string       `json:"error,omitempty"`
	Feed  *parser.Feed `json:"feed,omitempty"`
}

func TestGolden(t *testing.T) {
	for _, name := range fixtures(t) {
		t.Run(name, func(t *testing.T) {
			body, err := os.ReadFile(filepath.Join("testdata", name))
			if err != nil {
				t.Fatal(err)
			}
			var got result
			feed, err := parser.Parse(body, contentTypes[name], fetchURL)
			if err != nil {
				got.Error = err.Error()
			} else {
				got.Feed = feed
				checkInvariants(t, feed)
			}
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			enc.SetIndent("", "  ")
			if err := enc.Encode(got); err != nil {
				t.Fatal(err)
			}
			gotJSON := buf.Bytes()

			goldenPath := filepath.Join("testdata", strings.TrimSuffix(name, filepath.Ext(name))+".golden.json")
			if *update {
				if err := os.WriteFile(goldenPath, gotJSON, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(goldenPath)
			if err != nil {
				t.Fatalf("read golden file (run with -update to create it): %v", err)
			}
			if diff := cmp.Diff(string(want), string(gotJSON)); diff != "" {
				t.Errorf("%s differs from the golden file (-want +got):\n%s", name, diff)
			}
		})
	}
}

// checkInvariants asserts what Parse promises for every item.
func checkInvariants(t testing.TB, feed *parser.Feed) {
	t.Helper()
	checkURL(t, "feed link", feed.Link)
	for _, s := range []string{feed.Title, feed.Language, feed.Format} {
		if !utf8.ValidString(s) {
			t.Errorf("feed string is not valid UTF-8: %q", s)
		}
	}
	for i, it := range feed.Items {
		checkURL(t, "item URL", it.URL)
		if it.GUID == "" && it.URL == "" && it.Title == "" {
			t.Errorf("item %d has no GUID, URL or title", i)
		}
		for _, tm := range []time.Time{it.Published, it.Updated} {
			if tm.Location() != time.UTC {
				t.Errorf("item %d time %v is not in UTC", i, tm)
			}
		}
		strs := append([]string{it.GUID, it.URL, it.Title, it.Summary, it.Content, it.Author}, it.Categories...)
		for _, s := range strs {
			if !utf8.ValidString(s) {
				t.Errorf("item %d string is not valid UTF-8: %q", i, s)
			}
			if s != strings.TrimSpace(s) {
				t.Errorf("item %d string is not trimmed: %q", i, s)
			}
		}
	}
}

func checkURL(t testing.TB, what, raw string) {
	t.Helper()
	if raw == "" {
		return
	}
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		t.Errorf("%s %q is not an absolute http(s) URL", what, raw)
	}
}

// TestParseItems states the key normalisations directly, so that a wrong
// golden file cannot hide them.
func TestParseItems(t *testing.T) {
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	tests := []struct {
		file        string
		contentType string
		format      string
		feedTitle   string
		want        []story.Item // only the fields compared below
	}{
		{
			file: "rss/rss20.xml", format: "rss", feedTitle: "The Daily Sifter & Friends",
			want: []story.Item{
				{GUID: "bridge-2026-11", URL: "https://news.example.com/2026/11/bridge",
					Title: "Council approves new bridge & tunnel", Author: "Ada Reporter",
					Published: time.Date(2026, 11, 24, 8, 30, 0, 0, time.UTC)},
				{GUID: "https://news.example.com/2026/11/guid-only", URL: "https://news.example.com/2026/11/guid-only",
					Title: "Permalink GUID only", Author: "News Desk",
					Published: time.Date(2026, 11, 23, 23, 0, 0, 0, time.UTC)},
				{GUID: "https://news.example.com/not-a-link", Title: "Not a permalink"},
				{URL: "https://news.example.com/2026/11/alternate", Title: "Alternate wins"},
				{Title: "Bad date and a javascript link"},
			},
		},
		{
			file: "rdf/rss10.xml", format: "rss", feedTitle: "Science Preprints",
			want: []story.Item{
				{URL: "https://science.example.org/p/1", Title: "On the <em>shape</em> of clouds",
					Author:    "B. Researcher",
					Published: time.Date(2026, 11, 20, 5, 5, 0, 0, time.UTC),
					Updated:   time.Date(2026, 11, 20, 5, 5, 0, 0, time.UTC)},
				{URL: "https://science.example.org/p/2", Title: "A second paper",
					Published: time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC),
					Updated:   time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)},
			},
		},
		{
			file: "atom/xmlbase.xml", format: "atom", feedTitle: "Carnet de l’atelier",
			want: []story.Item{
				{GUID: "tag:blog.example.fr,2026:1", URL: "https://blog.example.fr/carnet/billets/1",
					Title: "Relative links", Author: "Claire",
					Published: time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC),
					Updated:   time.Date(2026, 11, 22, 6, 15, 0, 0, time.UTC)},
				{GUID: "https://blog.example.fr/autre/2", URL: "https://blog.example.fr/autre/deux",
					Title: "Nested xml:base", Author: "anon@example.fr",
					Published: time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC),
					Updated:   time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)},
				{GUID: "https://blog.example.fr/carnet/billets/3", URL: "https://blog.example.fr/carnet/billets/3",
					Title:     "Id is a URL, no link",
					Published: time.Date(2026, 11, 19, 17, 0, 0, 0, time.UTC),
					Updated:   time.Date(2026, 11, 19, 17, 0, 0, 0, time.UTC)},
				{GUID: "urn:uuid:2f8b1c2e-0000-4000-8000-000000000004", Title: "Only a related link"},
			},
		},
		{
			file: "atom/relative_nobase.xml", format: "atom", feedTitle: "No xml:base",
			want: []story.Item{
				{GUID: "urn:uuid:9a0f0000-0000-4000-8000-000000000001", URL: "https://fetch.example.org/feeds/posts/one",
					Title:     "Resolved against the fetch URL",
					Published: time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC),
					Updated:   time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)},
			},
		},
		{
			file: "json/feed11.json", format: "json", feedTitle: "Micro & Macro",
			want: []story.Item{
				{GUID: "1", URL: "https://micro.example.com/posts/1", Title: "Hello, JSON", Author: "Dana",
					Published: time.Date(2026, 11, 23, 18, 0, 0, 0, time.UTC),
					Updated:   time.Date(2026, 11, 23, 19, 30, 0, 0, time.UTC)},
				{GUID: "https://micro.example.com/posts/2", URL: "https://micro.example.com/posts/2"},
			},
		},
		{
			file: "encoding/utf16le_bom.xml", format: "rss", feedTitle: "Wide Feed ☕",
			want: []story.Item{{URL: "https://wide.example.com/a", Title: "Ünïcödé in UTF-16",
				Published: time.Date(2026, 11, 22, 23, 59, 59, 0, time.UTC)}},
		},
		{
			file: "encoding/utf16be_nobom.xml", format: "rss", feedTitle: "Wide Feed ☕",
			want: []story.Item{{URL: "https://wide.example.com/a", Title: "Ünïcödé in UTF-16",
				Published: time.Date(2026, 11, 22, 23, 59, 59, 0, time.UTC)}},
		},
		{
			file: "encoding/windows1252_undeclared.xml", format: "rss", feedTitle: "Café “Quotes” – Weekly",
			want: []story.Item{{URL: "https://cafe.example.com/creme", Title: "Crème brûlée … at last"}},
		},
		{
			file: "encoding/windows1251_header.xml", contentType: contentTypes["encoding/windows1251_header.xml"],
			format: "rss", feedTitle: "Новости",
			want: []story.Item{{URL: "https://novosti.example.ru/pogoda", Title: "Погода на завтра"}},
		},
	}
	pick := func(it story.Item) story.Item {
		return story.Item{GUID: it.GUID, URL: it.URL, Title: it.Title, Author: it.Author,
			Published: it.Published, Updated: it.Updated}
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			feed, err := parser.Parse(read(tc.file), tc.contentType, fetchURL)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if feed.Format != tc.format || feed.Title != tc.feedTitle {
				t.Errorf("format, title = %q, %q; want %q, %q", feed.Format, feed.Title, tc.format, tc.feedTitle)
			}
			var got []story.Item
			for _, it := range feed.Items {
				got = append(got, pick(it))
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("items (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	truncated, err := os.ReadFile("testdata/broken/truncated.xml")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		body []byte
		want error
	}{
		{"nil body", nil, parser.ErrEmpty},
		{"white space only", []byte(" \n\t "), parser.ErrEmpty},
		{"html page", []byte("<!DOCTYPE html><html><body>hi</body></html>"), parser.ErrUnknownFormat},
		{"plain text", []byte("just some text"), parser.ErrUnknownFormat},
		{"truncated xml", truncated, parser.ErrMalformed},
		{"broken json", []byte(`{"version": "https://jsonfeed.org/version/1.1", "items": [`), parser.ErrMalformed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			feed, err := parser.Parse(tc.body, "", fetchURL)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Parse error = %v, want %v", err, tc.want)
			}
			if feed != nil {
				t.Errorf("Parse returned a feed with an error")
			}
			if !strings.HasPrefix(err.Error(), "parser: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
		})
	}

	_, err = parser.Parse([]byte(`<?xml version="1.0"?><catalog/>`), "", "")
	if !errors.Is(err, gofeed.ErrFeedTypeNotDetected) {
		t.Errorf("unknown format error %v does not match gofeed.ErrFeedTypeNotDetected", err)
	}
	_, err = parser.Parse(truncated, "", "")
	var syntaxErr *xml.SyntaxError
	if !errors.As(err, &syntaxErr) {
		t.Errorf("truncated XML error %v does not wrap *xml.SyntaxError", err)
	}
}

func TestParseConcurrent(t *testing.T) {
	names := fixtures(t)
	bodies := make([][]byte, len(names))
	want := make([]*parser.Feed, len(names))
	for i, name := range names {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		bodies[i] = b
		want[i], _ = parser.Parse(b, contentTypes[name], fetchURL)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 8*len(names))
	for range 8 {
		wg.Go(func() {
			for i, b := range bodies {
				got, _ := parser.Parse(b, contentTypes[names[i]], fetchURL)
				if diff := cmp.Diff(want[i], got); diff != "" {
					errs <- names[i] + ": " + diff
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Errorf("concurrent Parse differs: %s", e)
	}
}

func FuzzParse(f *testing.F) {
	for _, name := range fixtures(f) {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, contentTypes[name], fetchURL)
	}
	f.Add([]byte(`<rss><channel><item><link>//x</link></item></channel></rss>`), "", "")
	f.Fuzz(func(t *testing.T, body []byte, contentType, baseURL string) {
		feed, err := parser.Parse(body, contentType, baseURL)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "parser: ") {
				t.Fatalf("error without package prefix: %v", err)
			}
			return
		}
		checkInvariants(t, feed)
	})
}

// benchInputs returns the project's fixtures and the largest feedjira and
// miniflux corpus files, when the corpus is there.
func benchInputs(b *testing.B) map[string][]byte {
	inputs := map[string][]byte{}
	for _, name := range fixtures(b) {
		body, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			b.Fatal(err)
		}
		inputs[name] = body
	}
	root := filepath.Join(testshared.Dir(b), "corpus", "feeds")
	for _, dir := range []string{"feedjira", "miniflux"} {
		var bestPath string
		var bestSize int64
		_ = filepath.WalkDir(filepath.Join(root, dir), func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".xml") {
				return nil
			}
			if info, err := d.Info(); err == nil && info.Size() > bestSize {
				bestPath, bestSize = path, info.Size()
			}
			return nil
		})
		if bestPath == "" {
			continue
		}
		if body, err := os.ReadFile(bestPath); err == nil {
			inputs["corpus/"+dir+"/"+filepath.Base(bestPath)] = body
		}
	}
	return inputs
}

func BenchmarkParse(b *testing.B) {
	inputs := benchInputs(b)
	for name, body := range inputs {
		ct := contentTypes[name]
		b.Run("feedsift/"+name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				_, _ = parser.Parse(body, ct, fetchURL)
			}
		})
		b.Run("gofeed/"+name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				_, _ = gofeed.NewParser().Parse(bytes.NewReader(body))
			}
		})
	}
}

func TestItemSource(t *testing.T) {
	tests := []struct {
		name, doc, want string
	}{
		{"rss source", `<rss version="2.0"><channel><title>t</title><link>https://partner.example/</link>
<item><title>a</title><link>https://partner.example/a</link><source url="https://ledger.example/rss.xml">The Ledger</source></item></channel></rss>`,
			"https://ledger.example/rss.xml"},
		{"rss relative source", `<rss version="2.0"><channel><title>t</title><link>https://partner.example/</link>
<item><title>a</title><link>https://partner.example/a</link><source url="/from/ledger.xml">The Ledger</source></item></channel></rss>`,
			"https://partner.example/from/ledger.xml"},
		{"rss without source", `<rss version="2.0"><channel><title>t</title><item><title>a</title><link>https://partner.example/a</link></item></channel></rss>`, ""},
		{"atom source", `<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><title>a</title><id>urn:a</id>
<link href="https://partner.example/a"/><source><id>urn:l</id><title>The Ledger</title>
<link rel="self" href="https://ledger.example/atom.xml"/><link rel="alternate" href="https://ledger.example/"/></source></entry></feed>`,
			"https://ledger.example/"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := parser.Parse([]byte(tc.doc), "", "https://partner.example/feed.xml")
			if err != nil {
				t.Fatal(err)
			}
			if len(f.Items) != 1 || f.Items[0].Source != tc.want {
				t.Fatalf("items %+v; want one with source %q", f.Items, tc.want)
			}
		})
	}
}
