package websub_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/feedsift/feedsift/internal/websub"
)

const feedBody = `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title></feed>`

func TestSubscribe_VerifiedAndDelivered(t *testing.T) {
	for _, method := range []string{"sha1", "sha256", "sha384", "sha512", "SHA256"} {
		t.Run(method, func(t *testing.T) {
			h := newHub(t)
			h.grant = 3600
			sub, got := callbackServer(t, websub.Options{})
			topic := "https://example.org/feed.xml"
			before := time.Now()
			callback, secret := subscribed(t, sub, h, topic)

			req := h.request(t, 0)
			if req.Get("hub.mode") != "subscribe" || req.Get("hub.topic") != topic {
				t.Errorf("request mode %q topic %q", req.Get("hub.mode"), req.Get("hub.topic"))
			}
			if req.Get("hub.lease_seconds") != "864000" {
				t.Errorf("hub.lease_seconds = %q, want the 10-day default 864000", req.Get("hub.lease_seconds"))
			}
			if b, err := hex.DecodeString(secret); err != nil || len(b) < 32 {
				t.Errorf("hub.secret %q: want at least 32 bytes in hex", secret)
			}
			s := onlySub(t, sub)
			if s.Status != websub.StatusActive || s.LeaseSeconds != 3600 || s.Secret != "" {
				t.Errorf("State: %+v, want active, lease 3600, no secret", s)
			}
			if s.Expires.Before(before.Add(time.Hour)) || sub.CallbackURL(s.ID) != callback {
				t.Errorf("State: expires %v callback %q, want >= %v and %q", s.Expires, sub.CallbackURL(s.ID), before.Add(time.Hour), callback)
			}

			// The method name is matched without regard to case.
			body := []byte(feedBody)
			sig := method + strings.TrimPrefix(sign(strings.ToLower(method), secret, body), strings.ToLower(method))
			if st := deliver(t, callback, bytes.NewReader(body), sig); st/100 != 2 {
				t.Fatalf("deliver: status %d, want 2xx", st)
			}
			select {
			case d := <-got:
				if d.topic != topic || d.body != feedBody || d.header.Get("Content-Type") != "application/atom+xml" {
					t.Errorf("OnContent got topic %q body %q type %q", d.topic, d.body, d.header.Get("Content-Type"))
				}
			default:
				t.Fatal("verified content was not handed to OnContent")
			}
			if n := sub.State().Delivered; n < 1 {
				t.Errorf("Delivered = %d, want >= 1", n)
			}
		})
	}
}

func TestContent_NotDelivered(t *testing.T) {
	h := newHub(t)
	sub, got := callbackServer(t, websub.Options{})
	callback, secret := subscribed(t, sub, h, "https://example.org/feed.xml")
	body := []byte(feedBody)
	good := sign("sha256", secret, body)
	tests := []struct {
		name      string
		signature string
		unsigned  bool
	}{
		{name: "unsigned", unsigned: true},
		{name: "wrong secret", signature: sign("sha256", strings.Repeat("x", 64), body)},
		{name: "other body", signature: sign("sha256", secret, []byte("other"))},
		{name: "unknown method", signature: "md5=" + strings.SplitN(good, "=", 2)[1]},
		{name: "not hex", signature: "sha256=zz"},
		{name: "no method", signature: strings.SplitN(good, "=", 2)[1]},
		{name: "truncated", signature: good[:len(good)-2]},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := sub.State()
			if st := deliver(t, callback, bytes.NewReader(body), tc.signature); st/100 != 2 {
				t.Errorf("status %d, want 2xx (accepted but not delivered)", st)
			}
			select {
			case d := <-got:
				t.Fatalf("content delivered: %+v", d)
			default:
			}
			after := sub.State()
			if tc.unsigned && after.Unsigned != before.Unsigned+1 {
				t.Errorf("Unsigned %d -> %d, want +1", before.Unsigned, after.Unsigned)
			}
			if !tc.unsigned && after.BadSignature != before.BadSignature+1 {
				t.Errorf("BadSignature %d -> %d, want +1", before.BadSignature, after.BadSignature)
			}
		})
	}
	if n := sub.State().Delivered; n != 0 {
		t.Errorf("Delivered = %d, want 0", n)
	}
}

