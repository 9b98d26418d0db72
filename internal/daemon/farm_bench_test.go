package daemon_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/feedsift/feedsift/extract"
	"github.com/feedsift/feedsift/internal/config"
	"github.com/feedsift/feedsift/internal/daemon"
	"github.com/feedsift/feedsift/internal/feedfarm"
)

// BenchmarkFarm runs the whole daemon (fetch, parse, extract, dedupe,
// NATS, bbolt) against a farm of news sites, each on a loopback address
// of its own (127.2.x.y), whose feeds carry only summaries, so every item's
// page (project-written articles in five templates of boilerplate, a
// fifth of them syndicated copies) is fetched. In the same run it runs
// the raw baseline at the same concurrency: fetch the feed, parse it with
// gofeed, fetch and extract every page, nothing else, without politeness.
// It prints both and the ratios the issue asks for: items/s, CPU ms per
// item, p50/p99 from a page being served to its story or copy being on
// the stream (to being extracted, for the baseline), peak RSS, the
// store's lag when the last item was published, and the wall time against
// the politeness bound (each site's robots.txt, feed and pages one after
// another, fetch.per_host_interval apart, all sites at once).
//
// FEEDSIFT_FARM sets the size, "SITESxITEMS" (default 50x20; the issue's
// rows are 2000x20 and 20000x2, at most 10000 sites);
// FEEDSIFT_FARM_INTERVAL sets fetch.per_host_interval (default 1s).
// Run it once: go test -run '^$' -bench BenchmarkFarm -benchtime 1x ./internal/daemon
func BenchmarkFarm(b *testing.B) {
	sites, items := farmSize(b)
	interval := time.Second
	if v := os.Getenv("FEEDSIFT_FARM_INTERVAL"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			b.Fatalf("FEEDSIFT_FARM_INTERVAL: %v", err)
		}
		interval = d
	}
	sc, err := feedfarm.Generate(feedfarm.GenOptions{Seed: 7, Feeds: sites, Items: items, Rounds: 1, NewPerRound: -1, Copies: 20,
		Formats: []string{feedfarm.FormatRSS}})
	if err != nil {
		b.Fatal(err)
	}
	perSite := 0
	total := 0
	for i := range sc.Sites {
		sc.Sites[i].SummaryOnly = true
		total += len(sc.Sites[i].Entries)
		perSite = max(perSite, len(sc.Sites[i].Entries))
	}
	farm := feedfarm.New(sc)
	farm.SetRound(1) // originals and their copies listed at once
	served := &servedLog{at: map[string]time.Time{}}
	urls := serveFarmSites(b, farm, served)
	// Each site's robots.txt, feed and pages one after another, interval
	// apart.
	bound := time.Duration(perSite+1) * interval

	for b.Loop() {
		served.reset()
		raw := runRawBaseline(b, urls, served, total)
		served.reset()
		fs := runFarmDaemon(b, urls, served, total, interval)
		b.ReportMetric(fs.itemsPerSec(), "items/s")
		b.ReportMetric(fs.itemsPerSec()/raw.itemsPerSec(), "x-raw-items/s")
		b.ReportMetric(fs.cpuPerItem(), "cpu-ms/item")
		b.ReportMetric(fs.cpuPerItem()/raw.cpuPerItem(), "x-raw-cpu/item")
		b.ReportMetric(fs.p99.Seconds()*1000, "p99-ms")
		b.ReportMetric(float64(fs.peakRSS)/(1<<20), "peak-rss-MB")
		b.ReportMetric(float64(fs.storeLag), "store-lag-msgs")
		b.ReportMetric(fs.wall.Seconds()/max(bound, raw.wall).Seconds(), "x-bound")
		b.Logf("farm %d sites x %d items (%d items with copies), fetch.per_host_interval %v, politeness bound %v", sites, items, total, interval, bound)
		b.Logf("%-9s %9s %9s %12s %9s %9s %9s %10s", "", "items", "wall", "items/s", "cpu ms/it", "p50 ms", "p99 ms", "peak RSS")
		for _, r := range []struct {
			name string
			res  farmResult
		}{{"raw", raw}, {"feedsift", fs}} {
			b.Logf("%-9s %9d %9s %12.1f %9.2f %9.0f %9.0f %8.0fMB", r.name, r.res.items, r.res.wall.Round(time.Millisecond),
				r.res.itemsPerSec(), r.res.cpuPerItem(), r.res.p50.Seconds()*1000, r.res.p99.Seconds()*1000, float64(r.res.peakRSS)/(1<<20))
		}
		b.Logf("feedsift/raw: items/s %.2f, CPU per item %.2f; wall / max(politeness bound, raw wall) %.2f; store lag at completion %d messages",
			fs.itemsPerSec()/raw.itemsPerSec(), fs.cpuPerItem()/raw.cpuPerItem(), fs.wall.Seconds()/max(bound, raw.wall).Seconds(), fs.storeLag)
	}
}

