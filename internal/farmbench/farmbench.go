package farmbench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/mmcdole/gofeed"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/feedsift/feedsift/extract"
	"github.com/feedsift/feedsift/internal/config"
	"github.com/feedsift/feedsift/internal/daemon"
)

// MaxSites bounds Options.Sites: one loopback address each.
const MaxSites = 20_000

// Options configure a Run.
type Options struct {
	// Sites and Items size the farm (at least 2 sites and 1 item).
	Sites, Items int
	// Interval is the daemon's fetch.per_host_interval.
	Interval time.Duration
	// Workers is the daemon's fetch.workers; 0 keeps the default.
	Workers int
	// MemoryLimit is the daemon's daemon.memory_limit in bytes; 0 keeps
	// the default.
	MemoryLimit int64
	// Extract is the raw baseline's extractor, and ExtractName its name
	// in the report; nil means feedsift's own extractor.
	Extract     func(page []byte, url, title string) error
	ExtractName string
	// DataDir holds the daemon's data; it must be empty or absent.
	DataDir string
	// FarmProcess serves the farm from a child process (this program run
	// again; its main must call ServeChild first), so that the CPU time
	// and memory measured are the daemon's and the baseline's alone, not
	// the farm's too. Without it the farm is served from this process.
	FarmProcess bool
	// HeapProfile, when set, receives the heap profile (pprof format)
	// taken during the daemon's run when its Go heap was largest.
	HeapProfile io.Writer
	// CPUProfile, when set with DaemonBinary, receives the daemon
	// process's CPU profile (pprof format) over the first
	// CPUProfileWindow of its run (30 s when zero), read from its
	// /debug/pprof/profile. The run waits for the window to close before
	// it stops the daemon, so a window longer than the run costs wall
	// time, not the profile.
	CPUProfile       io.Writer
	CPUProfileWindow time.Duration
	// DaemonBinary, when set, is a feedsift binary whose `run` command
	// is the daemon side, in a process of its own (see runDaemonProcess),
	// so that what is measured is the daemon's alone. Empty runs the
	// daemon in this process, beside the measuring code and whatever the
	// program links for the baseline.
	DaemonBinary string
}

// Result is what one side of the run measured.
type Result struct {
	Items    int
	Wall     time.Duration
	CPU      time.Duration
	P50, P99 time.Duration
	// PeakRSS is the process's peak resident memory during the run, and
	// BaseRSS its resident memory at the start: the farm's servers and
	// pages, and the test process. PeakRSS - BaseRSS is what the run
	// added.
	PeakRSS, BaseRSS int64
	// PeakHeap is the largest Go heap in use seen during the run, and
	// FileRSS the file-backed part of the resident memory (mapped files,
	// such as the bbolt store) when it was largest: what of PeakRSS the
	// garbage collector and the page cache can give back.
	PeakHeap, FileRSS int64
	StoreLag          uint64 // the daemon only
	Failures          int    // the baseline only: fetches or parses that failed
	FirstFailure      error  // the baseline only: the first of them
	// Retries counts the baseline's fetches that failed once and were
	// tried again (the daemon's fetcher retries too, so the baseline
	// gets one retry: a loaded loopback server may close a kept-alive
	// connection as a request goes out on it).
	Retries int
	// Conns is the number of connections the farm accepted during the
	// run: one per site when connections are kept alive between a
	// site's requests, up to one per request when they are not.
	Conns int64
}

// ItemsPerSec is the throughput.
func (r Result) ItemsPerSec() float64 { return float64(r.Items) / r.Wall.Seconds() }

// ConnsPerItem is the connections opened per item.
func (r Result) ConnsPerItem() float64 { return float64(r.Conns) / float64(r.Items) }

// CPUPerItem is the CPU time per item, in milliseconds.
func (r Result) CPUPerItem() float64 { return r.CPU.Seconds() * 1000 / float64(r.Items) }

// Report is a whole run: the farm, the politeness bound, both results.
type Report struct {
	Options
	// Total is the number of items, copies included.
	Total int
	// Bound is the politeness bound (see the package doc).
	Bound       time.Duration
	Raw, Daemon Result
}

// ItemsRatio is the daemon's items/s over the baseline's.
func (r Report) ItemsRatio() float64 { return r.Daemon.ItemsPerSec() / r.Raw.ItemsPerSec() }

