package hostile_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/feedsift/feedsift/extract"
	"github.com/feedsift/feedsift/fetcher"
	"github.com/feedsift/feedsift/internal/charset"
	"github.com/feedsift/feedsift/internal/story"
	"github.com/feedsift/feedsift/parser"
)

const (
	// caseTimeout bounds every case; exceeding it fails the case.
	caseTimeout = 20 * time.Second
	// normalTimeout bounds the poll of the normal feed that runs while a
	// hostile request is in flight. It is shorter than the slow cases
	// take (two attempts of fetchTimeout), so a normal feed queued behind
	// a hostile one fails.
	normalTimeout = 3 * time.Second
	// fetchTimeout is the fetcher's per-attempt timeout in the farm.
	fetchTimeout = 2 * time.Second
	// capTimeout is the per-attempt timeout of the cases that only a size
	// cap may end: reading 15 MiB under the race detector on a busy
	// machine can take longer than fetchTimeout, and the case must then
	// still end at the cap, not at the clock.
	capTimeout = 2 * time.Minute
	// heapCap bounds the growth of live heap during one case.
	heapCap = 200 << 20
	// normalIP is the address of the well-behaved feed.
	normalIP = "127.0.0.2"
)

const (
	rssType  = "application/rss+xml; charset=utf-8"
	htmlType = "text/html; charset=utf-8"
)

// newClient returns the fetcher the farm shares, configured like
// production except for a shorter per-attempt timeout and retry delays, no
// per-host spacing (each server is its own host anyway) and an allow-list
// that admits 127.0.0.0/8 only: ::1, 10/8, 169.254/16 and 0.0.0.0 stay
// refused.
func newClient(t *testing.T, timeout time.Duration) *fetcher.Client {
	t.Helper()
	c, err := fetcher.New(fetcher.Options{
		Timeout:         timeout,
		Retries:         1,
		RetryBaseDelay:  10 * time.Millisecond,
		RetryMaxDelay:   100 * time.Millisecond,
		PerHostInterval: -1,
		AllowNetworks:   []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")},
	})
	if err != nil {
		t.Fatalf("fetcher.New: %v", err)
	}
	t.Cleanup(c.CloseIdleConnections)
	return c
}

// pollFeed fetches and parses feed f the way the pipeline's poll does,
// and names the feed (and, for parse errors, the URL) in its error.
func pollFeed(ctx context.Context, c *fetcher.Client, f story.Feed) (*parser.Feed, error) {
	resp, err := c.Fetch(ctx, fetcher.Request{URL: f.URL, Accept: "application/rss+xml, application/atom+xml, */*;q=0.5"})
	if err != nil {
		return nil, fmt.Errorf("hostile: feed %s: fetch: %w", f.ID, err)
	}
	doc, err := parser.Parse(resp.Body, resp.ContentType, resp.URL)
	if err != nil {
		return nil, fmt.Errorf("hostile: feed %s: parse %s: %w", f.ID, resp.URL, err)
	}
	return doc, nil
}

// fetchArticle fetches an article page of feed f, converts it to UTF-8 and
// extracts its text, as the pipeline does for an item's link.
func fetchArticle(ctx context.Context, c *fetcher.Client, f story.Feed, pageURL string) (*extract.Article, error) {
	resp, err := c.Fetch(ctx, fetcher.Request{URL: pageURL, Accept: "text/html"})
	if err != nil {
		return nil, fmt.Errorf("hostile: feed %s: article: %w", f.ID, err)
	}
	body, _, err := charset.ToUTF8(resp.Body, resp.ContentType)
	if err != nil {
		return nil, fmt.Errorf("hostile: feed %s: article %s: %w", f.ID, resp.URL, err)
	}
	art, err := extract.Extract(body, extract.Options{URL: resp.URL})
	if err != nil {
		return nil, fmt.Errorf("hostile: feed %s: article %s: %w", f.ID, resp.URL, err)
	}
	return art, nil
}