func TestCallback_Unknown(t *testing.T) {
	h := newHub(t)
	sub, _ := callbackServer(t, websub.Options{})
	topic := "https://example.org/feed.xml"
	callback, _ := subscribed(t, sub, h, topic)
	base := strings.TrimSuffix(callback, onlySub(t, sub).ID)
	verifyURL := func(cb, mode, topic string) string {
		q := url.Values{"hub.mode": {mode}, "hub.topic": {topic}, "hub.challenge": {"c"}, "hub.lease_seconds": {"60"}}
		return cb + "?" + q.Encode()
	}
	tests := []struct {
		name   string
		method string
		url    string
		want   int
	}{
		{"unknown id subscribe", http.MethodGet, verifyURL(base+"0123abcd", "subscribe", topic), http.StatusNotFound},
		{"unknown id denied", http.MethodGet, verifyURL(base+"0123abcd", "denied", topic), http.StatusNotFound},
		{"wrong topic", http.MethodGet, verifyURL(callback, "subscribe", "https://example.org/other"), http.StatusNotFound},
		{"unsubscribe not requested", http.MethodGet, verifyURL(callback, "unsubscribe", topic), http.StatusNotFound},
		{"no challenge", http.MethodGet, callback + "?hub.mode=subscribe&hub.topic=" + url.QueryEscape(topic), http.StatusBadRequest},
		{"bad lease", http.MethodGet, callback + "?hub.mode=subscribe&hub.challenge=c&hub.lease_seconds=-5&hub.topic=" + url.QueryEscape(topic), http.StatusBadRequest},
		{"bad mode", http.MethodGet, verifyURL(callback, "publish", topic), http.StatusBadRequest},
		{"content for unknown id", http.MethodPost, base + "0123abcd", http.StatusGone},
		{"put", http.MethodPut, callback, http.StatusMethodNotAllowed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequestWithContext(t.Context(), tc.method, tc.url, strings.NewReader(feedBody))
			if err != nil {
				t.Fatal(err)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body) // only for the message
			resp.Body.Close()
			if resp.StatusCode != tc.want {
				t.Errorf("%s %s = %d %q, want %d", tc.method, tc.url, resp.StatusCode, body, tc.want)
			}
			if tc.want != http.StatusOK && string(body) == "c" {
				t.Errorf("challenge echoed for a refused verification")
			}
		})
	}
	if s := onlySub(t, sub); s.Status != websub.StatusActive {
		t.Errorf("subscription status %q after refused requests, want active", s.Status)
	}
}

func TestSubscribe_HubDenies(t *testing.T) {
	h := newHub(t)
	h.deny = "topic not hosted here"
	sub, _ := callbackServer(t, websub.Options{})
	topic := "https://example.org/feed.xml"
	if err := sub.Subscribe(t.Context(), topic, h.srv.URL); err != nil {
		t.Fatalf("Subscribe: %v", err)
	}
	if r := h.next(t); r.mode != "denied" || r.status != http.StatusOK {
		t.Fatalf("denial answered %d (mode %q), want 200", r.status, r.mode)
	}
	s := onlySub(t, sub)
	if s.Status != websub.StatusDenied || s.Reason != h.deny || !s.Expires.IsZero() {
		t.Errorf("State: %+v, want denied with the hub's reason", s)
	}
	if due := sub.Due(time.Now().Add(365 * 24 * time.Hour)); len(due) != 0 {
		t.Errorf("Due = %v, want none for a denied subscription", due)
	}
}

func TestSubscribe_HubRejects(t *testing.T) {
	h := newHub(t)
	h.reject.Store(http.StatusBadRequest)
	sub, _ := callbackServer(t, websub.Options{})
	err := sub.Subscribe(t.Context(), "https://example.org/feed.xml", h.srv.URL)
	if !errors.Is(err, websub.ErrHubRejected) {
		t.Fatalf("Subscribe error = %v, want ErrHubRejected", err)
	}
	if he, ok := errors.AsType[*websub.HubError](err); !ok || he.Status != http.StatusBadRequest || !strings.Contains(he.Body, "no thanks") {
		t.Errorf("error %#v, want *HubError with status 400 and the body", err)
	}
	if st := sub.State(); len(st.Subscriptions) != 0 {
		t.Errorf("State after rejection: %+v, want no subscription", st.Subscriptions)
	}
}

