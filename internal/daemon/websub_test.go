package daemon_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/feedsift/feedsift/internal/config"
	"github.com/feedsift/feedsift/internal/daemon"
	"github.com/feedsift/feedsift/internal/feedfarm"
	"github.com/feedsift/feedsift/internal/story"
	"github.com/feedsift/feedsift/sink"
)

// wsHub is a small real WebSub hub: it accepts subscription requests with
// 202, verifies the intent at the callback from its own goroutine, and
// pushes signed content to verified subscribers.
type wsHub struct {
	srv *httptest.Server
	wg  sync.WaitGroup

	mu       sync.Mutex
	requests []url.Values
	subs     map[string]wsSub // by topic
	verified chan url.Values
}

type wsSub struct{ callback, secret string }

func newWSHub(t *testing.T) *wsHub {
	t.Helper()
	h := &wsHub{subs: map[string]wsSub{}, verified: make(chan url.Values, 8)}
	h.srv = httptest.NewServer(http.HandlerFunc(h.serve))
	t.Cleanup(func() {
		h.srv.Close()
		h.wg.Wait()
	})
	return h
}

func (h *wsHub) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.ParseForm() != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	form := r.PostForm
	h.mu.Lock()
	h.requests = append(h.requests, form)
	h.mu.Unlock()
	if form.Get("hub.mode") != "subscribe" {
		http.Error(w, "only subscribe here", http.StatusBadRequest)
		return
	}
	w.WriteHeader(http.StatusAccepted)
	h.wg.Go(func() { h.verify(form) })
}

// verify performs the verification of intent for a subscribe request.
func (h *wsHub) verify(form url.Values) {
	u, err := url.Parse(form.Get("hub.callback"))
	if err != nil {
		return
	}
	challenge := rand.Text()
	q := u.Query()
	q.Set("hub.mode", "subscribe")
	q.Set("hub.topic", form.Get("hub.topic"))
	q.Set("hub.challenge", challenge)
	q.Set("hub.lease_seconds", form.Get("hub.lease_seconds"))
	u.RawQuery = q.Encode()
	resp, err := http.Get(u.String())
	if err != nil {
		return
	}
	body, _ := io.ReadAll(resp.Body) // a short read shows as a mismatch
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(body) != challenge {
		return
	}
	h.mu.Lock()
	h.subs[form.Get("hub.topic")] = wsSub{callback: form.Get("hub.callback"), secret: form.Get("hub.secret")}
	h.mu.Unlock()
	h.verified <- form
}

func (h *wsHub) requestCount() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.requests)
}

// push distributes doc for topic to its verified subscriber, signed with
// its secret, and returns the callback's status.
func (h *wsHub) push(t *testing.T, topic string, doc []byte) int {
	t.Helper()
	h.mu.Lock()
	sub, ok := h.subs[topic]
	h.mu.Unlock()
	if !ok {
		t.Fatalf("hub has no verified subscriber for %s", topic)
	}
	mac := hmac.New(sha256.New, []byte(sub.secret))
	mac.Write(doc)
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, sub.callback, bytes.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/atom+xml")
	req.Header.Set("X-Hub-Signature", "sha256="+hex.EncodeToString(mac.Sum(nil)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("push to %s: %v", sub.callback, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body) // only the status matters
	return resp.StatusCode
}

// pushFeed serves an Atom feed that advertises a hub, with the entries
// set by set, and counts its requests.
type pushFeed struct {
	srv *httptest.Server
	url string
	hub string

	mu       sync.Mutex
	entries  []feedfarm.Article
	requests int
}

func newPushFeed(t *testing.T, hub string) *pushFeed {
	t.Helper()
	f := &pushFeed{hub: hub}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		f.mu.Lock()
		f.requests++
		doc := f.docLocked()
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/atom+xml")
		_, _ = w.Write(doc)
	}))
	t.Cleanup(f.srv.Close)
	f.url = f.srv.URL + "/feed.atom"
	return f
}

func (f *pushFeed) set(arts ...feedfarm.Article) []byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.entries = arts
	return f.docLocked()
}

func (f *pushFeed) requestCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.requests
}

// docLocked renders the feed: full-text entries, newest last in entries
// and first in the document, with rel="self" and rel="hub" links.
func (f *pushFeed) docLocked() []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n")
	fmt.Fprintf(&b, `<feed xmlns="http://www.w3.org/2005/Atom"><title>pushed</title><id>%[1]s</id><link rel="self" href="%[1]s"/><link rel="hub" href="%[2]s"/>`,
		html.EscapeString(f.url), html.EscapeString(f.hub))
	now := time.Now().UTC()
	for i, a := range slices.Backward(f.entries) {
		var content strings.Builder
		for _, p := range a.Paragraphs {
			content.WriteString("<p>" + html.EscapeString(p) + "</p>")
		}
		link := "https://news.example/" + a.Slug
		fmt.Fprintf(&b, `<entry><id>%s</id><title>%s</title><link rel="alternate" href="%s"/><updated>%s</updated><content type="html">%s</content></entry>`,
			html.EscapeString(link), html.EscapeString(a.Title), html.EscapeString(link),
			now.Add(-time.Duration(i)*time.Minute).Format(time.RFC3339), html.EscapeString(content.String()))
	}
	b.WriteString(`</feed>`)
	return []byte(b.String())
}

// freeAddr returns a loopback address no one listens on, so the callback
// URL can be known before the daemon starts.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	return addr
}

