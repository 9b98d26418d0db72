package daemon

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/feedsift/feedsift/dedupe"
	"github.com/feedsift/feedsift/fetcher"
	"github.com/feedsift/feedsift/internal/config"
	"github.com/feedsift/feedsift/internal/httpapi"
	"github.com/feedsift/feedsift/internal/kvstate"
	"github.com/feedsift/feedsift/internal/ledger"
	"github.com/feedsift/feedsift/internal/pipeline"
	"github.com/feedsift/feedsift/internal/pollq"
	"github.com/feedsift/feedsift/sink"
)

// File names in the data directory.
const (
	StoreFile    = "feedsift.db"
	NATSDir      = "nats"
	NATSURLFile  = "nats.url"
	HTTPAddrFile = "http.addr"
)

// Options are what the daemon takes besides its config.
type Options struct {
	Logger  *slog.Logger
	Version string
	// ConfigPath is the file Reload reads again; empty: Reload only
	// reads the stored feeds again.
	ConfigPath string
}

// Daemon is a running feedsift instance.
type Daemon struct {
	cfg      config.Config
	log      *slog.Logger
	embedded *sink.Embedded
	nc       *nats.Conn
	js       *sink.JetStream
	store    *sink.Store
	follow   *ledger.StreamFollower
	ledger   *ledger.Ledger
	state    *kvstate.Store
	queue    *pollq.Queue
	pipe     *pipeline.Pipeline
	feeds    *feedManager // the feed set: config plus stored feeds (reload.go)
	push     *pushManager // WebSub; nil when [websub] is off (websub.go)
	pub      *trackingPublisher
	httpSrv  *http.Server
	httpLn   net.Listener
	natsURL  string

	consumerErr chan error
	stopConsume context.CancelFunc
	// stopMaintain ends maintain (maintain.go); maintainDone closes
	// when it has.
	stopMaintain context.CancelFunc
	maintainDone chan struct{}
	ready        atomic.Bool

	// restoreMemLimit puts back the runtime's memory limit from before
	// Start (memlimit.go).
	restoreMemLimit func()

	started time.Time     // when Start began, for the uptime in "stopped"
	flushed shutdownStats // what close saved, for the "stopped" line
}

// shutdownStats is what close flushed, reported by the "stopped" line.
type shutdownStats struct {
	storeSeq    uint64 // the last stream sequence the store had applied
	snapshotSeq uint64 // the sequence the saved index snapshot covers
	snapshot    bool   // whether the index snapshot was saved
}