// heapWatch samples the live heap every millisecond and keeps the peak.
type heapWatch struct {
	base   uint64
	stop   chan struct{}
	done   chan struct{}
	peak   uint64
	sample []metrics.Sample
}

const heapMetric = "/memory/classes/heap/objects:bytes"

func watchHeap() *heapWatch {
	runtime.GC()
	w := &heapWatch{stop: make(chan struct{}), done: make(chan struct{}),
		sample: []metrics.Sample{{Name: heapMetric}}}
	w.base = w.read()
	go func() {
		defer close(w.done)
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			w.peak = max(w.peak, w.read())
			select {
			case <-w.stop:
				return
			case <-tick.C:
			}
		}
	}()
	return w
}

func (w *heapWatch) read() uint64 {
	metrics.Read(w.sample)
	return w.sample[0].Value.Uint64()
}

// growth stops the watch and returns the peak growth over the baseline.
func (w *heapWatch) growth() uint64 {
	close(w.stop)
	<-w.done
	if w.peak < w.base {
		return 0
	}
	return w.peak - w.base
}

// outcome is what one case produced.
type outcome struct {
	feed    *parser.Feed
	article *extract.Article
	polls   [][]story.Item // for multi-poll cases
	err     error
}

// hostileCase is one row of TestHostile.
type hostileCase struct {
	name string
	// setup starts the hostile server(s) on ip and returns the URL to
	// fetch and the server whose first request means "in flight".
	setup func(t *testing.T, ip string) (string, *server)
	// run drives the real components; nil means pollFeed once.
	run func(ctx context.Context, c *fetcher.Client, f story.Feed) outcome
	// slow cases run in parallel with each other after the others.
	slow bool
	// capOnly cases must end at a size cap (of the body, the decoded
	// body or a parsed field), never at a clock: their fetch gets
	// capTimeout per attempt instead of fetchTimeout, and the case
	// 2*capTimeout+caseTimeout in all.
	capOnly bool
	// wantErr, when set, must match the error with errors.Is, and the
	// error text must name the feed, the URL and every string in wantText.
	wantErr  []error
	wantText []string
	// check judges a result (wantErr empty) or anything more.
	check func(t *testing.T, o outcome)
}

