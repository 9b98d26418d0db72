package farmbench

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/feedsift/feedsift/internal/feedfarm"
)

// childEnv, set to "SITESxITEMS", makes a program that calls ServeChild
// serve the farm of that size instead of doing its own work.
const childEnv = "FEEDSIFT_FARMBENCH_FARM"

// servedFarm is a farm being served: each site's feed URL, the number of
// items (copies included), the most items of one site, and when each page
// was served.
type servedFarm struct {
	URLs    []string `json:"urls"`
	Total   int      `json:"total"`
	PerSite int      `json:"per_site"`

	served *servedLog
	// settle returns once every page served so far is in served, with
	// the number of connections the farm has accepted so far: a client
	// that keeps its connections alive opens one per host, one that
	// lets them go opens one per request.
	settle func(context.Context) (accepted int64, err error)
	close  func()
}

// generate builds the farm of sites x items: summary-only RSS feeds, a
// fifth of the items syndicated copies, all listed at once.
func generate(sites, items int) (*feedfarm.Farm, int, int, error) {
	sc, err := feedfarm.Generate(feedfarm.GenOptions{Seed: 7, Feeds: sites, Items: items, Rounds: 1, NewPerRound: -1, Copies: 20,
		Formats: []string{feedfarm.FormatRSS}})
	if err != nil {
		return nil, 0, 0, fmt.Errorf("farmbench: %w", err)
	}
	total, perSite := 0, 0
	for i := range sc.Sites {
		sc.Sites[i].SummaryOnly = true
		total += len(sc.Sites[i].Entries)
		perSite = max(perSite, len(sc.Sites[i].Entries))
	}
	farm := feedfarm.New(sc)
	farm.SetRound(1) // originals and their copies listed at once
	return farm, total, perSite, nil
}

// serveInProcess serves the farm from this process.
func serveInProcess(sites, items int) (*servedFarm, error) {
	farm, total, perSite, err := generate(sites, items)
	if err != nil {
		return nil, err
	}
	served := &servedLog{at: map[string]time.Time{}}
	var accepted atomic.Int64
	urls, closeAll, err := serveSites(farm, &accepted, func(key string) { served.markAt(key, time.Now()) })
	if err != nil {
		return nil, err
	}
	return &servedFarm{URLs: urls, Total: total, PerSite: perSite, served: served,
		settle: func(context.Context) (int64, error) { return accepted.Load(), nil }, close: closeAll}, nil
}

