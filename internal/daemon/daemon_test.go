package daemon_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/feedsift/feedsift/internal/config"
	"github.com/feedsift/feedsift/internal/daemon"
	"github.com/feedsift/feedsift/internal/feedfarm"
	"github.com/feedsift/feedsift/internal/kvstate"
	"github.com/feedsift/feedsift/internal/story"
	"github.com/feedsift/feedsift/internal/testwait"
	"github.com/feedsift/feedsift/sink"
)

// testConfig returns a valid config for a daemon on loopback: embedded
// NATS and HTTP on random ports, polling the given feeds every second.
func testConfig(t *testing.T, dataDir string, sc feedfarm.Scenario, urls map[string]string) config.Config {
	t.Helper()
	cfg := config.Default()
	cfg.DataDir = dataDir
	cfg.Log.Level = "warn"
	cfg.NATS.EmbeddedListen = "127.0.0.1:0"
	cfg.HTTP.Listen = "127.0.0.1:0"
	cfg.Fetch.Timeout = 5 * time.Second
	cfg.Fetch.PerHostInterval = 0
	cfg.Fetch.PerHostConcurrency = 4
	cfg.Fetch.AllowNetworks = []string{"127.0.0.0/8", "::1/128"}
	cfg.Poll.Interval = time.Second
	cfg.Poll.MaxBackoff = 2 * time.Second
	cfg.Poll.DrainTimeout = 5 * time.Second
	for _, s := range sc.Sites {
		cfg.Feeds = append(cfg.Feeds, config.FeedConfig{ID: s.Name, URL: urls[s.Name], Topic: s.Topic, Interval: time.Second})
	}
	if err := cfg.Validate(); err != nil {
		t.Fatalf("test config does not validate: %v", err)
	}
	return cfg
}

// running is a started daemon whose Run goroutine reports on done.
type running struct {
	d      *daemon.Daemon
	cancel context.CancelFunc
	done   chan error
}

func startDaemon(t *testing.T, cfg config.Config) *running {
	t.Helper()
	return startDaemonWith(t, cfg, daemon.Options{Version: "test"})
}