func TestSubscribe_Invalid(t *testing.T) {
	sub, _ := callbackServer(t, websub.Options{})
	tests := []struct {
		name, topic, hub string
	}{
		{"relative topic", "/feed.xml", "https://hub.example/"},
		{"ftp hub", "https://example.org/feed.xml", "ftp://hub.example/"},
		{"empty hub", "https://example.org/feed.xml", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := sub.Subscribe(t.Context(), tc.topic, tc.hub); !errors.Is(err, websub.ErrInvalidURL) {
				t.Errorf("Subscribe(%q, %q) = %v, want ErrInvalidURL", tc.topic, tc.hub, err)
			}
		})
	}
	short, _ := callbackServer(t, websub.Options{Secret: func() (string, error) { return "short", nil }})
	if err := short.Subscribe(t.Context(), "https://example.org/feed.xml", "https://hub.example/"); !errors.Is(err, websub.ErrBadSecret) {
		t.Errorf("Subscribe with a 5-byte secret = %v, want ErrBadSecret", err)
	}
	if err := sub.Unsubscribe(t.Context(), "https://example.org/none"); !errors.Is(err, websub.ErrUnknownTopic) {
		t.Errorf("Unsubscribe(unknown) = %v, want ErrUnknownTopic", err)
	}
	if err := sub.Renew(t.Context(), "https://example.org/none"); !errors.Is(err, websub.ErrUnknownTopic) {
		t.Errorf("Renew(unknown) = %v, want ErrUnknownTopic", err)
	}
}

func TestNew_InvalidOptions(t *testing.T) {
	tests := []websub.Options{
		{},
		{CallbackBase: "/websub"},
		{CallbackBase: "ftp://example.org/websub"},
		{CallbackBase: "https://example.org/websub?x=1"},
		{CallbackBase: "https://example.org/websub#frag"},
		{CallbackBase: "https://example.org/websub", Lease: -time.Second},
		{CallbackBase: "https://example.org/websub", MaxBody: -1},
	}
	for _, opts := range tests {
		t.Run(opts.CallbackBase, func(t *testing.T) {
			if _, err := websub.New(opts); !errors.Is(err, websub.ErrInvalidOptions) {
				t.Errorf("New(%+v) = %v, want ErrInvalidOptions", opts, err)
			}
		})
	}
	sub, err := websub.New(websub.Options{CallbackBase: "https://example.org/websub/"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := sub.CallbackURL("abc"), "https://example.org/websub/abc"; got != want {
		t.Errorf("CallbackURL = %q, want %q", got, want)
	}
}

// clock is a settable time source for Options.Now.
type clock struct{ ns atomic.Int64 }

func newClock() *clock {
	c := &clock{}
	c.set(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	return c
}
func (c *clock) now() time.Time  { return time.Unix(0, c.ns.Load()).UTC() }
func (c *clock) set(t time.Time) { c.ns.Store(t.UnixNano()) }

func TestDue_LeaseRenewal(t *testing.T) {
	h := newHub(t)
	h.grant = 7200
	clk := newClock()
	sub, _ := callbackServer(t, websub.Options{RenewMargin: 10 * time.Minute, Now: clk.now})
	topic := "https://example.org/feed.xml"
	callback, secret := subscribed(t, sub, h, topic)
	expires := onlySub(t, sub).Expires
	if want := clk.now().Add(2 * time.Hour); !expires.Equal(want) {
		t.Fatalf("Expires = %v, want %v (granted lease 7200 s)", expires, want)
	}

	tests := []struct {
		name string
		now  time.Time
		want []string
	}{
		{"now", clk.now(), nil},
		{"before the margin", expires.Add(-11 * time.Minute), nil},
		{"inside the margin", expires.Add(-9 * time.Minute), []string{topic}},
		{"expired", expires.Add(time.Hour), []string{topic}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, sub.Due(tc.now)); diff != "" {
				t.Errorf("Due(%v) (-want +got):\n%s", tc.now, diff)
			}
		})
	}

	// The daemon renews inside the margin. Whether or not the hub has
	// verified yet, the topic is no longer due; renewing keeps the
	// callback and the secret, and the verification moves the expiry.
	renewAt := expires.Add(-9 * time.Minute)
	clk.set(renewAt)
	if err := sub.Renew(t.Context(), topic); err != nil {
		t.Fatalf("renew: %v", err)
	}
	if due := sub.Due(renewAt.Add(time.Minute)); len(due) != 0 {
		t.Errorf("Due right after renewal = %v, want none", due)
	}
	r := h.next(t)
	if r.status != http.StatusOK || r.callback != callback {
		t.Fatalf("renewal verification: status %d callback %q, want 200 at %q", r.status, r.callback, callback)
	}
	if req := h.request(t, 1); req.Get("hub.secret") != secret || req.Get("hub.callback") != callback {
		t.Errorf("renewal changed the callback or the secret")
	}
	s := onlySub(t, sub)
	if want := renewAt.Add(2 * time.Hour); s.Status != websub.StatusActive || !s.Expires.Equal(want) {
		t.Errorf("after renewal: %+v, want active until %v", s, want)
	}
	if due := sub.Due(renewAt.Add(time.Hour)); len(due) != 0 {
		t.Errorf("Due an hour after renewal = %v, want none", due)
	}
}

func TestDue_PendingRetried(t *testing.T) {
	// The hub accepts but never verifies: the subscription stays pending
	// and is due again after PendingTimeout.
	never := newHubNoVerify(t)
	sub, _ := callbackServer(t, websub.Options{PendingTimeout: 30 * time.Minute})
	topic := "https://example.org/feed.xml"
	if err := sub.Subscribe(t.Context(), topic, never.URL); err != nil {
		t.Fatal(err)
	}
	if s := onlySub(t, sub); s.Status != websub.StatusPending {
		t.Fatalf("status %q, want pending", s.Status)
	}
	if due := sub.Due(time.Now()); len(due) != 0 {
		t.Errorf("Due(now) = %v, want none", due)
	}
	if diff := cmp.Diff([]string{topic}, sub.Due(time.Now().Add(31*time.Minute))); diff != "" {
		t.Errorf("Due(+31m) (-want +got):\n%s", diff)
	}
}

func newHubNoVerify(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusAccepted) }))
	t.Cleanup(srv.Close)
	return srv
}

