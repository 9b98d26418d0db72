package websub_test

import (
	"bytes"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/feedsift/feedsift/internal/testshared"
	"github.com/feedsift/feedsift/internal/websub"
)

const (
	atomFeed = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Example</title>
  <link href="https://example.org/" />
  <link rel="self" href="https://example.org/feed.atom" />
  <link rel="hub" href="https://hub.example.com/" />
  <entry>
    <link rel="hub" href="https://entry-hub.example.com/" />
    <title>One</title>
  </entry>
</feed>`
	rssFeed = `<?xml version="1.0" encoding="ISO-8859-1"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
  <title>Caf` + "\xe9" + `</title>
  <link>https://example.org/</link>
  <item><title>i</title><atom:link rel="self" href="https://example.org/item" /><link>https://example.org/1</link></item>
  <atom:link rel="self" type="application/rss+xml" href="https://example.org/rss.xml"/>
  <atom:link rel="hub" href="https://pubsubhubbub.example.net/"/>
</channel>
</rss>`
	entriesOnly = `<feed xmlns="http://www.w3.org/2005/Atom"><entry><link rel="hub" href="https://h.example/"/></entry></feed>`
)

func TestHub(t *testing.T) {
	link := func(vs ...string) http.Header { return http.Header{"Link": vs} }
	tests := []struct {
		name      string
		doc       string
		header    http.Header
		hub, self string
		ok        bool
	}{
		{name: "link headers", header: link(`<https://hub.example.com/>; rel="hub"`, `<https://example.org/feed>; rel="self"`),
			hub: "https://hub.example.com/", self: "https://example.org/feed", ok: true},
		{name: "one header, comma list, token rel", header: link(`<https://example.org/feed>; rel=self, <https://hub.example.com/>; rel=hub`),
			hub: "https://hub.example.com/", self: "https://example.org/feed", ok: true},
		{name: "several rels and params", header: link(`<https://example.org/x>; title="a, b; c"; rel="alternate hub"; type=text/html`),
			hub: "https://example.org/x", ok: true},
		{name: "first hub wins", header: link(`<https://one.example/>; rel="hub", <https://two.example/>; rel="hub"`),
			hub: "https://one.example/", ok: true},
		{name: "headers before document", doc: atomFeed, header: link(`<https://header-hub.example/>; rel="hub"`),
			hub: "https://header-hub.example/", self: "https://example.org/feed.atom", ok: true},
		{name: "atom", doc: atomFeed, hub: "https://hub.example.com/", self: "https://example.org/feed.atom", ok: true},
		{name: "rss with atom:link, latin-1", doc: rssFeed, hub: "https://pubsubhubbub.example.net/", self: "https://example.org/rss.xml", ok: true},
		{name: "html head", doc: `<html><head><link rel="hub" href="https://h.example/"><link rel=self href="https://e.org/"></head><body><p>x</html>`,
			hub: "https://h.example/", self: "https://e.org/", ok: true},
		{name: "links in entries ignored", doc: entriesOnly},
		{name: "relative urls ignored", doc: `<feed xmlns="http://www.w3.org/2005/Atom"><link rel="hub" href="/hub"/><link rel="self" href="feed"/></feed>`,
			header: link(`</hub>; rel="hub"`)},
		{name: "self only", header: link(`<https://example.org/feed>; rel="self"`), self: "https://example.org/feed"},
		{name: "no hub", doc: `<rss><channel><link>https://example.org/</link></channel></rss>`},
		{name: "garbage", doc: "\x00<<>>&&;", header: link(`garbage, <unterminated; rel=hub`, `;;;, <>; rel`)},
		{name: "empty"},
		{name: "truncated after hub", doc: `<feed><link rel="hub" href="https://h.example/"/><entry>`, hub: "https://h.example/", ok: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hub, self, ok := websub.Hub([]byte(tc.doc), tc.header)
			if hub != tc.hub || self != tc.self || ok != tc.ok {
				t.Errorf("Hub() = %q, %q, %v; want %q, %q, %v", hub, self, ok, tc.hub, tc.self, tc.ok)
			}
		})
	}
}

// TestHub_Corpus runs Hub over the real feeds of the shared corpus that
// mention rel="hub": each must yield an absolute hub URL that the file
// names as an href.
func TestHub_Corpus(t *testing.T) {
	dir := filepath.Join(testshared.Dir(t), "corpus", "feeds")
	var files []string
	for _, sub := range []string{"feedjira", "feed-rs"} {
		m, err := filepath.Glob(filepath.Join(dir, sub, "*", "*.xml"))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
		m, err = filepath.Glob(filepath.Join(dir, sub, "*.xml"))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Skipf("no corpus feeds under %s (set %s)", dir, testshared.EnvVar)
	}
	checked := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(data, []byte(`rel="hub"`)) {
			continue
		}
		checked++
		t.Run(filepath.Base(f), func(t *testing.T) {
			hub, self, ok := websub.Hub(data, nil)
			if !ok {
				t.Fatalf("no hub found")
			}
			if u, err := url.Parse(hub); err != nil || !u.IsAbs() {
				t.Errorf("hub %q is not absolute", hub)
			}
			if !bytes.Contains(data, []byte(`href="`+hub+`"`)) {
				t.Errorf("hub %q is not an href of the file", hub)
			}
			if self != "" && !strings.Contains(string(data), self) {
				t.Errorf("self %q is not in the file", self)
			}
		})
	}
	if checked == 0 {
		t.Skip("no corpus feed advertises a hub")
	}
	t.Logf("%d corpus feeds with a hub", checked)
}

func FuzzHub(f *testing.F) {
	f.Add([]byte(atomFeed), `<https://hub.example/>; rel="hub"`)
	f.Add([]byte(rssFeed), "")
	f.Add([]byte(entriesOnly), `<a>;rel="self hub";x="\"",<b>`)
	f.Add([]byte("<html><link rel=hub href=https://h/>"), `<`)
	f.Fuzz(func(t *testing.T, doc []byte, link string) {
		hub, self, ok := websub.Hub(doc, http.Header{"Link": {link}})
		if ok != (hub != "") {
			t.Fatalf("ok = %v with hub %q", ok, hub)
		}
		for _, s := range []string{hub, self} {
			if s == "" {
				continue
			}
			u, err := url.Parse(s)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				t.Fatalf("Hub returned %q, not an absolute http(s) URL", s)
			}
		}
	})
}