// CPURatio is the daemon's CPU per item over the baseline's.
func (r Report) CPURatio() float64 { return r.Daemon.CPUPerItem() / r.Raw.CPUPerItem() }

// BoundRatio is the daemon's wall time over the larger of the politeness
// bound and the baseline's wall time.
func (r Report) BoundRatio() float64 {
	return r.Daemon.Wall.Seconds() / max(r.Bound, r.Raw.Wall).Seconds()
}

// Write prints the report as a table with the ratios.
func (r Report) Write(w io.Writer) error {
	var b strings.Builder
	workers := "default"
	if r.Workers > 0 {
		workers = fmt.Sprint(r.Workers)
	}
	fmt.Fprintf(&b, "farm %d sites x %d items (%d items with copies), fetch.per_host_interval %v, fetch.workers %s, politeness bound %v\n",
		r.Sites, r.Items, r.Total, r.Interval, workers, r.Bound)
	fmt.Fprintf(&b, "%-24s %7s %10s %9s %10s %7s %7s %9s %9s %9s %9s %10s %8s\n", "", "items", "wall", "items/s", "cpu ms/it", "p50 ms", "p99 ms", "peak RSS", "over base", "peak heap", "file RSS", "store lag", "conns/it")
	for _, row := range []struct {
		name string
		res  Result
		lag  string
	}{{"raw (" + r.extractName() + ")", r.Raw, ""}, {"feedsift", r.Daemon, fmt.Sprint(r.Daemon.StoreLag)}} {
		fmt.Fprintf(&b, "%-24s %7d %10s %9.1f %10.2f %7.0f %7.0f %7.0fMB %7.0fMB %7.0fMB %7.0fMB %10s %8.2f\n", row.name, row.res.Items, row.res.Wall.Round(time.Millisecond),
			row.res.ItemsPerSec(), row.res.CPUPerItem(), ms(row.res.P50), ms(row.res.P99), mb(row.res.PeakRSS), mb(row.res.PeakRSS-row.res.BaseRSS),
			mb(row.res.PeakHeap), mb(row.res.FileRSS), row.lag, row.res.ConnsPerItem())
	}
	if r.Raw.Retries > 0 {
		fmt.Fprintf(&b, "the raw baseline retried %d failed fetches once\n", r.Raw.Retries)
	}
	fmt.Fprintf(&b, "feedsift/raw: items/s %.2f, CPU per item %.2f; wall / max(politeness bound, raw wall) %.2f; store lag at completion %d messages\n",
		r.ItemsRatio(), r.CPURatio(), r.BoundRatio(), r.Daemon.StoreLag)
	_, err := io.WriteString(w, b.String())
	return err
}

func (r Report) extractName() string {
	if r.ExtractName != "" {
		return r.ExtractName
	}
	return "feedsift extract"
}

func ms(d time.Duration) float64 { return d.Seconds() * 1000 }

func mb(n int64) float64 { return float64(n) / (1 << 20) }

// Run builds the farm, serves it, runs the baseline and then the daemon,
// and returns the report. The farm's servers are closed when it returns.
func Run(ctx context.Context, opts Options) (Report, error) {
	if opts.Sites < 2 || opts.Sites > MaxSites || opts.Items < 1 {
		return Report{}, fmt.Errorf("farmbench: %d sites x %d items: want 2 to %d sites and at least 1 item", opts.Sites, opts.Items, MaxSites)
	}
	if opts.DataDir == "" {
		return Report{}, errors.New("farmbench: Options.DataDir is required")
	}
	rep := Report{Options: opts}
	var (
		farm *servedFarm
		err  error
	)
	if opts.FarmProcess {
		farm, err = serveInChild(ctx, opts.Sites, opts.Items)
	} else {
		farm, err = serveInProcess(opts.Sites, opts.Items)
	}
	if err != nil {
		return Report{}, err
	}
	defer farm.close()
	rep.Total = farm.Total
	// Each site's robots.txt, feed and pages one after another, Interval
	// apart.
	rep.Bound = time.Duration(farm.PerSite+1) * opts.Interval

	extractFn := opts.Extract
	if extractFn == nil {
		extractFn = func(page []byte, url, title string) error {
			_, err := extract.Extract(page, extract.Options{URL: url, Title: title})
			return err
		}
	}
	if rep.Raw, err = runRaw(ctx, farm, extractFn); err != nil {
		return rep, err
	}
	if rep.Raw.Items != rep.Total {
		return rep, fmt.Errorf("farmbench: the raw baseline handled %d items of %d (%d fetches or parses failed, the first with: %w)", rep.Raw.Items, rep.Total, rep.Raw.Failures, rep.Raw.FirstFailure)
	}
	runSide := runDaemon
	if opts.DaemonBinary != "" {
		runSide = runDaemonProcess
	}
	if rep.Daemon, err = runSide(ctx, opts, farm); err != nil {
		return rep, err
	}
	return rep, nil
}