// Start brings up every component. On error, whatever was started is
// stopped again.
func Start(ctx context.Context, cfg config.Config, opts Options) (_ *Daemon, err error) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	d := &Daemon{cfg: cfg, log: log, started: time.Now()}
	d.restoreMemLimit = applyMemoryLimit(cfg.Daemon, log)
	defer func() {
		if err != nil {
			d.close()
		}
	}()

	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("daemon: data_dir: %w", err)
	}
	d.store, err = sink.OpenStore(filepath.Join(cfg.DataDir, StoreFile), sink.StoreOptions{Logger: log})
	if err != nil {
		return nil, fmt.Errorf("daemon: %w", err)
	}

	url := cfg.NATS.URL
	if cfg.NATS.Embedded() {
		host, port, err := splitHostPort(cfg.NATS.EmbeddedListen)
		if err != nil {
			return nil, fmt.Errorf("daemon: nats.embedded_listen: %w", err)
		}
		d.embedded, err = sink.StartEmbedded(ctx, sink.EmbeddedOptions{
			StoreDir: filepath.Join(cfg.DataDir, NATSDir), Host: host, Port: port, Logger: log,
		})
		if err != nil {
			return nil, fmt.Errorf("daemon: %w", err)
		}
		url = d.embedded.ClientURL()
		log.Info("embedded NATS server listening", "url", url, "store_dir", filepath.Join(cfg.DataDir, NATSDir))
	}
	d.natsURL = url
	// The daemon's own connection to its embedded server goes through
	// memory, not the loopback socket other clients use: each poll
	// makes several JetStream round trips (its queue message, its ack,
	// the feed state's read and write), and over a socket their system
	// calls were a large part of a poll's cost with many small feeds.
	var inProcess nats.InProcessConnProvider
	if d.embedded != nil {
		inProcess = d.embedded
	}
	d.nc, err = sink.Connect(ctx, sink.ConnOptions{
		URL: url, Name: "feedsift", InProcess: inProcess, User: cfg.NATS.User, Password: cfg.NATS.Password,
		Token: cfg.NATS.Token, NKeySeedFile: cfg.NATS.NKeyFile, CredsFile: cfg.NATS.CredsFile,
		TLSCA: cfg.NATS.TLSCA, TLSCert: cfg.NATS.TLSCert, TLSKey: cfg.NATS.TLSKey,
		IgnoreDiscoveredServers: cfg.NATS.IgnoreDiscoveredServers, Logger: log,
	})
	if err != nil {
		return nil, fmt.Errorf("daemon: %w", err)
	}
	err = d.retryStart(ctx, "story stream", func() (err error) {
		d.js, err = sink.NewJetStream(ctx, d.nc, sink.JetStreamOptions{
			Stream: cfg.NATS.Stream, SubjectPrefix: cfg.NATS.SubjectPrefix, DupesPrefix: cfg.NATS.DupesPrefix,
			Replicas: cfg.NATS.Replicas, DuplicateWindow: cfg.NATS.DuplicateWindow, MaxAge: cfg.NATS.MaxAge,
			MaxBytes: int64(cfg.NATS.MaxBytes), Logger: log,
		})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("daemon: %w", err)
	}

	raw, err := jetstream.New(d.nc)
	if err != nil {
		return nil, fmt.Errorf("daemon: jetstream: %w", err)
	}
	if err := d.followStream(ctx, raw); err != nil {
		return nil, err
	}
	if err := d.openCluster(ctx, raw); err != nil {
		return nil, err
	}

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	metrics := pipeline.NewMetrics(reg)
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "feedsift_store_lag_messages",
		Help: "Stream messages the local store has not applied yet (stream last sequence minus store sequence); NaN when the stream cannot be asked.",
	}, func() float64 {
		lag, err := d.storeLag()
		if err != nil {
			return math.NaN()
		}
		return float64(lag)
	}))
	d.pub = &trackingPublisher{js: d.js}
	d.ledger, err = ledger.New(ledger.Options{
		Index: d.follow.Index(), Overrides: d.follow.Overrides(), Follower: d.follow, Publisher: d.pub,
		Review: d.store, PreferredSources: cfg.Dedupe.PreferredSources, Metrics: metrics.Ledger(), Logger: log,
	})
	if err != nil {
		return nil, fmt.Errorf("daemon: %w", err)
	}

	userAgent := cfg.Fetch.UserAgent
	if userAgent == "" {
		userAgent = "feedsift/" + opts.Version + " (+https://github.com/feedsift/feedsift)"
	}
	client, err := fetcher.New(fetcher.Options{
		Timeout: cfg.Fetch.Timeout, MaxBodySize: cfg.Fetch.MaxBodyMiB << 20, MaxRedirects: cfg.Fetch.MaxRedirects,
		UserAgent: userAgent, PerHostConcurrency: cfg.Fetch.PerHostConcurrency,
		// Room for an idle connection to the site of every poll at
		// work, and as many again for sites whose polls just ended:
		// the pool drops the connection unused longest when it is
		// full, and a poll's site may wait many seconds for its next
		// article's turn (its interval, a free page slot), so with
		// less room busy farms dial each site again for every page.
		MaxIdleConns:    max(2*cfg.Fetch.Workers, fetcher.DefaultMaxIdleConns),
		PerHostInterval: perHostInterval(cfg.Fetch.PerHostInterval), Retries: retries(cfg.Fetch.Retries),
		AllowNetworks: cfg.Fetch.AllowPrefixes(), CrawlDelay: cfg.Fetch.CrawlDelay, Logger: log,
	})
	if err != nil {
		return nil, fmt.Errorf("daemon: %w", err)
	}
	feeds, err := d.initFeeds(opts.ConfigPath, reg)
	if err != nil {
		return nil, err
	}
	if err := d.openWebSub(); err != nil {
		return nil, err
	}
	d.pipe, err = pipeline.New(pipeline.Options{
		Feeds: feeds, Fetcher: client, State: &mirroredState{shared: d.state, local: d.store, log: log},
		Ledger: d.ledger, Templates: d.store, Pages: d.store,
		Queue: d.queue, SchedulerTick: cfg.Cluster.SchedulerTick, RequeueAfter: 2 * cfg.Cluster.PollAckWait,
		Workers: cfg.Fetch.Workers, MaxBackoff: cfg.Poll.MaxBackoff, MaxItemAge: cfg.Poll.MaxItemAge,
		DrainTimeout: cfg.Poll.DrainTimeout, Metrics: metrics, Logger: log,
		OnFeedDocument: d.push.onFeedDocument(), IntervalFor: d.push.intervalHook(),
	})
	if err != nil {
		return nil, fmt.Errorf("daemon: %w", err)
	}
	d.push.start(d.pipe)

	consumeCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	d.stopConsume = stop
	d.consumerErr = make(chan error, 1)
	go func() { d.consumerErr <- d.store.Consume(consumeCtx, d.js, d.durableName()) }()

	if err := d.startHTTP(reg); err != nil {
		return nil, err
	}
	if err := writeFile(filepath.Join(cfg.DataDir, NATSURLFile), url); err != nil {
		return nil, fmt.Errorf("daemon: %w", err)
	}
	d.ready.Store(true)
	log.Info("feedsift ready", "feeds", len(feeds), "nats", url, "http", d.HTTPAddr(),
		"stories_indexed", d.ledger.Len(), "version", opts.Version)
	return d, nil
}

