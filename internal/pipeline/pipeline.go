package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"sync"
	"time"

	"github.com/feedsift/feedsift/fetcher"
	"github.com/feedsift/feedsift/internal/ledger"
	"github.com/feedsift/feedsift/internal/story"
)

// Fetcher fetches feed documents and article pages.
type Fetcher interface {
	Fetch(ctx context.Context, req fetcher.Request) (*fetcher.Response, error)
}

// idleCloser is a Fetcher that can close its kept-alive connections to
// the hosts of some URLs (*fetcher.Client): a poll that ended does not
// need its site's connection until its next poll.
type idleCloser interface {
	CloseIdle(urls ...string)
}

// StateStore keeps each feed's validators and schedule.
type StateStore interface {
	FeedState(ctx context.Context, feedID string) (story.FeedState, bool, error)
	PutFeedState(ctx context.Context, st story.FeedState) error
}

// TemplateStore keeps each host's learned site template as opaque bytes
// (see package sitetemplate). LoadTemplate returns nil for an unknown host.
type TemplateStore interface {
	LoadTemplate(ctx context.Context, host string) ([]byte, error)
	SaveTemplate(ctx context.Context, host string, data []byte) error
}

// DefaultWorkers is Options.Workers' default: feeds polled at once.
const DefaultWorkers = 1024

// Options configure a Pipeline. Fetcher, State and Ledger are required,
// and every feed needs a unique ID, a URL, a valid topic and a positive
// Interval; every other zero value means the documented default.
type Options struct {
	Feeds   []story.Feed
	Fetcher Fetcher
	State   StateStore
	// Ledger decides whether each new item is a new story or a copy,
	// and publishes the decision.
	Ledger *ledger.Ledger

	// Workers is the number of feeds polled at once; default 1024. A poll
	// spends most of its time waiting: on the network, and on the
	// fetcher's per-host spacing between the article fetches of one site.
	// A waiting poll holds no CPU, so many run at once; the CPU-bound
	// steps (feed parsing, extraction) run at most CPUSlots at once
	// whatever Workers is.
	Workers int
	// CPUSlots bounds the feed parses and page extractions running at
	// once; default GOMAXPROCS. It keeps CPU and the memory of parsed
	// pages bounded while Workers polls wait on their hosts.
	CPUSlots int
	// PageSlots bounds the article pages being fetched, extracted or
	// decided on; default 64 per CPU slot. A page takes a slot once its
	// host's turn has come (fetcher.Request.Admit), so polls waiting on
	// polite hosts hold none, and keeps it until the ledger has decided
	// on its item, so a fetched page waits for extraction and for the
	// ledger behind at most PageSlots others, however many polls run:
	// the latency from fetch to publication stays short when the CPU or
	// the ledger is the limit. The default covers fetches of a few
	// hundred milliseconds at the rate the CPU slots extract.
	PageSlots int
	// MaxBackoff caps the delay before a failing feed is polled again;
	// default 6h. A failing feed is never given up.
	MaxBackoff time.Duration
	// MaxItemAge skips items published longer ago than this; 0 keeps all.
	MaxItemAge time.Duration
	// DrainTimeout bounds how long Run waits for in-flight polls after
	// its context is cancelled; default 30s.
	DrainTimeout time.Duration
	// PollTimeout bounds one poll, article fetches included; default 10m.
	// A poll cut short keeps the feed's validators, so the items it did
	// not reach are taken at the next poll, and counts as a failure.
	PollTimeout time.Duration
	// MaxNewItems is the most new items one poll ingests (fetching their
	// pages); default 50. The rest wait for the next poll, which comes
	// at once: the validators are kept so the document is read again. It
	// bounds the work a feed that renames every item each poll can cause.
	MaxNewItems int
	// MaxTextBytes caps a story's text; longer texts are cut at a
	// paragraph boundary. Default 256 KiB, so that a story, and a copy
	// carrying its text, stay well inside NATS's default 1 MB payload.
	MaxTextBytes int
	// Templates, when set, turns on site templates: paragraphs a host
	// repeats across its article pages are learned, kept here, and
	// stripped from fetched articles. Nil turns the feature off.
	Templates TemplateStore
	// Pages, when set, keeps every fetched article page so that
	// Reextract can run extraction again on it; nil turns that off.
	Pages PageStore
	// Queue is the poll work queue Run schedules through, shared by the
	// instances of a cluster (a *pollq.Queue); nil means an in-process
	// queue.
	Queue Queue
	// SchedulerTick is how often Run looks for due feeds, plus up to a
	// quarter of it in jitter; default 1s.
	SchedulerTick time.Duration
	// RequeueAfter is how long a feed may stay overdue before its poll is
	// enqueued under a new message id, in case the queued one was lost;
	// default 1m. Set it above the queue's ack wait.
	RequeueAfter time.Duration
	// OnFeedDocument, when set, is called after each poll that fetched
	// and parsed a feed document (not a 304), once its items are handled,
	// with the feed, the body and a header holding the response's
	// Content-Type and Link values: the daemon looks for a WebSub hub
	// there. It runs on the poll's goroutine and must not block.
	OnFeedDocument func(f story.Feed, body []byte, header http.Header)
	// IntervalFor, when set, is asked for a feed's poll interval after
	// each successful poll; when it returns true with a duration longer
	// than the feed's Interval, the next check is that far off (the
	// daemon polls feeds a WebSub hub pushes less often). Backoff after
	// failures still uses the feed's Interval.
	IntervalFor func(feedID string) (time.Duration, bool)
	// Metrics receives counters; nil means unregistered instruments.
	Metrics *Metrics
	Logger  *slog.Logger
	// Now returns the current time; default time.Now.
	Now func() time.Time
}

