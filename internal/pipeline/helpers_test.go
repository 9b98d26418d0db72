package pipeline_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/feedsift/feedsift/dedupe"
	"github.com/feedsift/feedsift/fetcher"
	"github.com/feedsift/feedsift/internal/feedfarm"
	"github.com/feedsift/feedsift/internal/ledger"
	"github.com/feedsift/feedsift/internal/natstest"
	"github.com/feedsift/feedsift/internal/pipeline"
	"github.com/feedsift/feedsift/internal/story"
	"github.com/feedsift/feedsift/internal/testwait"
	"github.com/feedsift/feedsift/sink"
)

var loopback = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}

// env is one set of real components: a JetStream server with the feedsift
// stream, a bbolt store for feed state, an empty index and a fetcher.
type env struct {
	js    *sink.JetStream
	store *sink.Store
	index *dedupe.Index
	fetch *fetcher.Client
	reg   *prometheus.Registry
}

// newEnv starts the components. fo adjusts the fetcher options (loopback
// allowed, no per-host spacing, no retries, 3s timeout).
func newEnv(t testing.TB, fo func(*fetcher.Options)) *env {
	t.Helper()
	srv := natstest.RunJetStream(t)
	nc := natstest.Connect(t, srv)
	js, err := sink.NewJetStream(t.Context(), nc, sink.JetStreamOptions{})
	if err != nil {
		t.Fatalf("NewJetStream: %v", err)
	}
	store, err := sink.OpenStore(filepath.Join(t.TempDir(), "state.db"), sink.StoreOptions{})
	if err != nil {
		t.Fatalf("OpenStore: %v", err)
	}
	t.Cleanup(func() {
		if err := store.Close(); err != nil {
			t.Errorf("close store: %v", err)
		}
	})
	index, err := dedupe.NewIndex(dedupe.Options{})
	if err != nil {
		t.Fatal(err)
	}
	opts := fetcher.Options{
		Timeout: 3 * time.Second, AllowNetworks: loopback, PerHostInterval: -1, Retries: -1,
		RetryBaseDelay: 10 * time.Millisecond, RetryMaxDelay: 20 * time.Millisecond,
	}
	if fo != nil {
		fo(&opts)
	}
	client, err := fetcher.New(opts)
	if err != nil {
		t.Fatalf("fetcher.New: %v", err)
	}
	t.Cleanup(client.CloseIdleConnections)
	return &env{js: js, store: store, index: index, fetch: client, reg: prometheus.NewRegistry()}
}

// pipeline returns a pipeline over e's components; the required fields of
// opts that are left nil are filled from e, and its ledger publishes to
// e's stream and decides on e's index.
func (e *env) pipeline(t testing.TB, opts pipeline.Options) *pipeline.Pipeline {
	t.Helper()
	p, _ := e.pipelineWith(t, opts, ledger.Options{})
	return p
}

// pipelineWith is pipeline with a ledger built from lo, whose Index,
// Publisher, Metrics and Now are filled from e and opts when left nil.
// It returns the ledger too, for the splits and merges of a test.
func (e *env) pipelineWith(t testing.TB, opts pipeline.Options, lo ledger.Options) (*pipeline.Pipeline, *ledger.Ledger) {
	t.Helper()
	if opts.Fetcher == nil {
		opts.Fetcher = e.fetch
	}
	if opts.State == nil {
		opts.State = e.store
	}
	if opts.Metrics == nil {
		opts.Metrics = pipeline.NewMetrics(e.reg)
	}
	if lo.Index == nil {
		lo.Index = e.index
	}
	if lo.Publisher == nil {
		lo.Publisher = e.js
	}
	if lo.Metrics == nil {
		lo.Metrics = opts.Metrics.Ledger()
	}
	if lo.Now == nil {
		lo.Now = opts.Now
	}
	if lo.Logger == nil {
		lo.Logger = opts.Logger
	}
	l, err := ledger.New(lo)
	if err != nil {
		t.Fatalf("ledger.New: %v", err)
	}
	if opts.Ledger == nil {
		opts.Ledger = l
	}
	p, err := pipeline.New(opts)
	if err != nil {
		t.Fatalf("pipeline.New: %v", err)
	}
	return p, l
}