// serveInChild serves the farm from a child process: this program run
// again with childEnv set (see ServeChild). The child prints the farm's
// servedFarm as one JSON line, then a line "S <unix ns> <host><path>" for
// each page it serves; to the line "sync" on its input it answers
// "synced <connections accepted>" once every page served before is
// printed, and it exits when its input closes.
func serveInChild(ctx context.Context, sites, items int) (*servedFarm, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("farmbench: the farm's process: %w", err)
	}
	cmd := exec.CommandContext(ctx, exe)
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%dx%d", childEnv, sites, items))
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("farmbench: the farm's process: %w", err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("farmbench: the farm's process: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("farmbench: start the farm's process: %w", err)
	}
	stop := func() {
		_ = in.Close()
		_ = cmd.Wait()
	}
	lines := bufio.NewScanner(out)
	lines.Buffer(make([]byte, 64<<10), 64<<20)
	f := &servedFarm{served: &servedLog{at: map[string]time.Time{}}}
	if !lines.Scan() {
		stop()
		return nil, fmt.Errorf("farmbench: the farm's process gave no farm: %w", errors.Join(lines.Err(), io.ErrUnexpectedEOF))
	}
	if err := json.Unmarshal(lines.Bytes(), f); err != nil {
		stop()
		return nil, fmt.Errorf("farmbench: the farm's process: %w", err)
	}
	synced := make(chan int64)
	go func() {
		for lines.Scan() {
			line := lines.Text()
			if rest, ok := strings.CutPrefix(line, "synced "); ok {
				n, _ := strconv.ParseInt(rest, 10, 64)
				synced <- n
				continue
			}
			if rest, ok := strings.CutPrefix(line, "S "); ok {
				ns, key, _ := strings.Cut(rest, " ")
				if n, err := strconv.ParseInt(ns, 10, 64); err == nil {
					f.served.markAt(key, time.Unix(0, n))
				}
			}
		}
		close(synced)
	}()
	var syncMu sync.Mutex
	f.settle = func(ctx context.Context) (int64, error) {
		syncMu.Lock()
		defer syncMu.Unlock()
		if _, err := io.WriteString(in, "sync\n"); err != nil {
			return 0, fmt.Errorf("farmbench: the farm's process: %w", err)
		}
		select {
		case n, ok := <-synced:
			if !ok {
				return 0, errors.New("farmbench: the farm's process ended")
			}
			return n, nil
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
	f.close = stop
	return f, nil
}

// ServeChild serves a farm and returns true when this process was started
// as Run's farm process (Options.FarmProcess); the program should then
// exit. Otherwise it returns false at once. A program that runs Run with
// Options.FarmProcess calls it first thing in main.
func ServeChild() bool {
	size, ok := os.LookupEnv(childEnv)
	if !ok {
		return false
	}
	if err := serveChild(size); err != nil {
		fmt.Fprintln(os.Stderr, "farmbench: the farm's process:", err)
		os.Exit(1)
	}
	return true
}

func serveChild(size string) error {
	s, i, _ := strings.Cut(size, "x")
	sites, err1 := strconv.Atoi(s)
	items, err2 := strconv.Atoi(i)
	if err := errors.Join(err1, err2); err != nil {
		return fmt.Errorf("%s=%q: %w", childEnv, size, err)
	}
	farm, total, perSite, err := generate(sites, items)
	if err != nil {
		return err
	}
	var mu sync.Mutex
	var accepted atomic.Int64
	w := bufio.NewWriterSize(os.Stdout, 256<<10)
	urls, closeAll, err := serveSites(farm, &accepted, func(key string) {
		mu.Lock()
		defer mu.Unlock()
		_, _ = fmt.Fprintf(w, "S %d %s\n", time.Now().UnixNano(), key)
	})
	if err != nil {
		return err
	}
	defer closeAll()
	head, err := json.Marshal(servedFarm{URLs: urls, Total: total, PerSite: perSite})
	if err != nil {
		return err
	}
	mu.Lock()
	_, _ = w.Write(append(head, '\n'))
	err = w.Flush()
	mu.Unlock()
	if err != nil {
		return err
	}
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		if in.Text() != "sync" {
			continue
		}
		mu.Lock()
		_, _ = fmt.Fprintf(w, "synced %d\n", accepted.Load())
		err := w.Flush()
		mu.Unlock()
		if err != nil {
			return err
		}
	}
	return in.Err()
}

// servedLog records when each page was last served, by host and path.
type servedLog struct {
	mu sync.Mutex
	at map[string]time.Time
}

func (s *servedLog) markAt(key string, t time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.at[key] = t
}

// when is the time the page at rawURL was last served.
func (s *servedLog) when(rawURL string) (time.Time, bool) {
	key, _, _ := strings.Cut(strings.TrimPrefix(rawURL, "http://"), "?")
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.at[key]
	return t, ok
}

// arrival is an item's page URL and when the side being measured was
// done with it.
type arrival struct {
	url string
	at  time.Time
}

// arrivalLog records when each item's page URL first arrived.
type arrivalLog struct {
	seen map[string]bool
	list []arrival
}

// add records u's arrival now, unless it arrived before.
func (l *arrivalLog) add(u string) {
	if l.seen == nil {
		l.seen = make(map[string]bool)
	}
	if !l.seen[u] {
		l.seen[u] = true
		l.list = append(l.list, arrival{u, time.Now()})
	}
}

// count is how many distinct URLs have arrived.
func (l *arrivalLog) count() int { return len(l.list) }

// publishDeadline is how long a daemon run over feeds feeds, interval
// apart per host, may take to publish every item before it is reported
// as stuck: far beyond any politeness bound, so only a lost item hits it.
func publishDeadline(feeds int, interval time.Duration) time.Duration {
	return 10*time.Minute + 20*time.Duration(feeds)*interval
}

// latencies is, for each arrival whose page was served at or after
// since, the time from its page being served to its arrival.
func (s *servedLog) latencies(arrivals []arrival, since time.Time) []time.Duration {
	lats := make([]time.Duration, 0, len(arrivals))
	for _, a := range arrivals {
		if t, ok := s.when(a.url); ok && !t.Before(since) {
			lats = append(lats, a.at.Sub(t))
		}
	}
	return lats
}

// serveSites serves farm on one loopback address per site and returns
// each site's feed URL on its own address, and a function closing it;
// served is called with the host and path of each page it serves.
//
// One listener serves every site: bound to the wildcard address, it is
// reached on every loopback address (127.2.x.y) at its port, so a farm of
// tens of thousands of sites takes one file descriptor, not one each, and
// the daemon sees a host of its own per site. It closes at once any
// connection that does not come from a loopback address: the farm's
// traffic stays on loopback.
func serveSites(farm *feedfarm.Farm, accepted *atomic.Int64, served func(key string)) ([]string, func(), error) {
	h := farm.Handler()
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, ".html") {
			served(r.Host + r.URL.Path)
		}
		h.ServeHTTP(w, r)
	})
	perSite := farm.FeedURLs("")
	names := make([]string, 0, len(perSite))
	for name := range perSite {
		names = append(names, name)
	}
	slices.Sort(names)
	ln, err := net.Listen("tcp4", "0.0.0.0:0")
	if err != nil {
		return nil, nil, fmt.Errorf("farmbench: listen: %w", err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(loopbackOnly{ln, accepted}) }()
	urls := make([]string, 0, len(names))
	for i, name := range names {
		urls = append(urls, fmt.Sprintf("http://127.2.%d.%d:%d%s", i/200, i%200+10, port, perSite[name]))
	}
	return urls, func() { _ = srv.Close() }, nil
}

// loopbackOnly is a listener that closes the connections that do not
// come from a loopback address and counts the others.
type loopbackOnly struct {
	net.Listener
	accepted *atomic.Int64
}

func (l loopbackOnly) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if a, ok := c.RemoteAddr().(*net.TCPAddr); ok && a.IP.IsLoopback() {
			l.accepted.Add(1)
			return c, nil
		}
		_ = c.Close()
	}
}