// hostileCases lists the cases. Helpers that need the case's servers
// close over them in setup.
func hostileCases() []hostileCase {
	feedPath := func(s *server) string { return s.URL + "/feed.xml" }
	return []hostileCase{
		{
			name: "slowloris body one byte per second",
			slow: true,
			setup: func(t *testing.T, ip string) (string, *server) {
				s := mustServe(t, ip, trickle(rssType, rssFeed("slow", []rssItem{{GUID: "s1", Title: "Slow"}}), time.Second))
				return feedPath(s), s
			},
			wantErr:  []error{fetcher.ErrTimeout},
			wantText: []string{"timed out after 2s", "after 2 attempts"},
		},
		{
			name: "slow headers never sent",
			slow: true,
			setup: func(t *testing.T, ip string) (string, *server) {
				s := mustServe(t, ip, http.HandlerFunc(silent))
				return feedPath(s), s
			},
			wantErr:  []error{fetcher.ErrTimeout},
			wantText: []string{"timed out after 2s", "after 2 attempts"},
		},
		{
			name:    "endless body",
			capOnly: true,
			setup: func(t *testing.T, ip string) (string, *server) {
				s := mustServe(t, ip, http.HandlerFunc(endless))
				return feedPath(s), s
			},
			wantErr:  []error{fetcher.ErrTooLarge},
			wantText: []string{"body exceeds 15728640 bytes"},
		},
		{
			name:    "gzip bomb 1 MiB to 1 GiB",
			capOnly: true,
			setup: func(t *testing.T, ip string) (string, *server) {
				s := mustServe(t, ip, encoded("gzip", rssType, gzipBomb(t)))
				return feedPath(s), s
			},
			wantErr:  []error{fetcher.ErrTooLarge},
			wantText: []string{"decoded body exceeds"},
		},
		{
			name:    "brotli bomb streamed",
			capOnly: true,
			setup: func(t *testing.T, ip string) (string, *server) {
				s := mustServe(t, ip, http.HandlerFunc(brotliStream))
				return feedPath(s), s
			},
			wantErr:  []error{fetcher.ErrTooLarge},
			wantText: []string{"decoded body exceeds"},
		},
		{
			name: "redirect loop",
			setup: func(t *testing.T, ip string) (string, *server) {
				s := mustServe(t, ip, http.HandlerFunc(pingPong))
				return s.URL + "/a", s
			},
			wantErr:  []error{fetcher.ErrTooManyRedirects},
			wantText: []string{"stopped after 5 redirects"},
		},
		privateRedirect("redirect to 10.0.0.1", "http://10.0.0.1/feed.xml", "10.0.0.1"),
		privateRedirect("redirect to cloud metadata 169.254.169.254", "http://169.254.169.254/latest/meta-data/", "link-local address 169.254.169.254"),
		privateRedirect("redirect to IPv4-mapped metadata", "http://[::ffff:169.254.169.254]/latest/meta-data/", "169.254.169.254"),
		decoyRedirect("redirect to [::1] (loopback v6, not allowed)", "::1", "loopback address ::1"),
		decoyRedirect("redirect to 0.0.0.0 (reaches loopback on Linux)", "0.0.0.0", "0.0.0.0"),
		{
			name:    "10 MB title",
			capOnly: true,
			setup: func(t *testing.T, ip string) (string, *server) {
				big := strings.Repeat("A very long headline ", 10<<20/21)
				body := rssFeed("Big", []rssItem{{GUID: "big-1", Title: big, Link: "https://news.example.org/big"}})
				s := mustServe(t, ip, static(rssType, body))
				return feedPath(s), s
			},
			check: func(t *testing.T, o outcome) {
				items := wantItems(t, o, "big-1")
				got := items[0].Title
				if len(got) > parser.MaxTitleLen || !strings.HasPrefix(got, "A very long headline A very") {
					t.Errorf("item title: %d bytes starting %.30q, want at most %d starting with the headline", len(got), got, parser.MaxTitleLen)
				}
			},
		},
		{
			name: "invalid UTF-8 in a feed",
			setup: func(t *testing.T, ip string) (string, *server) {
				s := mustServe(t, ip, static(rssType, invalidUTF8Feed()))
				return feedPath(s), s
			},
			check: func(t *testing.T, o outcome) {
				items := wantItems(t, o, "bad-1", "good-2")
				checkUTF8(t, "feed title", o.feed.Title)
				for _, it := range items {
					checkUTF8(t, it.GUID+" title", it.Title)
					checkUTF8(t, it.GUID+" summary", it.Summary)
				}
				if !strings.HasSuffix(items[0].Title, " ok") {
					t.Errorf("title %q lost the valid text after the bad bytes", items[0].Title)
				}
			},
		},
		{
			name: "invalid UTF-8 in an article page",
			setup: func(t *testing.T, ip string) (string, *server) {
				page := articlePage(`<meta charset="utf-8">`, "<p>Residents said the \xff\xfe closure had cost them \xc3 an hour each way, and that they \xed\xa0\x80 welcomed the council's decision.</p>")
				s := mustServe(t, ip, static(htmlType, page))
				return s.URL + "/story.html", s
			},
			run: runArticle,
			check: func(t *testing.T, o outcome) {
				if o.err != nil {
					t.Fatalf("want an article, got %v", o.err)
				}
				text := o.article.Text()
				checkUTF8(t, "article text", text)
				if !strings.Contains(text, "welcomed the council") {
					t.Errorf("article text lost the paragraph with bad bytes: %.200q", text)
				}
			},
		},
		{
			name: "billion laughs and external entity",
			setup: func(t *testing.T, ip string) (string, *server) {
				s := mustServe(t, ip, static(rssType, []byte(billionLaughs)))
				return feedPath(s), s
			},
			check: func(t *testing.T, o outcome) {
				if o.err != nil {
					// Refusing the document is as good as not expanding it.
					if !errors.Is(o.err, parser.ErrMalformed) {
						t.Fatalf("error %v does not match parser.ErrMalformed", o.err)
					}
					return
				}
				items := wantItems(t, o, "laugh-1")
				for what, got := range map[string]string{"feed title": o.feed.Title, "title": items[0].Title, "summary": items[0].Summary} {
					if len(got) > 64 || strings.Contains(got, "lollol") || strings.Contains(got, "root:") {
						t.Errorf("%s = %.80q (%d bytes): an entity was expanded", what, got, len(got))
					}
				}
			},
		},
		{
			name: "feed with 50,000 nested elements in an item",
			setup: func(t *testing.T, ip string) (string, *server) {
				s := mustServe(t, ip, static(rssType, nestedFeed("<x>", "</x>", 50_000)))
				return feedPath(s), s
			},
			check: saneOrMalformed("deep-1", "deep-2"),
		},
		{
			name: "feed with 50,000 nested namespaced elements (extension tree)",
			setup: func(t *testing.T, ip string) (string, *server) {
				s := mustServe(t, ip, static(rssType, nestedFeed("<x:e>", "</x:e>", 50_000)))
				return feedPath(s), s
			},
			check: saneOrMalformed("deep-1", "deep-2"),
		},
		{
			name: "JSON Feed with 50,000 nested arrays",
			setup: func(t *testing.T, ip string) (string, *server) {
				s := mustServe(t, ip, static("application/feed+json", nestedJSONFeed(50_000)))
				return s.URL + "/feed.json", s
			},
			check: saneOrMalformed("deep-1"),
		},
		{
			name: "article page with 50,000 nested divs",
			setup: func(t *testing.T, ip string) (string, *server) {
				s := mustServe(t, ip, static(htmlType, articlePage("", nested("<div>", "</div>", 50_000))))
				return s.URL + "/story.html", s
			},
			run:      runArticle,
			wantErr:  []error{extract.ErrTooComplex},
			wantText: []string{"page too complex"},
		},
		{
			name: "article page with 20,000 unclosed formatting elements",
			setup: func(t *testing.T, ip string) (string, *server) {
				s := mustServe(t, ip, static(htmlType, articlePage("", strings.Repeat("<b><i>", 10_000)+"<p>tail</p>")))
				return s.URL + "/story.html", s
			},
			run: runArticle,
			check: func(t *testing.T, o outcome) {
				if o.err != nil {
					if !errors.Is(o.err, extract.ErrTooComplex) {
						t.Fatalf("error %v does not match extract.ErrTooComplex", o.err)
					}
					return
				}
				if !strings.Contains(o.article.Text(), "bridge over the river") {
					t.Errorf("article lost its text: %.200q", o.article.Text())
				}
			},
		},
		{
			name: "feed that changes every GUID on every poll",
			setup: func(t *testing.T, ip string) (string, *server) {
				s := mustServe(t, ip, churn(20))
				return feedPath(s), s
			},
			run: func(ctx context.Context, c *fetcher.Client, f story.Feed) outcome {
				var o outcome
				for range churnPolls {
					doc, err := pollFeed(ctx, c, f)
					if err != nil {
						o.err = err
						return o
					}
					o.polls = append(o.polls, doc.Items)
				}
				return o
			},
			check: checkChurn,
		},
	}
}

