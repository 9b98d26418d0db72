package hostile_test

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"html"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
)

// server is one loopback test server and what it has seen.
type server struct {
	*httptest.Server
	hits    atomic.Int64
	once    sync.Once
	started chan struct{} // closed at the first request
}

// serve starts h on ip (a loopback address such as "127.0.0.12" or "::1")
// with a random port. Every server gets its own address so that the
// fetcher's per-host limits treat it as a host of its own, as distinct
// sites would be in production. It returns nil if ip cannot be listened on.
func serve(t *testing.T, ip string, h http.Handler) *server {
	t.Helper()
	l, err := net.Listen("tcp", net.JoinHostPort(ip, "0"))
	if err != nil {
		return nil
	}
	s := &server{started: make(chan struct{})}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		s.once.Do(func() { close(s.started) })
		h.ServeHTTP(w, r)
	}))
	s.Listener.Close()
	s.Listener = l
	s.Config.ErrorLog = nil
	s.Start()
	t.Cleanup(s.Close)
	return s
}

// mustServe is serve that fails the test when ip cannot be listened on.
func mustServe(t *testing.T, ip string, h http.Handler) *server {
	t.Helper()
	s := serve(t, ip, h)
	if s == nil {
		t.Fatalf("cannot listen on %s", ip)
	}
	return s
}

// rssItem is one item of a generated RSS 2.0 feed.
type rssItem struct {
	GUID, Title, Link, Description string
}

// rssFeed renders a small RSS 2.0 document. Strings are escaped.
func rssFeed(title string, items []rssItem) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n")
	b.WriteString(`<rss version="2.0"><channel>`)
	fmt.Fprintf(&b, "<title>%s</title><link>https://news.example.org/</link>\n", html.EscapeString(title))
	for _, it := range items {
		fmt.Fprintf(&b, "<item><guid isPermaLink=\"false\">%s</guid><title>%s</title><link>%s</link><description>%s</description></item>\n",
			html.EscapeString(it.GUID), html.EscapeString(it.Title), html.EscapeString(it.Link), html.EscapeString(it.Description))
	}
	b.WriteString("</channel></rss>\n")
	return b.Bytes()
}

// static serves body with contentType.
func static(contentType string, body []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.Write(body)
	}
}

// trickle sends the headers at once, then body one byte every interval
// (a slowloris body): a client without a body deadline waits for ever.
func trickle(contentType string, body []byte, interval time.Duration) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		w.WriteHeader(http.StatusOK)
		rc := http.NewResponseController(w)
		t := time.NewTicker(interval)
		defer t.Stop()
		for i := range body {
			if _, err := w.Write(body[i : i+1]); err != nil {
				return
			}
			if rc.Flush() != nil {
				return
			}
			select {
			case <-t.C:
			case <-r.Context().Done():
				return
			}
		}
	}
}

// silent accepts the request and never answers (slow headers).
func silent(w http.ResponseWriter, r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-time.After(time.Minute):
	}
}

// endless streams a well-formed beginning of a feed followed by items for
// ever, as fast as the client reads, without a Content-Length.
func endless(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/rss+xml")
	if _, err := w.Write([]byte(`<?xml version="1.0"?><rss version="2.0"><channel><title>endless</title>`)); err != nil {
		return
	}
	chunk := bytes.Repeat([]byte("<item><guid>x</guid><title>again and again</title></item>\n"), 512)
	for sent := 0; sent < 1<<30; sent += len(chunk) { // 1 GiB, far beyond any cap
		if _, err := w.Write(chunk); err != nil {
			return
		}
	}
}