// followStream restores the near-duplicate index and the overrides (from
// the index snapshot in the store and the stream after it, see
// ledger.Follow) and keeps them following the stream; then it starts the
// loop that ages the index and saves its snapshot.
func (d *Daemon) followStream(ctx context.Context, raw jetstream.JetStream) error {
	var err error
	d.follow, err = ledger.Follow(ctx, ledger.FollowOptions{
		JS: raw, Stream: d.js.Stream(), SubjectPrefix: d.cfg.NATS.SubjectPrefix, DupesPrefix: d.cfg.NATS.DupesPrefix,
		Index:     dedupe.Options{Window: d.cfg.Dedupe.Window, Texts: d.storyTexts(ctx)},
		Snapshots: d.store, Retry: d.retryStart, Logger: d.log,
	})
	if err != nil {
		return fmt.Errorf("daemon: %w", err)
	}
	maintainCtx, stopMaintain := context.WithCancel(context.WithoutCancel(ctx))
	d.stopMaintain, d.maintainDone = stopMaintain, make(chan struct{})
	go func() {
		defer close(d.maintainDone)
		d.maintain(maintainCtx)
	}()
	return nil
}

// storyTexts gives the near-duplicate index's second stage the text of a
// story from the store (dedupe.TextSource): a candidate the shingles
// refuse by a near miss is compared with it sentence by sentence. A story
// the store does not hold yet (it follows the stream) is judged by the
// shingles alone. The reads run under ctx without its cancellation: the
// index outlives the call that built it.
func (d *Daemon) storyTexts(ctx context.Context) dedupe.TextFunc {
	ctx = context.WithoutCancel(ctx)
	return func(id string) (string, bool) {
		s, ok, err := d.store.Story(ctx, id)
		if err != nil || !ok {
			return "", false
		}
		return s.Text, true
	}
}

func (d *Daemon) startHTTP(reg *prometheus.Registry) error {
	if d.cfg.HTTP.Listen == "" || d.cfg.HTTP.Listen == "off" {
		return nil
	}
	ln, err := net.Listen("tcp", d.cfg.HTTP.Listen)
	if err != nil {
		return fmt.Errorf("daemon: http.listen: %w", err)
	}
	d.httpLn = ln
	api := httpapi.New(httpapi.Options{
		Store: d.store, Review: d.ledger, Reextract: d.pipe, FeedAdmin: d, Feeds: d.pipe.Feeds, Gatherer: reg, Token: d.cfg.HTTP.Token, Logger: d.log, Ready: d.readyErr,
		ReadyDetail: d.readyDetail,
		WebSub:      d.push.handler(),
	})
	d.httpSrv = &http.Server{Handler: api, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := d.httpSrv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			d.log.Error("http listener stopped", "error", err)
		}
	}()
	if err := writeFile(filepath.Join(d.cfg.DataDir, HTTPAddrFile), ln.Addr().String()); err != nil {
		return fmt.Errorf("daemon: %w", err)
	}
	d.log.Info("http listener started", "addr", ln.Addr().String())
	return nil
}

