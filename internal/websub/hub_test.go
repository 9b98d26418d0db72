package websub_test

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"hash"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/feedsift/feedsift/internal/websub"
)

// testHub is a small real WebSub hub: it accepts subscription requests
// with 202, verifies the intent at the callback from its own goroutine,
// and distributes signed content to verified subscribers.
type testHub struct {
	srv    *httptest.Server
	grant  int64 // lease granted; 0 echoes the requested one
	deny   string
	reject atomic.Int32 // answer subscription requests with this status when set

	mu       sync.Mutex
	subs     map[string]hubSub // by callback URL
	requests []url.Values
	results  chan verifyResult
	wg       sync.WaitGroup
}

type hubSub struct {
	topic, secret string
}

// verifyResult is what the subscriber answered to one verification.
type verifyResult struct {
	mode, callback, challenge, body string
	status                          int
}

func newHub(t *testing.T) *testHub {
	t.Helper()
	h := &testHub{subs: make(map[string]hubSub), results: make(chan verifyResult, 16)}
	h.srv = httptest.NewServer(http.HandlerFunc(h.serve))
	t.Cleanup(func() {
		h.srv.Close()
		h.wg.Wait()
	})
	return h
}

func (h *testHub) serve(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || r.Method != http.MethodPost {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	form := r.PostForm
	h.mu.Lock()
	h.requests = append(h.requests, form)
	h.mu.Unlock()
	if code := h.reject.Load(); code != 0 {
		http.Error(w, "no thanks", int(code))
		return
	}
	switch form.Get("hub.mode") {
	case "subscribe", "unsubscribe":
	default:
		http.Error(w, "bad mode", http.StatusBadRequest)
		return
	}
	w.WriteHeader(http.StatusAccepted)
	h.wg.Go(func() { h.verify(form) })
}

// verify performs the verification of intent (or the denial) for form.
func (h *testHub) verify(form url.Values) {
	cb, mode := form.Get("hub.callback"), form.Get("hub.mode")
	u, err := url.Parse(cb)
	if err != nil {
		h.results <- verifyResult{mode: mode, callback: cb, status: -1, body: err.Error()}
		return
	}
	q := u.Query()
	q.Set("hub.topic", form.Get("hub.topic"))
	challenge := rand.Text()
	if h.deny != "" && mode == "subscribe" {
		mode = "denied"
		q.Set("hub.reason", h.deny)
	} else {
		q.Set("hub.challenge", challenge)
	}
	q.Set("hub.mode", mode)
	if mode == "subscribe" {
		lease := form.Get("hub.lease_seconds")
		if h.grant != 0 {
			lease = strconv.FormatInt(h.grant, 10)
		}
		q.Set("hub.lease_seconds", lease)
	}
	u.RawQuery = q.Encode()
	resp, err := http.Get(u.String())
	if err != nil {
		h.results <- verifyResult{mode: mode, callback: cb, status: -1, body: err.Error()}
		return
	}
	body, _ := io.ReadAll(resp.Body) // a short read shows up as a mismatch below
	_ = resp.Body.Close()
	res := verifyResult{mode: mode, callback: cb, challenge: challenge, body: string(body), status: resp.StatusCode}
	if mode != "denied" && resp.StatusCode == http.StatusOK && string(body) == challenge {
		h.mu.Lock()
		if mode == "subscribe" {
			h.subs[cb] = hubSub{topic: form.Get("hub.topic"), secret: form.Get("hub.secret")}
		} else {
			delete(h.subs, cb)
		}
		h.mu.Unlock()
	}
	h.results <- res
}

// next waits for the next verification the hub performed.
func (h *testHub) next(t *testing.T) verifyResult {
	t.Helper()
	select {
	case r := <-h.results:
		return r
	case <-time.After(10 * time.Second): // a hang guard, not a timing assertion
		t.Fatal("hub performed no verification")
		return verifyResult{}
	}
}

// sub returns the hub's record of a verified subscription for topic.
func (h *testHub) sub(t *testing.T, topic string) (callback, secret string) {
	t.Helper()
	h.mu.Lock()
	defer h.mu.Unlock()
	for cb, s := range h.subs {
		if s.topic == topic {
			return cb, s.secret
		}
	}
	t.Fatalf("hub has no verified subscription for %s", topic)
	return "", ""
}

func (h *testHub) request(t *testing.T, i int) url.Values {
	t.Helper()
	h.mu.Lock()
	defer h.mu.Unlock()
	if i >= len(h.requests) {
		t.Fatalf("hub got %d requests, want more than %d", len(h.requests), i)
	}
	return h.requests[i]
}

// deliver POSTs body to callback with the given X-Hub-Signature (none when
// empty) and returns the status.
func deliver(t *testing.T, callback string, body io.Reader, signature string) int {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, callback, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/atom+xml")
	if signature != "" {
		req.Header.Set("X-Hub-Signature", signature)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("deliver: %v", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body) // only the status matters
	return resp.StatusCode
}

// sign returns an X-Hub-Signature value for body.
func sign(method, secret string, body []byte) string {
	var h func() hash.Hash
	switch method {
	case "sha1":
		h = sha1.New
	case "sha256":
		h = sha256.New
	case "sha384":
		h = sha512.New384
	case "sha512":
		h = sha512.New
	default:
		h = sha256.New
	}
	m := hmac.New(h, []byte(secret))
	m.Write(body)
	return method + "=" + hex.EncodeToString(m.Sum(nil))
}

type delivery struct {
	topic  string
	body   string
	header http.Header
}

// callbackServer runs a Subscriber built from opts behind a loopback
// server at /websub/ and returns it with the channel OnContent feeds.
func callbackServer(t *testing.T, opts websub.Options) (*websub.Subscriber, chan delivery) {
	t.Helper()
	mux := http.NewServeMux()
	srv := httptest.NewUnstartedServer(mux)
	opts.CallbackBase = "http://" + srv.Listener.Addr().String() + "/websub"
	got := make(chan delivery, 16)
	opts.OnContent = func(topic string, body []byte, header http.Header) {
		got <- delivery{topic: topic, body: string(body), header: header}
	}
	sub, err := websub.New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	mux.Handle("/websub/", sub)
	srv.Start()
	t.Cleanup(srv.Close)
	return sub, got
}

// subscribed subscribes to topic at h and waits until the hub verified it.
func subscribed(t *testing.T, sub *websub.Subscriber, h *testHub, topic string) (callback, secret string) {
	t.Helper()
	if err := sub.Subscribe(t.Context(), topic, h.srv.URL); err != nil {
		t.Fatalf("Subscribe: %v", err)
	}
	if r := h.next(t); r.status != http.StatusOK || r.body != r.challenge {
		t.Fatalf("verification: status %d body %q, want 200 and challenge %q", r.status, r.body, r.challenge)
	}
	return h.sub(t, topic)
}

func onlySub(t *testing.T, sub *websub.Subscriber) websub.Subscription {
	t.Helper()
	st := sub.State()
	if len(st.Subscriptions) != 1 {
		t.Fatalf("State has %d subscriptions, want 1: %+v", len(st.Subscriptions), st.Subscriptions)
	}
	return st.Subscriptions[0]
}