// gzipBomb returns a gzip body of about 1 MiB that decodes to 1 GiB of
// zeros: 256 concatenated gzip members (which decoders must read as one
// stream) of 4 MiB each.
func gzipBomb(t *testing.T) []byte {
	t.Helper()
	var member bytes.Buffer
	zw, err := gzip.NewWriterLevel(&member, gzip.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := zw.Write(make([]byte, 4<<20)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return bytes.Repeat(member.Bytes(), 256)
}

// encoded serves body as is with a Content-Encoding.
func encoded(encoding, contentType string, body []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("Content-Encoding", encoding)
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		w.Write(body)
	}
}

// brotliStream compresses zeros with brotli on the fly until the client
// hangs up or 1 GiB has been encoded: a few KB on the wire per 15 MiB
// decoded.
func brotliStream(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/rss+xml")
	w.Header().Set("Content-Encoding", "br")
	bw := brotli.NewWriterLevel(w, 1)
	zeros := make([]byte, 1<<20)
	for range 1 << 10 {
		if _, err := bw.Write(zeros); err != nil {
			return
		}
		if r.Context().Err() != nil {
			return
		}
	}
	bw.Close()
}

// redirect answers every request with a 302 to target.
func redirect(target string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target, http.StatusFound)
	}
}

// pingPong redirects /a to /b and /b to /a.
func pingPong(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/a" {
		http.Redirect(w, r, "/b", http.StatusFound)
		return
	}
	http.Redirect(w, r, "/a", http.StatusFound)
}

// churn serves a feed of n items whose GUIDs (and links) are new at every
// request: poll p lists urn:churn:p:0 ... urn:churn:p:n-1.
func churn(n int) http.HandlerFunc {
	var polls atomic.Int64
	return func(w http.ResponseWriter, r *http.Request) {
		p := polls.Add(1)
		items := make([]rssItem, n)
		for i := range items {
			items[i] = rssItem{
				GUID:  fmt.Sprintf("urn:churn:%d:%d", p, i),
				Title: fmt.Sprintf("Same story, new id %d", i),
				Link:  fmt.Sprintf("https://churn.example.org/story/%d?poll=%d", i, p),
			}
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write(rssFeed("churn", items))
	}
}

// billionLaughs is an RSS feed whose DTD defines entities that would
// expand to 10^9 "lol"s, and an external entity pointing at a local file.
const billionLaughs = `<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
 <!ENTITY xxe SYSTEM "file:///etc/passwd">
]>
<rss version="2.0"><channel><title>&lol9;</title><link>https://laughs.example.org/</link>
<item><guid>laugh-1</guid><title>&lol9;</title><description>&lol9; &xxe;</description></item>
</channel></rss>
`

// nested returns open, repeated n times, then close repeated n times.
func nested(open, close string, n int) string {
	return strings.Repeat(open, n) + strings.Repeat(close, n)
}

// nestedFeed is an RSS feed with one good item and, inside a second item,
// n nested elements made of open and close.
func nestedFeed(open, close string, n int) []byte {
	return []byte(`<?xml version="1.0" encoding="utf-8"?><rss version="2.0" xmlns:x="urn:x"><channel><title>deep</title>` +
		`<item><guid>deep-1</guid><title>Fine item</title></item>` +
		`<item><guid>deep-2</guid><title>Deep item</title>` + nested(open, close, n) + `</item>` +
		`</channel></rss>`)
}

// nestedJSONFeed is a JSON Feed with n nested arrays in an extension field.
func nestedJSONFeed(n int) []byte {
	return []byte(`{"version":"https://jsonfeed.org/version/1.1","title":"deep","items":[{"id":"deep-1","title":"Deep","_x":` +
		nested("[", "]", n) + `}]}`)
}

// invalidUTF8Feed declares UTF-8 and carries stray bytes, a truncated
// sequence and an encoded surrogate in its title and description.
func invalidUTF8Feed() []byte {
	bad := "caf\xe9 \xff\xfe na\xc3 \xed\xa0\x80 ok"
	return []byte(`<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>` + bad + `</title>` +
		`<item><guid>bad-1</guid><title>` + bad + `</title><description>` + bad + `</description></item>` +
		`<item><guid>good-2</guid><title>Plain title</title></item></channel></rss>`)
}

// articlePage wraps body in a page with some real paragraphs.
func articlePage(head, inner string) []byte {
	para := "<p>The council met on Tuesday evening, and after a long debate, members agreed to fund the new bridge over the river, which had been closed since the spring floods damaged its supports.</p>"
	return []byte("<!DOCTYPE html><html><head>" + head + "<title>Bridge</title></head><body><article>" +
		"<h1>Bridge to reopen</h1>" + strings.Repeat(para, 4) + inner + "</article></body></html>")
}