// churnPolls is how many times the churning feed is polled.
const churnPolls = 50

func runArticle(ctx context.Context, c *fetcher.Client, f story.Feed) outcome {
	art, err := fetchArticle(ctx, c, f, f.URL)
	return outcome{article: art, err: err}
}

// privateRedirect is a case whose feed redirects to a private target that
// is never dialled.
func privateRedirect(name, target, wantAddr string) hostileCase {
	return hostileCase{
		name: name,
		setup: func(t *testing.T, ip string) (string, *server) {
			s := mustServe(t, ip, redirect(target))
			return s.URL + "/feed.xml", s
		},
		wantErr:  []error{fetcher.ErrPrivateAddress},
		wantText: []string{"redirect to " + target, wantAddr, "private address refused"},
	}
}

// decoyRedirect is a case whose feed redirects to a decoy server that
// would serve a fine feed at decoyIP, but that the guard must refuse. For
// 0.0.0.0 the decoy listens on 127.0.0.1, which Linux connects 0.0.0.0 to.
func decoyRedirect(name, decoyIP, wantText string) hostileCase {
	return hostileCase{
		name: name,
		setup: func(t *testing.T, ip string) (string, *server) {
			listen := decoyIP
			if decoyIP == "0.0.0.0" {
				listen = "127.0.0.1"
			}
			decoy := serve(t, listen, static(rssType, rssFeed("decoy", []rssItem{{GUID: "decoy", Title: "Internal"}})))
			port := "9" // nothing listens: the guard refuses before connecting anyway
			if decoy != nil {
				_, port, _ = net.SplitHostPort(decoy.Listener.Addr().String())
				t.Cleanup(func() {
					if n := decoy.hits.Load(); n != 0 {
						t.Errorf("decoy at %s was reached %d times", decoy.URL, n)
					}
				})
			}
			target := "http://" + net.JoinHostPort(decoyIP, port) + "/feed.xml"
			s := mustServe(t, ip, redirect(target))
			return s.URL + "/feed.xml", s
		},
		wantErr:  []error{fetcher.ErrPrivateAddress},
		wantText: []string{wantText, "private address refused"},
	}
}