// read returns every story and duplicate record on the stream, in order.
func (e *env) read(t testing.TB) ([]story.Story, []story.Duplicate) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	var stories []story.Story
	var dupes []story.Duplicate
	err := e.js.Replay(ctx, func(ev sink.Event) error {
		switch {
		case ev.Story != nil:
			stories = append(stories, *ev.Story)
		case ev.Duplicate != nil:
			dupes = append(dupes, *ev.Duplicate)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("replay stream: %v", err)
	}
	return stories, dupes
}

// waitStream waits until the stream holds at least total stories and
// duplicates together, or fails the test after 20s or when done fires.
func (e *env) waitStream(t testing.TB, total int, done <-chan error) {
	t.Helper()
	var (
		s     []story.Story
		d     []story.Duplicate
		ended bool
		err   error
	)
	held := testwait.Poll(20*time.Second, func() bool {
		s, d = e.read(t)
		if len(s)+len(d) >= total {
			return true
		}
		select {
		case err = <-done:
			ended = true
			return true
		default:
			return false
		}
	})
	switch {
	case ended:
		t.Fatalf("Run returned early (%v) with %d stories and %d duplicates on the stream, want %d messages",
			err, len(s), len(d), total)
	case !held:
		t.Fatalf("after 20s the stream has %d stories and %d duplicates, want %d messages", len(s), len(d), total)
	}
}

// state returns the stored state of a feed, failing the test when absent.
func (e *env) state(t *testing.T, feedID string) story.FeedState {
	t.Helper()
	st, ok, err := e.store.FeedState(t.Context(), feedID)
	if err != nil || !ok {
		t.Fatalf("feed state %s: found %v, err %v", feedID, ok, err)
	}
	return st
}

// waitState waits until feedID has a recorded poll outcome and returns
// its state. A story reaches the stream before the poll that found it
// records the feed state, so a running pipeline's state is read only
// through this.
func (e *env) waitState(t *testing.T, feedID string) story.FeedState {
	t.Helper()
	var st story.FeedState
	testwait.Until(t, "feed state of "+feedID, 20*time.Second, func() bool {
		var ok bool
		var err error
		st, ok, err = e.store.FeedState(t.Context(), feedID)
		if err != nil {
			t.Fatalf("feed state %s: %v", feedID, err)
		}
		return ok && !st.LastFetch.IsZero()
	})
	return st
}

// counter returns the value of a counter or gauge in e's registry, by
// name and an optional label value ("" for none).
func (e *env) counter(t *testing.T, name, label string) float64 {
	t.Helper()
	mfs, err := e.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			if label == "" || (len(m.GetLabel()) > 0 && m.GetLabel()[0].GetValue() == label) {
				if c := m.GetCounter(); c != nil {
					return c.GetValue()
				}
				return m.GetGauge().GetValue()
			}
		}
	}
	t.Fatalf("metric %s{%s} not found", name, label)
	return 0
}

// serveFarm serves farm, through wrap when not nil, on a loopback server.
func serveFarm(t testing.TB, farm *feedfarm.Farm, wrap func(http.Handler) http.Handler) *httptest.Server {
	t.Helper()
	var h http.Handler = farm.Handler()
	if wrap != nil {
		h = wrap(h)
	}
	return serve(t, h)
}

// serve serves h on a loopback server closed at cleanup.
func serve(t testing.TB, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// farmFeeds returns one feed per site of sc, in scenario order, with the
// site name as ID and the site topic.
func farmFeeds(sc feedfarm.Scenario, farm *feedfarm.Farm, base string, interval time.Duration) []story.Feed {
	urls := farm.FeedURLs(base)
	feeds := make([]story.Feed, 0, len(sc.Sites))
	for _, s := range sc.Sites {
		feeds = append(feeds, story.Feed{ID: s.Name, URL: urls[s.Name], Topic: s.Topic, Interval: interval})
	}
	return feeds
}

// demoArticles returns the articles of the demo scenario by slug.
func demoArticles() map[string]feedfarm.Article {
	out := map[string]feedfarm.Article{}
	for _, s := range feedfarm.DemoScenario().Sites {
		for _, e := range s.Entries {
			out[e.Article.Slug] = e.Article
		}
	}
	return out
}

var errPublishDown = errors.New("test: publisher down")

// flakyPublisher delegates to a real JetStream publisher and fails the
// failOn-th publish of a new story (counting from 1) while armed.
type flakyPublisher struct {
	next ledger.Publisher

	mu     sync.Mutex
	calls  int
	failOn int
	armed  bool
	failed []string // ids of the stories it refused
}

// Publish counts the publishes of new stories (not copies, overrides or
// story updates) and fails the failOn-th while armed.
func (f *flakyPublisher) Publish(ctx context.Context, ev sink.Event, o sink.PublishOptions) (uint64, bool, error) {
	if ev.Story == nil || o.Revision != "" {
		return f.next.Publish(ctx, ev, o)
	}
	f.mu.Lock()
	f.calls++
	fail := f.armed && f.calls == f.failOn
	if fail {
		f.failed = append(f.failed, ev.Story.ID)
	}
	f.mu.Unlock()
	if fail {
		return 0, false, errPublishDown
	}
	return f.next.Publish(ctx, ev, o)
}

// arm makes the n-th publish of a new story from now fail.
func (f *flakyPublisher) arm(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls, f.failOn, f.armed = 0, n, true
}

func (f *flakyPublisher) disarm() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.armed = false
}

func (f *flakyPublisher) refused() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.failed...)
}

// start runs p.Run(ctx) in a goroutine; the channel yields its result.
func start(ctx context.Context, p *pipeline.Pipeline) <-chan error {
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	return done
}

// waitDone waits for Run to return, at most limit.
func waitDone(t *testing.T, done <-chan error, limit time.Duration) {
	t.Helper()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run returned %v, want nil", err)
		}
	case <-time.After(limit):
		t.Fatalf("Run did not return within %v of its context being cancelled", limit)
	}
}