func TestUnsubscribe_Verified(t *testing.T) {
	h := newHub(t)
	sub, got := callbackServer(t, websub.Options{})
	topic := "https://example.org/feed.xml"
	callback, secret := subscribed(t, sub, h, topic)
	if err := sub.Unsubscribe(t.Context(), topic); err != nil {
		t.Fatalf("Unsubscribe: %v", err)
	}
	r := h.next(t)
	if r.mode != "unsubscribe" || r.status != http.StatusOK || r.body != r.challenge {
		t.Fatalf("unsubscribe verification: mode %q status %d body %q, want challenge %q", r.mode, r.status, r.body, r.challenge)
	}
	if req := h.request(t, 1); req.Get("hub.mode") != "unsubscribe" || req.Get("hub.callback") != callback {
		t.Errorf("unsubscribe request %v", req)
	}
	if st := sub.State(); len(st.Subscriptions) != 0 {
		t.Errorf("State after unsubscribe: %+v, want none", st.Subscriptions)
	}
	body := []byte(feedBody)
	if st := deliver(t, callback, bytes.NewReader(body), sign("sha256", secret, body)); st != http.StatusGone {
		t.Errorf("content after unsubscribe: status %d, want 410", st)
	}
	if len(got) != 0 {
		t.Error("content delivered after unsubscribe")
	}
}