func (d *Daemon) readyErr() error {
	switch {
	case !d.ready.Load():
		return errors.New("starting or stopping")
	case d.nc == nil || !d.nc.IsConnected():
		return errors.New("not connected to NATS")
	}
	return nil
}

// storeLagTimeout bounds the stream request behind the store lag.
const storeLagTimeout = 2 * time.Second

// storeLag is how many stream messages the local store has not applied
// yet: the stream's last sequence minus the store's (0 when the store is
// ahead, as after a stream was recreated).
func (d *Daemon) storeLag() (uint64, error) {
	ctx, cancel := context.WithTimeout(context.Background(), storeLagTimeout)
	defer cancel()
	last, err := d.follow.LastSeq(ctx)
	if err != nil {
		return 0, err
	}
	stored, err := d.store.LastSeq()
	if err != nil {
		return 0, err
	}
	if stored >= last {
		return 0, nil
	}
	return last - stored, nil
}

// readyDetail is what /readyz prints under "ready": the store's lag.
func (d *Daemon) readyDetail() string {
	lag, err := d.storeLag()
	if err != nil {
		return fmt.Sprintf("store lag: unknown (%v)", err)
	}
	return fmt.Sprintf("store lag: %d messages", lag)
}

// NATSURL is the URL of the NATS server the daemon publishes to.
func (d *Daemon) NATSURL() string { return d.natsURL }

// HTTPAddr is the address of the HTTP listener, or "" when it is off.
func (d *Daemon) HTTPAddr() string {
	if d.httpLn == nil {
		return ""
	}
	return d.httpLn.Addr().String()
}

// Store is the daemon's local store, for reading while it runs.
func (d *Daemon) Store() *sink.Store { return d.store }

// Run polls until ctx ends, then shuts down in the order given in the
// package doc and returns. The last line it logs is "stopped", with the
// uptime and what was flushed.
func (d *Daemon) Run(ctx context.Context) error {
	err := d.pipe.Run(ctx)
	d.ready.Store(false)
	d.log.Info("shutting down")
	// Give the store consumer a moment to apply what was just published.
	if seq := d.pub.lastSeq.Load(); seq > 0 {
		waitCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		if werr := d.store.WaitSeq(waitCtx, seq); werr != nil {
			d.log.Warn("store did not catch up before shutdown; it resumes from the stream next start", "seq", seq, "error", werr)
		}
		cancel()
	}
	err = errors.Join(err, d.close())
	attrs := []any{"uptime", time.Since(d.started).Round(time.Second).String(),
		"published_seq", d.pub.lastSeq.Load(), "store_seq", d.flushed.storeSeq}
	if d.flushed.snapshot {
		attrs = append(attrs, "snapshot_seq", d.flushed.snapshotSeq)
	}
	if err != nil {
		d.log.Warn("stopped", append(attrs, "error", err)...)
		return err
	}
	d.log.Info("stopped", attrs...)
	return nil
}