// runRaw fetches every feed, parses it with gofeed, and fetches and
// extracts every item's page, with 256 feeds at once and no politeness.
func runRaw(ctx context.Context, farm *servedFarm, extractFn func([]byte, string, string) error) (Result, error) {
	feeds := farm.URLs
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConns: 1024, MaxIdleConnsPerHost: 4}}
	defer client.CloseIdleConnections()
	var (
		mu       sync.Mutex
		arrivals []arrival
		res      Result
	)
	get := func(u string) ([]byte, error) {
		return getOnceMore(ctx, client, u, func() {
			mu.Lock()
			res.Retries++
			mu.Unlock()
		})
	}
	failed := func(err error) {
		mu.Lock()
		res.Failures++
		if res.FirstFailure == nil {
			res.FirstFailure = err
		}
		mu.Unlock()
	}
	connsBefore, err := farm.settle(ctx)
	if err != nil {
		return res, err
	}
	start := time.Now()
	u := measure(false, func() {
		work := make(chan string)
		var wg sync.WaitGroup
		for range min(256, len(feeds)) {
			wg.Go(func() {
				parser := gofeed.NewParser()
				for u := range work {
					body, err := get(u)
					if err != nil {
						failed(err)
						continue
					}
					f, err := parser.ParseString(string(body))
					if err != nil {
						failed(err)
						continue
					}
					for _, it := range f.Items {
						page, err := get(it.Link)
						if err != nil {
							failed(err)
							continue
						}
						_ = extractFn(page, it.Link, it.Title) // a page without text is still handled
						done := time.Now()
						mu.Lock()
						res.Items++
						arrivals = append(arrivals, arrival{it.Link, done})
						mu.Unlock()
					}
				}
			})
		}
		for _, u := range feeds {
			work <- u
		}
		close(work)
		wg.Wait()
	})
	res.setUsage(u)
	connsAfter, err := farm.settle(ctx)
	if err != nil {
		return res, err
	}
	res.Conns = connsAfter - connsBefore
	res.P50, res.P99 = percentiles(farm.served.latencies(arrivals, start))
	return res, ctx.Err()
}

// getOnceMore fetches u with client and returns the body of a 200
// response; a failed fetch is tried once more, after calling retried.
// The daemon's fetcher retries failed fetches, so the baseline gets one
// retry too: on a loaded machine a loopback server may close a kept-alive
// connection just as a request goes out on it.
func getOnceMore(ctx context.Context, client *http.Client, u string, retried func()) ([]byte, error) {
	body, err := get(ctx, client, u)
	if err == nil || ctx.Err() != nil {
		return body, err
	}
	retried()
	return get(ctx, client, u)
}

func get(ctx context.Context, client *http.Client, u string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	return io.ReadAll(resp.Body)
}