// wantItems fails unless o is a parsed feed whose items have exactly the
// given GUIDs, and returns the items.
func wantItems(t *testing.T, o outcome, guids ...string) []story.Item {
	t.Helper()
	if o.err != nil {
		t.Fatalf("want a parsed feed, got %v", o.err)
	}
	var got []string
	for _, it := range o.feed.Items {
		got = append(got, it.GUID)
	}
	if strings.Join(got, " ") != strings.Join(guids, " ") {
		t.Fatalf("items have GUIDs %q, want %q", got, guids)
	}
	return o.feed.Items
}

// saneOrMalformed accepts a parsed feed with exactly these GUIDs or an
// error matching parser.ErrMalformed.
func saneOrMalformed(guids ...string) func(t *testing.T, o outcome) {
	return func(t *testing.T, o outcome) {
		if o.err != nil {
			if !errors.Is(o.err, parser.ErrMalformed) {
				t.Fatalf("error %v does not match parser.ErrMalformed", o.err)
			}
			return
		}
		wantItems(t, o, guids...)
	}
}

func checkUTF8(t *testing.T, what, s string) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Errorf("%s is not valid UTF-8: %q", what, s)
	}
}

// checkChurn asserts that every poll parsed, listed 20 items, and that
// every GUID of every poll is new: identity is the GUID, so each poll is
// 20 "new" items for the pipeline.
func checkChurn(t *testing.T, o outcome) {
	t.Helper()
	if o.err != nil {
		t.Fatalf("poll failed: %v", o.err)
	}
	if len(o.polls) != churnPolls {
		t.Fatalf("got %d polls, want %d", len(o.polls), churnPolls)
	}
	seen := make(map[string]int)
	for p, items := range o.polls {
		if len(items) != 20 {
			t.Errorf("poll %d: %d items, want 20", p, len(items))
		}
		for _, it := range items {
			if it.GUID == "" {
				t.Errorf("poll %d: item %q has no GUID", p, it.Title)
				continue
			}
			if prev, ok := seen[it.GUID]; ok {
				t.Errorf("poll %d: GUID %q already seen at poll %d", p, it.GUID, prev)
			}
			seen[it.GUID] = p
		}
	}
}