// close stops whatever was started, in order. It is safe on a partly
// started daemon.
func (d *Daemon) close() error {
	var errs []error
	d.push.stop() // pushed documents need the follower and NATS
	if d.stopMaintain != nil {
		d.stopMaintain()
		<-d.maintainDone
	}
	if d.follow != nil {
		d.follow.Close()
		if seq, err := d.follow.SaveSnapshot(); err != nil {
			errs = append(errs, err)
		} else {
			d.flushed.snapshot, d.flushed.snapshotSeq = true, seq
		}
	}
	if d.stopConsume != nil {
		d.stopConsume()
		if err := <-d.consumerErr; err != nil {
			errs = append(errs, fmt.Errorf("daemon: store consumer: %w", err))
		}
	}
	if d.httpSrv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		if err := d.httpSrv.Shutdown(ctx); err != nil {
			errs = append(errs, fmt.Errorf("daemon: http shutdown: %w", err))
		}
		cancel()
		if err := os.Remove(filepath.Join(d.cfg.DataDir, HTTPAddrFile)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			d.log.Debug("remove http.addr", "error", err)
		}
	}
	if d.nc != nil {
		closed := d.notifyClosed()
		if err := d.nc.Drain(); err != nil {
			if !errors.Is(err, nats.ErrConnectionClosed) {
				errs = append(errs, fmt.Errorf("daemon: nats drain: %w", err))
			}
			d.nc.Close() // it cannot drain (reconnecting): close at once
		}
		// The connection's own close line comes before "stopped".
		t := time.NewTimer(5 * time.Second)
		select {
		case <-closed:
		case <-t.C:
			d.log.Warn("nats connection not closed 5s after drain; closing it")
			d.nc.Close()
		}
		t.Stop()
	}
	if d.embedded != nil {
		d.embedded.Shutdown()
		// The address dies with the server: a stale nats.url would send
		// the client commands to a closed port.
		if err := os.Remove(filepath.Join(d.cfg.DataDir, NATSURLFile)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			d.log.Debug("remove nats.url", "error", err)
		}
	}
	if d.store != nil {
		if err := d.push.persist(); err != nil {
			errs = append(errs, err)
		}
		d.flushed.storeSeq, _ = d.store.LastSeq()
		if err := d.store.Close(); err != nil {
			errs = append(errs, fmt.Errorf("daemon: close store: %w", err))
		}
	}
	if d.restoreMemLimit != nil {
		d.restoreMemLimit()
	}
	return errors.Join(errs...)
}

// notifyClosed returns a channel closed once the NATS connection's closed
// handler (which logs that it closed) has run; at once when it had already
// closed.
func (d *Daemon) notifyClosed() <-chan struct{} {
	closed := make(chan struct{})
	if d.nc.IsClosed() {
		close(closed)
		return closed
	}
	var once sync.Once
	prev := d.nc.Opts.ClosedCB
	d.nc.SetClosedHandler(func(nc *nats.Conn) {
		if prev != nil {
			prev(nc)
		}
		once.Do(func() { close(closed) })
	})
	if d.nc.IsClosed() { // closed before the handler was set
		once.Do(func() { close(closed) })
	}
	return closed
}

// durableName names the store's stream consumer after this store file, so
// every instance's store has its own position in the stream.
func (d *Daemon) durableName() string {
	host, _ := os.Hostname() // an empty host name still gives a stable name per path
	abs, err := filepath.Abs(d.cfg.DataDir)
	if err != nil {
		abs = d.cfg.DataDir
	}
	sum := sha256.Sum256([]byte(host + "\x00" + abs))
	return "store-" + hex.EncodeToString(sum[:6])
}

// trackingPublisher remembers the highest stream sequence acknowledged.
type trackingPublisher struct {
	js      *sink.JetStream
	lastSeq atomic.Uint64
}

func (t *trackingPublisher) note(seq uint64) {
	for {
		cur := t.lastSeq.Load()
		if seq <= cur || t.lastSeq.CompareAndSwap(cur, seq) {
			return
		}
	}
}

func (t *trackingPublisher) Publish(ctx context.Context, ev sink.Event, o sink.PublishOptions) (uint64, bool, error) {
	seq, dup, err := t.js.Publish(ctx, ev, o)
	t.note(seq)
	return seq, dup, err
}

func splitHostPort(addr string) (string, int, error) {
	host, portStr, err := net.SplitHostPort(addr)
	if err != nil {
		return "", 0, err
	}
	port, err := strconv.Atoi(portStr)
	if err != nil {
		return "", 0, fmt.Errorf("port %q: %w", portStr, err)
	}
	if port == 0 {
		port = -1 // a random free port
	}
	return host, port, nil
}

func perHostInterval(d time.Duration) time.Duration {
	if d == 0 {
		return -1 // fetcher: negative means none
	}
	return d
}

func retries(n int) int {
	if n == 0 {
		return -1 // fetcher: negative means none
	}
	return n
}

func writeFile(path, content string) error {
	return os.WriteFile(path, []byte(content+"\n"), 0o600)
}