// runDaemon runs the daemon on the embedded NATS server with every farm
// feed until a story or a copy of every item is on the stream.
func runDaemon(ctx context.Context, opts Options, farm *servedFarm) (Result, error) {
	urls, total := farm.URLs, farm.Total
	cfg := config.Default()
	cfg.DataDir = opts.DataDir
	cfg.Log.Level = "warn"
	cfg.NATS.EmbeddedListen = "127.0.0.1:0"
	cfg.HTTP.Listen = "off"
	cfg.Fetch.AllowNetworks = []string{"127.0.0.0/8"}
	cfg.Fetch.PerHostInterval = opts.Interval
	if opts.Workers > 0 {
		cfg.Fetch.Workers = opts.Workers
	}
	if opts.MemoryLimit > 0 {
		cfg.Daemon.MemoryLimit = config.ByteSize(opts.MemoryLimit)
	}
	cfg.Poll.Interval = time.Hour
	cfg.Poll.MaxItemAge = 100 * 365 * 24 * time.Hour
	for i, u := range urls {
		cfg.Feeds = append(cfg.Feeds, config.FeedConfig{ID: fmt.Sprintf("site-%05d", i), URL: u, Topic: "bench",
			Interval: time.Hour, FetchArticle: true})
	}
	if err := cfg.Validate(); err != nil {
		return Result{}, fmt.Errorf("farmbench: %w", err)
	}
	var (
		res      Result
		arrivals arrivalLog
		runErr   error
		errOnce  error
	)
	outer := ctx // the farm is settled under it once the daemon is stopped
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	runDone := make(chan error, 1)
	started := false
	connsBefore, err := farm.settle(ctx)
	if err != nil {
		return res, err
	}
	start := time.Now()
	u := measure(opts.HeapProfile != nil, func() {
		d, err := daemon.Start(ctx, cfg, daemon.Options{Version: "farmbench", Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			errOnce = fmt.Errorf("farmbench: start the daemon: %w", err)
			return
		}
		nc, err := nats.Connect(d.NATSURL())
		if err != nil {
			errOnce = fmt.Errorf("farmbench: %w", err)
			return
		}
		defer nc.Close()
		arrived := make(chan string, 3*total+16) // never blocks the connection: stories, copies and updates
		sub, err := nc.Subscribe(">", func(m *nats.Msg) {
			if !strings.HasPrefix(m.Subject, "news.") && !strings.HasPrefix(m.Subject, "feedsift.dupes.") {
				return
			}
			// A story (or an update that made this item the kept
			// version) or a copy: either way the item is decided.
			var ev struct {
				URL string `json:"url"`
			}
			if json.Unmarshal(m.Data, &ev) == nil {
				arrived <- ev.URL
			}
		})
		if err != nil {
			errOnce = fmt.Errorf("farmbench: %w", err)
			return
		}
		defer func() { _ = sub.Unsubscribe() }()
		started = true
		go func() { runDone <- d.Run(ctx) }()
		limit := time.NewTimer(publishDeadline(len(urls), opts.Interval))
		defer limit.Stop()
		for arrivals.count() < total {
			select {
			case u := <-arrived:
				arrivals.add(u)
			case <-limit.C:
				errOnce = fmt.Errorf("farmbench: only %d of %d items published in time", arrivals.count(), total)
				return
			case <-ctx.Done():
				errOnce = ctx.Err()
				return
			}
		}
		res.Items = arrivals.count()
		res.StoreLag, errOnce = storeLag(ctx, nc, d)
	})
	cancel()
	if started {
		runErr = <-runDone
	}
	res.setUsage(u)
	if opts.HeapProfile != nil && u.heapProfile != nil {
		if _, err := opts.HeapProfile.Write(u.heapProfile); err != nil {
			errOnce = errors.Join(errOnce, fmt.Errorf("farmbench: write the heap profile: %w", err))
		}
	}
	if connsAfter, err := farm.settle(outer); err != nil {
		errOnce = errors.Join(errOnce, err)
	} else {
		res.Conns = connsAfter - connsBefore
	}
	res.P50, res.P99 = percentiles(farm.served.latencies(arrivals.list, start))
	return res, errors.Join(errOnce, runErr)
}

func (r *Result) setUsage(u usage) {
	r.Wall, r.CPU, r.BaseRSS, r.PeakRSS, r.PeakHeap, r.FileRSS = u.wall, u.cpu, u.baseRSS, u.peakRSS, u.peakHeap, u.fileRSS
}

// storeLag is the stream's last sequence minus the store's.
func storeLag(ctx context.Context, nc *nats.Conn, d *daemon.Daemon) (uint64, error) {
	js, err := jetstream.New(nc)
	if err != nil {
		return 0, err
	}
	st, err := js.Stream(ctx, "FEEDSIFT")
	if err != nil {
		return 0, err
	}
	info, err := st.Info(ctx)
	if err != nil {
		return 0, err
	}
	stored, err := d.Store().LastSeq()
	if err != nil {
		return 0, err
	}
	if stored >= info.State.LastSeq {
		return 0, nil
	}
	return info.State.LastSeq - stored, nil
}

func percentiles(ds []time.Duration) (p50, p99 time.Duration) {
	if len(ds) == 0 {
		return 0, 0
	}
	slices.Sort(ds)
	return ds[len(ds)/2], ds[min(len(ds)-1, len(ds)*99/100)]
}