func farmSize(b *testing.B) (sites, items int) {
	sites, items = 50, 20
	if v := os.Getenv("FEEDSIFT_FARM"); v != "" {
		s, i, ok := strings.Cut(v, "x")
		var err1, err2 error
		sites, err1 = strconv.Atoi(s)
		items, err2 = strconv.Atoi(i)
		if !ok || err1 != nil || err2 != nil || sites < 2 || items < 1 {
			b.Fatalf("FEEDSIFT_FARM=%q: want SITESxITEMS, e.g. 2000x20", v)
		}
	}
	return sites, items
}

// servedLog records when each page path was last served.
type servedLog struct {
	mu sync.Mutex
	at map[string]time.Time
}

func (s *servedLog) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.at)
}

func (s *servedLog) mark(host, path string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.at[host+path] = time.Now()
}

func (s *servedLog) when(rawURL string) (time.Time, bool) {
	key, _, _ := strings.Cut(strings.TrimPrefix(rawURL, "http://"), "?")
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.at[key]
	return t, ok
}

// serveFarmSites serves farm on one loopback address per site and
// returns each site's feed URL on its own address.
func serveFarmSites(b *testing.B, farm *feedfarm.Farm, served *servedLog) []string {
	b.Helper()
	h := farm.Handler()
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, ".html") {
			served.mark(r.Host, r.URL.Path)
		}
		h.ServeHTTP(w, r)
	})
	perSite := farm.FeedURLs("")
	names := make([]string, 0, len(perSite))
	for name := range perSite {
		names = append(names, name)
	}
	slices.Sort(names)
	urls := make([]string, 0, len(names))
	for i, name := range names {
		addr := fmt.Sprintf("127.2.%d.%d:0", i/200, i%200+10)
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			b.Fatalf("listen on %s: %v", addr, err)
		}
		srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
		go func() { _ = srv.Serve(ln) }()
		b.Cleanup(func() { _ = srv.Close() })
		urls = append(urls, "http://"+ln.Addr().String()+perSite[name])
	}
	return urls
}

type farmResult struct {
	items    int
	wall     time.Duration
	cpu      time.Duration
	p50, p99 time.Duration
	peakRSS  int64
	storeLag uint64
}

func (r farmResult) itemsPerSec() float64 { return float64(r.items) / r.wall.Seconds() }
func (r farmResult) cpuPerItem() float64  { return r.cpu.Seconds() * 1000 / float64(r.items) }

// measure runs fn between two readings of the process's CPU time and
// peak resident memory (reset before).
func measure(b *testing.B, fn func()) (wall, cpu time.Duration, peak int64) {
	b.Helper()
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) // reset the peak RSS (VmHWM); Linux only
	cpu0 := cpuTime()
	start := time.Now()
	fn()
	return time.Since(start), cpuTime() - cpu0, peakRSS()
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// peakRSS reads VmHWM from /proc/self/status, in bytes; 0 elsewhere.
func peakRSS() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

func percentiles(ds []time.Duration) (p50, p99 time.Duration) {
	if len(ds) == 0 {
		return 0, 0
	}
	slices.Sort(ds)
	return ds[len(ds)/2], ds[min(len(ds)-1, len(ds)*99/100)]
}