func TestContent_TooLarge(t *testing.T) {
	h := newHub(t)
	sub, got := callbackServer(t, websub.Options{MaxBody: 1024})
	callback, secret := subscribed(t, sub, h, "https://example.org/feed.xml")
	big := bytes.Repeat([]byte("a"), 2048)
	tests := []struct {
		name string
		body io.Reader
	}{
		{"content length", bytes.NewReader(big)},
		{"chunked", io.MultiReader(bytes.NewReader(big))}, // no length: read until the bound
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if st := deliver(t, callback, tc.body, sign("sha256", secret, big)); st != http.StatusRequestEntityTooLarge {
				t.Errorf("status %d, want 413", st)
			}
		})
	}
	if n := sub.State().TooLarge; n != 2 {
		t.Errorf("TooLarge = %d, want 2", n)
	}
	exact := bytes.Repeat([]byte("b"), 1024)
	if st := deliver(t, callback, bytes.NewReader(exact), sign("sha256", secret, exact)); st/100 != 2 || len(got) != 1 {
		t.Errorf("body of exactly MaxBody: status %d, delivered %d, want 2xx and 1", st, len(got))
	}
}

func TestMarshal_RoundTrip(t *testing.T) {
	h := newHub(t)
	sub, _ := callbackServer(t, websub.Options{})
	topic := "https://example.org/feed.xml"
	callback, secret := subscribed(t, sub, h, topic)
	data, err := sub.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte(secret)) {
		t.Error("Marshal output lacks the secret, so a restarted daemon could not verify deliveries")
	}

	// A restarted daemon: a new Subscriber on a new listener with the same
	// path accepts the hub's deliveries for the old callback ID.
	restarted, got := callbackServer(t, websub.Options{})
	if err := restarted.Unmarshal(data); err != nil {
		t.Fatalf("Unmarshal: %v", err)
	}
	if diff := cmp.Diff(sub.State().Subscriptions, restarted.State().Subscriptions); diff != "" {
		t.Errorf("State after Unmarshal (-old +new):\n%s", diff)
	}
	id := onlySub(t, restarted).ID
	body := []byte(feedBody)
	if st := deliver(t, restarted.CallbackURL(id), bytes.NewReader(body), sign("sha512", secret, body)); st/100 != 2 {
		t.Fatalf("deliver: %d", st)
	}
	if len(got) != 1 || !strings.HasSuffix(callback, "/"+id) {
		t.Errorf("restarted subscriber delivered %d, want 1 (callback %q, id %q)", len(got), callback, id)
	}
}