// startDaemonWith is startDaemon with opts.
// syncLog collects log output written from several goroutines.
type syncLog struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (l *syncLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *syncLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func startDaemonWith(t *testing.T, cfg config.Config, opts daemon.Options) *running {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	d, err := daemon.Start(ctx, cfg, opts)
	if err != nil {
		cancel()
		t.Fatalf("Start: %v", err)
	}
	r := &running{d: d, cancel: cancel, done: make(chan error, 1)}
	go func() { r.done <- d.Run(ctx) }()
	t.Cleanup(func() { r.stop(t) })
	return r
}

// stop cancels Run and waits for it; it is safe to call twice.
func (r *running) stop(t *testing.T) {
	t.Helper()
	r.cancel()
	if r.done == nil {
		return
	}
	select {
	case err := <-r.done:
		if err != nil {
			t.Errorf("Run returned %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Run did not return within 30s of cancel")
	}
	r.done = nil
}

// wait polls cond (through testwait) until it holds, failing after limit
// or when Run returns.
func (r *running) wait(t *testing.T, what string, limit time.Duration, cond func() bool) {
	t.Helper()
	var (
		ended bool
		err   error
	)
	held := testwait.Poll(limit, func() bool {
		if cond() {
			return true
		}
		select {
		case err = <-r.done:
			r.done = nil
			ended = true
			return true
		default:
			return false
		}
	})
	switch {
	case ended:
		t.Fatalf("waiting for %s: Run returned %v", what, err)
	case !held:
		t.Fatalf("%s did not happen within %v", what, limit)
	}
}

func (r *running) stories(t *testing.T) []story.Story {
	t.Helper()
	list, err := r.d.Store().Stories(sink.StoryFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// streamMsgs returns the number of messages in the daemon's stream.
func streamMsgs(t *testing.T, natsURL string) uint64 {
	t.Helper()
	nc, err := nats.Connect(natsURL)
	if err != nil {
		t.Fatalf("connect to %s: %v", natsURL, err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	st, err := js.Stream(t.Context(), sink.DefaultStream)
	if err != nil {
		t.Fatalf("stream %s: %v", sink.DefaultStream, err)
	}
	info, err := st.Info(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return info.State.Msgs
}

// dropSharedState deletes the feed state bucket kept by the embedded server
// of a stopped daemon in dataDir.
func dropSharedState(t *testing.T, dataDir string) {
	t.Helper()
	withStoppedServer(t, dataDir, func(js jetstream.JetStream) {
		if err := js.DeleteKeyValue(t.Context(), kvstate.DefaultBucket); err != nil {
			t.Fatalf("delete bucket %s: %v", kvstate.DefaultBucket, err)
		}
	})
}

// withStoppedServer starts the embedded server of a stopped daemon in
// dataDir on a free port, hands fn a JetStream client of it, and shuts it
// down again.
func withStoppedServer(t *testing.T, dataDir string, fn func(jetstream.JetStream)) {
	t.Helper()
	srv, err := sink.StartEmbedded(t.Context(), sink.EmbeddedOptions{StoreDir: filepath.Join(dataDir, daemon.NATSDir), Host: "127.0.0.1", Port: -1})
	if err != nil {
		t.Fatalf("start the stopped daemon's NATS server: %v", err)
	}
	defer srv.Shutdown()
	nc, err := nats.Connect(srv.ClientURL())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	fn(js)
}

func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: read body: %v", url, err)
	}
	return resp.StatusCode, string(body)
}

// TestRestart runs the daemon until it has published the demo's round-0
// stories, stops it, wipes the feeds' validators so that every feed answers
// 200 again, and starts it on the same data directory: the index rebuilt
// from the stream must recognise every item, so nothing is published and
// no article page is fetched again.
func TestRestart(t *testing.T) {
	sc := feedfarm.DemoScenario()
	farm := feedfarm.New(sc)
	srv := httptest.NewServer(farm.Handler())
	t.Cleanup(srv.Close)
	urls := farm.FeedURLs(srv.URL)
	dataDir := t.TempDir()
	cfg := testConfig(t, dataDir, sc, urls)
	var want int
	for _, x := range sc.Expected() {
		if x.Round == 0 {
			want++ // round 0 lists originals only
		}
	}

	first := startDaemon(t, cfg)
	first.wait(t, "the round-0 stories in the store", 30*time.Second, func() bool {
		return len(first.stories(t)) >= want
	})
	published := first.stories(t)
	first.stop(t)
	if len(published) != want {
		t.Fatalf("store has %d stories after round 0, want %d", len(published), want)
	}
	for _, f := range []string{daemon.HTTPAddrFile, daemon.NATSURLFile} {
		if _, err := os.Stat(filepath.Join(dataDir, f)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s left behind after shutdown (stat: %v)", f, err)
		}
	}

	// Forget the validators and schedules, as if the state had been lost:
	// the next polls get every item again with a 200.
	st, err := sink.OpenStore(filepath.Join(dataDir, daemon.StoreFile), sink.StoreOptions{})
	if err != nil {
		t.Fatalf("open the stopped daemon's store: %v", err)
	}
	// The index was saved at shutdown, covering the whole stream; the
	// restarted daemon loads it instead of replaying the stream.
	if data, seq, err := st.LoadIndexSnapshot(); err != nil || len(data) == 0 || seq != uint64(want) {
		t.Errorf("index snapshot after the first run: %d bytes at seq %d (%v); want one at seq %d", len(data), seq, err, want)
	}
	states, err := st.FeedStates()
	if err != nil || len(states) != len(sc.Sites) {
		t.Fatalf("feed states after the first run: %d, %v; want %d", len(states), err, len(sc.Sites))
	}
	for _, fs := range states {
		if fs.ETag == "" || fs.Failures != 0 {
			t.Errorf("feed %s after the first run: ETag %q failures %d", fs.FeedID, fs.ETag, fs.Failures)
		}
		fs.ETag, fs.LastModified, fs.NextCheck = "", "", time.Time{}
		if err := st.PutFeedState(t.Context(), fs); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	// The state of record is the shared bucket on the embedded server:
	// drop it, and the restarted daemon seeds it from the local copy
	// just wiped.
	dropSharedState(t, dataDir)

	before := farm.Stats()
	var logs syncLog
	second := startDaemonWith(t, cfg, daemon.Options{Version: "test", Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if !strings.Contains(logs.String(), "dedupe index loaded from the store") {
		t.Errorf("the restarted daemon did not load the index snapshot; its log:\n%s", logs.String())
	}
	natsURL := second.d.NATSURL()
	msgs := streamMsgs(t, natsURL)
	if msgs != uint64(want) {
		t.Fatalf("stream holds %d messages after restart, want %d", msgs, want)
	}
	feedPaths := make([]string, 0, len(urls))
	for _, u := range urls {
		feedPaths = append(feedPaths, strings.TrimPrefix(u, srv.URL))
	}
	second.wait(t, "two more polls of every feed", 30*time.Second, func() bool {
		now := farm.Stats()
		for _, p := range feedPaths {
			if now.Requests[p]-before.Requests[p] < 2 {
				return false
			}
		}
		return true
	})
	after := farm.Stats()

	if got := streamMsgs(t, natsURL); got != msgs {
		t.Errorf("stream grew from %d to %d messages after the restart", msgs, got)
	}
	for _, p := range feedPaths {
		if after.NotModified[p]-before.NotModified[p] >= after.Requests[p]-before.Requests[p] {
			t.Errorf("feed %s answered only 304s after the restart; the test needs a 200", p)
		}
	}
	for p, n := range after.Requests {
		if p == "/robots.txt" {
			continue // read once per host by each daemon that starts (fetch.crawl_delay)
		}
		if !slices.Contains(feedPaths, p) && n != before.Requests[p] {
			t.Errorf("article page %s fetched %d more times after the restart, want 0 (its item is known)", p, n-before.Requests[p])
		}
	}

	base := "http://" + second.d.HTTPAddr()
	for _, path := range []string{"/healthz", "/readyz"} {
		if code, body := httpGet(t, base+path); code != http.StatusOK {
			t.Errorf("GET %s = %d %q, want 200", path, code, body)
		}
	}
	// Nothing new is published, so the store's lag reaches 0 and stays.
	second.wait(t, "/readyz to report the store caught up", 30*time.Second, func() bool {
		_, body := httpGet(t, base+"/readyz")
		return strings.Contains(body, "store lag: 0 messages")
	})
	code, metrics := httpGet(t, base+"/metrics")
	if code != http.StatusOK {
		t.Fatalf("GET /metrics = %d", code)
	}
	for _, want := range []string{
		"feedsift_stories_published_total 0",
		`feedsift_polls_total{result="ok"}`,
		fmt.Sprintf("feedsift_index_stories %d", want),
		"feedsift_store_lag_messages 0",
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	code, body := httpGet(t, base+"/api/stories")
	if code != http.StatusOK {
		t.Fatalf("GET /api/stories = %d %q", code, body)
	}
	var api []story.Story
	if err := json.Unmarshal([]byte(body), &api); err != nil {
		t.Fatalf("/api/stories is not a JSON list of stories: %v", err)
	}
	ids := func(list []story.Story) []string {
		out := make([]string, 0, len(list))
		for _, s := range list {
			out = append(out, s.ID)
		}
		slices.Sort(out)
		return out
	}
	if got, want := ids(api), ids(published); !slices.Equal(got, want) {
		t.Errorf("/api/stories ids %v, want the published %v", got, want)
	}
	second.stop(t)
}

// TestStartErrors checks that Start fails with a clear error, and releases
// the store, when it cannot have what it needs.
func TestStartErrors(t *testing.T) {
	t.Run("store locked", func(t *testing.T) {
		dataDir := t.TempDir()
		held, err := sink.OpenStore(filepath.Join(dataDir, daemon.StoreFile), sink.StoreOptions{})
		if err != nil {
			t.Fatal(err)
		}
		defer held.Close()
		cfg := testConfig(t, dataDir, feedfarm.Scenario{}, nil)
		d, err := daemon.Start(t.Context(), cfg, daemon.Options{})
		if !errors.Is(err, sink.ErrLocked) || d != nil {
			t.Fatalf("Start on a locked store = %v, %v; want ErrLocked", d, err)
		}
		if !strings.HasPrefix(err.Error(), "daemon: ") || !strings.Contains(err.Error(), "locked") {
			t.Errorf("error %q does not say the daemon's store is locked", err)
		}
		if _, err := os.Stat(filepath.Join(dataDir, daemon.NATSDir)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("Start went on to start NATS after the store failed (stat %s: %v)", daemon.NATSDir, err)
		}
	})

	t.Run("nats unreachable", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		if err := ln.Close(); err != nil {
			t.Fatal(err)
		}
		dataDir := t.TempDir()
		cfg := testConfig(t, dataDir, feedfarm.Scenario{}, nil)
		cfg.NATS.URL = "nats://" + addr
		ctx, cancel := context.WithTimeout(t.Context(), 1500*time.Millisecond)
		defer cancel()
		d, err := daemon.Start(ctx, cfg, daemon.Options{})
		if err == nil || d != nil {
			t.Fatalf("Start with NATS at a closed port = %v, %v; want an error", d, err)
		}
		if !strings.HasPrefix(err.Error(), "daemon: ") || !strings.Contains(err.Error(), addr) ||
			!errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("error %q does not name the NATS address and the deadline", err)
		}
		for _, f := range []string{daemon.NATSURLFile, daemon.HTTPAddrFile} {
			if _, err := os.Stat(filepath.Join(dataDir, f)); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("failed Start wrote %s (stat: %v)", f, err)
			}
		}
		// The failed Start released the store.
		st, err := sink.OpenStore(filepath.Join(dataDir, daemon.StoreFile), sink.StoreOptions{Timeout: 100 * time.Millisecond})
		if err != nil {
			t.Fatalf("store still held after a failed Start: %v", err)
		}
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
	})
}