// runRawBaseline fetches every feed, parses it with gofeed, and fetches
// and extracts every item's page, with 256 feeds at once and no
// politeness: the work any feed reader with extraction does.
func runRawBaseline(b *testing.B, feeds []string, served *servedLog, total int) farmResult {
	b.Helper()
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	defer client.CloseIdleConnections()
	var (
		mu   sync.Mutex
		lats []time.Duration
		n    int
	)
	get := func(u string) ([]byte, error) {
		resp, err := client.Get(u)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		return io.ReadAll(resp.Body)
	}
	wall, cpu, peak := measure(b, func() {
		work := make(chan string)
		var wg sync.WaitGroup
		for range min(256, len(feeds)) {
			wg.Go(func() {
				parser := gofeed.NewParser()
				for u := range work {
					body, err := get(u)
					if err != nil {
						b.Error(err)
						continue
					}
					f, err := parser.ParseString(string(body))
					if err != nil {
						b.Error(err)
						continue
					}
					for _, it := range f.Items {
						page, err := get(it.Link)
						if err != nil {
							b.Error(err)
							continue
						}
						if _, err := extract.Extract(page, extract.Options{URL: it.Link, Title: it.Title}); err != nil {
							b.Logf("raw: extract %s: %v", it.Link, err)
						}
						done := time.Now()
						mu.Lock()
						n++
						if t, ok := served.when(it.Link); ok {
							lats = append(lats, done.Sub(t))
						}
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
	if n != total {
		b.Errorf("raw baseline handled %d items, want %d", n, total)
	}
	p50, p99 := percentiles(lats)
	return farmResult{items: n, wall: wall, cpu: cpu, p50: p50, p99: p99, peakRSS: peak}
}

// runFarmDaemon runs the daemon on the embedded NATS server with every
// farm feed until a story or a copy of every item is on the stream.
func runFarmDaemon(b *testing.B, urls []string, served *servedLog, total int, interval time.Duration) farmResult {
	b.Helper()
	cfg := config.Default()
	cfg.DataDir = b.TempDir()
	cfg.Log.Level = "warn"
	cfg.NATS.EmbeddedListen = "127.0.0.1:0"
	cfg.HTTP.Listen = "off"
	cfg.Fetch.AllowNetworks = []string{"127.0.0.0/8"}
	cfg.Fetch.PerHostInterval = interval
	cfg.Poll.Interval = time.Hour
	cfg.Poll.MaxItemAge = 100 * 365 * 24 * time.Hour
	for i, u := range urls {
		cfg.Feeds = append(cfg.Feeds, config.FeedConfig{ID: fmt.Sprintf("site-%05d", i), URL: u, Topic: "bench",
			Interval: time.Hour, FetchArticle: true})
	}
	if err := cfg.Validate(); err != nil {
		b.Fatal(err)
	}
	var (
		res  farmResult
		lats []time.Duration
	)
	ctx, cancel := context.WithCancel(b.Context())
	defer cancel()
	var d *daemon.Daemon
	var runDone chan error
	res.wall, res.cpu, res.peakRSS = measure(b, func() {
		var err error
		d, err = daemon.Start(ctx, cfg, daemon.Options{Version: "bench", Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			b.Fatal(err)
		}
		nc, err := nats.Connect(d.NATSURL())
		if err != nil {
			b.Fatal(err)
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
			b.Fatal(err)
		}
		defer func() { _ = sub.Unsubscribe() }()
		runDone = make(chan error, 1)
		go func() { runDone <- d.Run(ctx) }()
		seen := map[string]bool{}
		limit := time.NewTimer(10*time.Minute + 20*time.Duration(len(urls))*interval)
		defer limit.Stop()
		for len(seen) < total {
			select {
			case u := <-arrived:
				if !seen[u] {
					seen[u] = true
					if t, ok := served.when(u); ok {
						lats = append(lats, time.Since(t))
					}
				}
			case <-limit.C:
				b.Fatalf("only %d of %d items published", len(seen), total)
			}
		}
		res.items = len(seen)
		res.storeLag = storeLagNow(b, nc, d)
	})
	cancel()
	if err := <-runDone; err != nil {
		b.Errorf("Run: %v", err)
	}
	res.p50, res.p99 = percentiles(lats)
	return res
}

// storeLagNow is the stream's last sequence minus the store's.
func storeLagNow(b *testing.B, nc *nats.Conn, d *daemon.Daemon) uint64 {
	js, err := jetstream.New(nc)
	if err != nil {
		b.Fatal(err)
	}
	st, err := js.Stream(b.Context(), "FEEDSIFT")
	if err != nil {
		b.Fatal(err)
	}
	info, err := st.Info(b.Context())
	if err != nil {
		b.Fatal(err)
	}
	stored, err := d.Store().LastSeq()
	if err != nil {
		b.Fatal(err)
	}
	if stored >= info.State.LastSeq {
		return 0
	}
	return info.State.LastSeq - stored
}