// TestHostile runs every hostile case against the real fetcher, charset,
// parser and extract packages, each with a deadline, while a normal feed
// on another host is polled through the same client and must still get
// its result. Each case must end with a clear per-feed error or a sane
// result, and the live heap must not grow by more than heapCap.
func TestHostile(t *testing.T) {
	client := newClient(t, fetchTimeout)
	normalItems := []rssItem{
		{GUID: "normal-1", Title: "Rates held", Link: "https://news.example.org/rates"},
		{GUID: "normal-2", Title: "Bridge reopens", Link: "https://news.example.org/bridge"},
	}
	normalSrv := mustServe(t, normalIP, static(rssType, rssFeed("normal", normalItems)))
	normal := story.Feed{ID: "normal", URL: normalSrv.URL + "/feed.xml"}

	for i, tc := range hostileCases() {
		t.Run(tc.name, func(t *testing.T) {
			if tc.slow {
				t.Parallel()
			}
			ip := fmt.Sprintf("127.0.0.%d", 10+i)
			caseClient, timeout := client, caseTimeout
			if tc.capOnly {
				caseClient, timeout = newClient(t, capTimeout), 2*capTimeout+caseTimeout
			}
			ctx, cancel := context.WithTimeout(t.Context(), timeout)
			defer cancel()
			heap := watchHeap()

			url, hostile := tc.setup(t, ip)
			f := story.Feed{ID: fmt.Sprintf("hostile-%02d", i), URL: url}

			// The normal feed is polled once the hostile request is in
			// flight (or over), through the same client.
			var wg sync.WaitGroup
			var normalDoc *parser.Feed
			var normalErr error
			wg.Go(func() {
				select {
				case <-hostile.started:
				case <-ctx.Done():
				}
				nctx, ncancel := context.WithTimeout(ctx, normalTimeout)
				defer ncancel()
				normalDoc, normalErr = pollFeed(nctx, client, normal)
			})

			run := tc.run
			if run == nil {
				run = func(ctx context.Context, c *fetcher.Client, f story.Feed) outcome {
					doc, err := pollFeed(ctx, c, f)
					return outcome{feed: doc, err: err}
				}
			}
			o := run(ctx, caseClient, f)
			wg.Wait()
			growth := heap.growth()

			if err := ctx.Err(); err != nil {
				t.Fatalf("case did not end within %s: %v (outcome error: %v)", timeout, err, o.err)
			}
			if normalErr != nil {
				t.Errorf("normal feed polled alongside failed: %v", normalErr)
			} else if got := len(normalDoc.Items); got != len(normalItems) {
				t.Errorf("normal feed: %d items, want %d", got, len(normalItems))
			}
			if growth > heapCap {
				t.Errorf("live heap grew by %d MiB, cap %d MiB", growth>>20, heapCap>>20)
			}
			t.Logf("outcome: %s; peak heap growth %.1f MiB", describe(o), float64(growth)/(1<<20))

			if len(tc.wantErr) > 0 {
				if o.err == nil {
					t.Fatalf("want an error matching %v, got a result: %s", tc.wantErr, describe(o))
				}
				for _, want := range tc.wantErr {
					if !errors.Is(o.err, want) {
						t.Errorf("error %q does not match %v", o.err, want)
					}
				}
				for _, s := range append([]string{f.ID, url}, tc.wantText...) {
					if !strings.Contains(o.err.Error(), s) {
						t.Errorf("error %q does not mention %q", o.err, s)
					}
				}
			}
			if tc.check != nil {
				tc.check(t, o)
			}
		})
	}
}

// describe summarises an outcome for the log.
func describe(o outcome) string {
	switch {
	case o.err != nil:
		msg := o.err.Error()
		if len(msg) > 300 {
			msg = msg[:300] + "..."
		}
		return "error: " + msg
	case o.feed != nil:
		title := ""
		if len(o.feed.Items) > 0 {
			title = o.feed.Items[0].Title
		}
		return fmt.Sprintf("feed %q, %d items, first title %d bytes %.40q", trunc(o.feed.Title), len(o.feed.Items), len(title), title)
	case o.article != nil:
		return fmt.Sprintf("article, %d paragraphs, %d bytes of text", len(o.article.Paragraphs), len(o.article.Text()))
	case o.polls != nil:
		n := 0
		for _, p := range o.polls {
			n += len(p)
		}
		return fmt.Sprintf("%d polls, %d items", len(o.polls), n)
	}
	return "nothing"
}

func trunc(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}