// TestWebSub runs a daemon with [websub] on against a real hub and a feed
// advertising it: after the first poll the daemon subscribes and answers
// the hub's verification; the feed's next check moves to the pushed
// interval; a signed document the hub pushes is published without another
// poll; and after a restart the subscription (callback and secret) still
// works without a new subscription request.
func TestWebSub(t *testing.T) {
	demo := map[string]feedfarm.Article{}
	for _, s := range feedfarm.DemoScenario().Sites {
		for _, e := range s.Entries {
			demo[e.Article.Slug] = e.Article
		}
	}
	var arts []feedfarm.Article
	for _, slug := range []string{"tram-line-3-opens", "kestrel-2-reaches-orbit", "merrow-ferry-strike-ends"} {
		a, ok := demo[slug]
		if !ok {
			t.Fatalf("no demo article %q", slug)
		}
		arts = append(arts, a)
	}

	hub := newWSHub(t)
	feed := newPushFeed(t, hub.srv.URL+"/")
	feed.set(arts[0])

	dataDir := t.TempDir()
	addr := freeAddr(t)
	cfg := config.Default()
	cfg.DataDir = dataDir
	cfg.Log.Level = "warn"
	cfg.NATS.EmbeddedListen = "127.0.0.1:0"
	cfg.HTTP.Listen = addr
	cfg.HTTP.Token = "s3cret" // the callback must work without it
	cfg.Fetch.Timeout = 5 * time.Second
	cfg.Fetch.PerHostInterval = 0
	cfg.Fetch.AllowNetworks = []string{"127.0.0.0/8", "::1/128"}
	cfg.Poll.Interval = time.Second
	cfg.Poll.MaxBackoff = 2 * time.Second
	cfg.Poll.DrainTimeout = 5 * time.Second
	cfg.WebSub = config.WebSubConfig{Enabled: true, CallbackURL: "http://" + addr, PollIntervalWhenPushed: time.Hour, Lease: 48 * time.Hour}
	cfg.Feeds = []config.FeedConfig{{ID: "pushed", URL: feed.url, Topic: "local", Interval: time.Second}}
	if err := cfg.Validate(); err != nil {
		t.Fatalf("test config does not validate: %v", err)
	}
	hasTitle := func(r *running, title string) func() bool {
		return func() bool {
			return slices.ContainsFunc(r.stories(t), func(s story.Story) bool { return s.Title == title })
		}
	}

	r := startDaemon(t, cfg)
	var form url.Values
	select {
	case form = <-hub.verified:
	case <-time.After(15 * time.Second): // a hang guard, not a timing assertion
		t.Fatal("the daemon did not subscribe and answer the hub's verification")
	}
	if got := form.Get("hub.topic"); got != feed.url {
		t.Errorf("hub.topic = %q, want the feed's self URL %q", got, feed.url)
	}
	if cb := form.Get("hub.callback"); !strings.HasPrefix(cb, "http://"+addr+daemon.WebSubPath+"/") {
		t.Errorf("hub.callback = %q, want one under http://%s%s/", cb, addr, daemon.WebSubPath)
	}
	if got, want := form.Get("hub.lease_seconds"), "172800"; got != want {
		t.Errorf("hub.lease_seconds = %q, want %q", got, want)
	}
	if n := len(form.Get("hub.secret")); n < 32 {
		t.Errorf("hub.secret has %d bytes, want at least 32", n)
	}
	r.wait(t, "the first story", 15*time.Second, hasTitle(r, arts[0].Title))

	// The next poll sees the active subscription: the one after is an hour off.
	r.wait(t, "the next check to move to poll_interval_when_pushed", 15*time.Second, func() bool {
		st, ok, err := r.d.Store().FeedState(t.Context(), "pushed")
		return err == nil && ok && time.Until(st.NextCheck) > 45*time.Minute
	})

	polls := feed.requestCount()
	pushed := feed.set(arts[0], arts[1])
	if status := hub.push(t, feed.url, pushed); status != http.StatusAccepted {
		t.Fatalf("push answered %d, want 202", status)
	}
	r.wait(t, "the pushed story", 15*time.Second, hasTitle(r, arts[1].Title))
	if got := feed.requestCount(); got != polls {
		t.Errorf("the feed was fetched %d more times after the push, want 0: the pushed document is enough", got-polls)
	}
	r.stop(t)

	// The subscription is kept in the store, active.
	st, err := sink.OpenStore(filepath.Join(dataDir, daemon.StoreFile), sink.StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	data, err := st.LoadWebSub()
	if cerr := st.Close(); cerr != nil {
		t.Fatal(cerr)
	}
	var kept struct {
		Subscriber struct {
			Subscriptions []struct{ Topic, Status string }
		}
	}
	if err != nil || json.Unmarshal(data, &kept) != nil || len(kept.Subscriber.Subscriptions) != 1 ||
		kept.Subscriber.Subscriptions[0].Topic != feed.url || kept.Subscriber.Subscriptions[0].Status != "active" {
		t.Fatalf("stored websub state after shutdown: %s (%v); want one active subscription to %s", data, err, feed.url)
	}

	// Restarted on the same listener, the daemon takes the hub's next push
	// at the same callback, with the same secret, without subscribing again.
	requests := hub.requestCount()
	r2 := startDaemon(t, cfg)
	pushed = feed.set(arts[0], arts[1], arts[2])
	if status := hub.push(t, feed.url, pushed); status != http.StatusAccepted {
		t.Fatalf("push after restart answered %d, want 202", status)
	}
	r2.wait(t, "the story pushed after the restart", 15*time.Second, hasTitle(r2, arts[2].Title))
	if got := hub.requestCount(); got != requests {
		t.Errorf("the restarted daemon sent the hub %d more requests, want 0", got-requests)
	}
	if n := len(r2.stories(t)); n != 3 {
		t.Errorf("store has %d stories, want 3", n)
	}
	r2.stop(t)
}