func TestUnmarshal_Invalid(t *testing.T) {
	sub, _ := callbackServer(t, websub.Options{})
	secret := strings.Repeat("ab", 32)
	one := func(fields string) string {
		return `{"v":1,"subscriptions":[{` + fields + `}]}`
	}
	valid := `"topic":"https://e.org/f","hub":"https://h.org/","id":"abc","secret":"` + secret + `","status":"active"`
	tests := []struct {
		name, data string
	}{
		{"not json", `{`},
		{"version", `{"v":2,"subscriptions":[]}`},
		{"relative topic", one(strings.Replace(valid, "https://e.org/f", "/f", 1))},
		{"bad hub", one(strings.Replace(valid, "https://h.org/", "h.org", 1))},
		{"bad id", one(strings.Replace(valid, `"abc"`, `"a/b"`, 1))},
		{"short secret", one(strings.Replace(valid, secret, "s", 1))},
		{"status", one(strings.Replace(valid, "active", "asleep", 1))},
		{"duplicate topic", `{"v":1,"subscriptions":[{` + valid + `},{` + strings.Replace(valid, "abc", "abd", 1) + `}]}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := sub.Unmarshal([]byte(tc.data)); !errors.Is(err, websub.ErrInvalidState) {
				t.Errorf("Unmarshal(%s) = %v, want ErrInvalidState", tc.data, err)
			}
		})
	}
	if err := sub.Unmarshal([]byte(one(valid))); err != nil {
		t.Errorf("Unmarshal(valid) = %v", err)
	}
	if s := onlySub(t, sub); s.Topic != "https://e.org/f" || s.Status != websub.StatusActive {
		t.Errorf("after Unmarshal: %+v", s)
	}
}

func TestSubscriber_Concurrent(t *testing.T) {
	h := newHub(t)
	var changes atomic.Int64
	sub, got := callbackServer(t, websub.Options{OnChange: func() { changes.Add(1) }})
	const n = 8
	topics := make([]string, n)
	for i := range topics {
		topics[i] = "https://example.org/feed/" + string(rune('a'+i))
	}
	var wg sync.WaitGroup
	for _, topic := range topics {
		wg.Go(func() {
			if err := sub.Subscribe(context.Background(), topic, h.srv.URL); err != nil {
				t.Errorf("Subscribe(%s): %v", topic, err)
			}
		})
	}
	wg.Wait()
	for range topics {
		if r := h.next(t); r.status != http.StatusOK {
			t.Fatalf("verification %d", r.status)
		}
	}
	secrets := map[string]bool{}
	for _, topic := range topics {
		cb, secret := h.sub(t, topic)
		secrets[secret] = true
		wg.Go(func() {
			body := []byte(topic)
			if st := deliver(t, cb, bytes.NewReader(body), sign("sha256", secret, body)); st/100 != 2 {
				t.Errorf("deliver %s: %d", topic, st)
			}
			_ = sub.State()
			_ = sub.Due(time.Now())
		})
	}
	wg.Wait()
	if len(secrets) != n {
		t.Errorf("%d distinct secrets for %d subscriptions, want one each", len(secrets), n)
	}
	seen := map[string]bool{}
	for range n {
		d := <-got
		if d.topic != d.body {
			t.Errorf("delivery for %s carried %q", d.topic, d.body)
		}
		seen[d.topic] = true
	}
	if len(seen) != n || changes.Load() < 2*n {
		t.Errorf("deliveries for %d topics, OnChange %d times; want %d and >= %d", len(seen), changes.Load(), n, 2*n)
	}
}

func TestSubscribe_FailureRestores(t *testing.T) {
	a, b := newHub(t), newHub(t)
	b.reject.Store(http.StatusServiceUnavailable)
	sub, got := callbackServer(t, websub.Options{})
	topic := "https://example.org/feed.xml"
	callback, secret := subscribed(t, sub, a, topic)
	before := onlySub(t, sub)

	// Moving the topic to a hub that refuses leaves the subscription at
	// the first hub as it was.
	if err := sub.Subscribe(t.Context(), topic, b.srv.URL); !errors.Is(err, websub.ErrHubRejected) {
		t.Fatalf("Subscribe at refusing hub = %v, want ErrHubRejected", err)
	}
	if diff := cmp.Diff(before, onlySub(t, sub)); diff != "" {
		t.Errorf("after failed move (-want +got):\n%s", diff)
	}
	// So does an unsubscribe the hub refuses.
	a.reject.Store(http.StatusInternalServerError)
	err := sub.Unsubscribe(t.Context(), topic)
	if he, ok := errors.AsType[*websub.HubError](err); !ok || he.Status != http.StatusInternalServerError || he.Mode != "unsubscribe" {
		t.Fatalf("Unsubscribe at refusing hub = %v, want *HubError 500", err)
	}
	if !strings.Contains(err.Error(), "500 Internal Server Error: no thanks") {
		t.Errorf("error message %q lacks the status and body", err)
	}
	if s := onlySub(t, sub); s.Status != websub.StatusActive || s.ID != before.ID {
		t.Errorf("after failed unsubscribe: %+v, want active with ID %s", s, before.ID)
	}
	body := []byte(feedBody)
	if st := deliver(t, callback, bytes.NewReader(body), sign("sha256", secret, body)); st/100 != 2 || len(got) != 1 {
		t.Fatalf("content after failed changes: status %d, delivered %d", st, len(got))
	}
	<-got

	// Moving to a hub that accepts gives a new callback and secret.
	c := newHub(t)
	newCallback, newSecret := subscribed(t, sub, c, topic)
	if newCallback == callback || newSecret == secret {
		t.Errorf("moving hubs kept callback %q or the secret", callback)
	}
	if st := deliver(t, callback, bytes.NewReader(body), sign("sha256", secret, body)); st != http.StatusGone {
		t.Errorf("old callback after move: status %d, want 410", st)
	}

	if !sub.Forget(topic) || sub.Forget(topic) {
		t.Error("Forget: want true once, then false")
	}
	if st := deliver(t, newCallback, bytes.NewReader(body), sign("sha256", newSecret, body)); st != http.StatusGone {
		t.Errorf("after Forget: status %d, want 410", st)
	}
}