// Pipeline polls feeds and publishes their stories. Create it with New.
type Pipeline struct {
	opts    Options
	log     *slog.Logger
	metrics *Metrics
	now     func() time.Time

	// cpu holds a token for each feed parse or page extraction running
	// (see Options.CPUSlots and withCPU).
	cpu chan struct{}
	// pages holds a token per article page between its host's turn and
	// the ledger's decision on its item (see Options.PageSlots and
	// pageSlot).
	pages chan struct{}

	// feeds is the feed list Run schedules (see SetFeeds).
	feeds *feedSet

	// tmplMu guards the map templates, the site templates loaded so far
	// by host; each host's template has a lock of its own, so pages of
	// different hosts are stripped and saved in parallel.
	tmplMu    sync.Mutex
	templates map[string]*hostTemplate

	// selectorMissed holds "feed ID\x00selector" once the feed's selector
	// matched nothing on a page and a warning was logged.
	selectorMissed sync.Map

	// pending counts, by feed, the new items this instance's last poll of
	// the feed could not publish (see notePending).
	pendingMu sync.Mutex
	pending   map[string]int

	// polled holds, by feed, the NextCheck each poll of this instance
	// recorded since the scheduler last looked (see notePolled).
	polledMu sync.Mutex
	polled   map[string]time.Time
}

// New checks opts and returns a Pipeline.
func New(opts Options) (*Pipeline, error) {
	var errs []error
	if opts.Fetcher == nil {
		errs = append(errs, errors.New("pipeline: Options.Fetcher is required"))
	}
	if opts.State == nil {
		errs = append(errs, errors.New("pipeline: Options.State is required"))
	}
	if opts.Ledger == nil {
		errs = append(errs, errors.New("pipeline: Options.Ledger is required"))
	}
	if opts.SchedulerTick < 0 {
		errs = append(errs, fmt.Errorf("pipeline: negative SchedulerTick %v", opts.SchedulerTick))
	}
	errs = append(errs, validateFeeds(opts.Feeds)...)
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if opts.Workers <= 0 {
		opts.Workers = DefaultWorkers
	}
	if opts.CPUSlots <= 0 {
		opts.CPUSlots = runtime.GOMAXPROCS(0)
	}
	if opts.PageSlots <= 0 {
		opts.PageSlots = 64 * opts.CPUSlots
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = 6 * time.Hour
	}
	if opts.DrainTimeout <= 0 {
		opts.DrainTimeout = 30 * time.Second
	}
	if opts.PollTimeout <= 0 {
		opts.PollTimeout = 10 * time.Minute
	}
	if opts.MaxNewItems <= 0 {
		opts.MaxNewItems = 50
	}
	if opts.MaxTextBytes <= 0 {
		opts.MaxTextBytes = 256 << 10
	}
	if opts.SchedulerTick == 0 {
		opts.SchedulerTick = time.Second
	}
	if opts.RequeueAfter <= 0 {
		opts.RequeueAfter = time.Minute
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	p := &Pipeline{opts: opts, log: opts.Logger, metrics: opts.Metrics, now: opts.Now, cpu: make(chan struct{}, opts.CPUSlots),
		pages:     make(chan struct{}, opts.PageSlots),
		templates: map[string]*hostTemplate{}, feeds: newFeedSet(opts.Feeds)}
	if p.log == nil {
		p.log = slog.New(slog.DiscardHandler)
	}
	if p.metrics == nil {
		p.metrics = NewMetrics(nil)
	}
	return p, nil
}

// withCPU runs fn, a CPU-bound step (a feed parse, a page extraction),
// once one of the CPUSlots is free or ctx ends first.
func (p *Pipeline) withCPU(ctx context.Context, fn func()) error {
	select {
	case p.cpu <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-p.cpu }()
	fn()
	return nil
}
