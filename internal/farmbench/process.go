package farmbench

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/nats-io/nats.go"
)

// benchToken guards the child daemon's /metrics and /debug/pprof; the
// listener is on loopback and lives as long as the run.
const benchToken = "farmbench"

// runDaemonProcess is runDaemon with the daemon in a process of its own:
// opts.DaemonBinary's `run` command, on a configuration written for the
// farm, exactly as a user starts it. The CPU time and the memory measured
// are then the daemon's alone: this process's subscriber, the farm's
// bookkeeping and the baseline's libraries (loaded in this program
// whether or not they run) are not counted. CPU time and peak RSS are the
// child's when the last item is on the stream (from /proc); the Go heap
// is read from its /metrics, the store's lag from its /readyz, and a heap
// profile, when asked for, from its /debug/pprof/heap.
func runDaemonProcess(ctx context.Context, opts Options, farm *servedFarm) (Result, error) {
	natsAddr, err1 := freeLoopbackAddr()
	httpAddr, err2 := freeLoopbackAddr()
	if err := errors.Join(err1, err2); err != nil {
		return Result{}, fmt.Errorf("farmbench: %w", err)
	}
	if err := os.MkdirAll(opts.DataDir, 0o700); err != nil {
		return Result{}, fmt.Errorf("farmbench: %w", err)
	}
	cfgPath := filepath.Join(opts.DataDir, "feedsift.toml")
	if err := os.WriteFile(cfgPath, daemonConfig(opts, farm.URLs, natsAddr, httpAddr), 0o600); err != nil {
		return Result{}, fmt.Errorf("farmbench: %w", err)
	}
	logPath := filepath.Join(opts.DataDir, "daemon.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return Result{}, fmt.Errorf("farmbench: %w", err)
	}
	defer logFile.Close()

	var res Result
	connsBefore, err := farm.settle(ctx)
	if err != nil {
		return res, err
	}
	start := time.Now()
	cmd := exec.Command(opts.DaemonBinary, "run", "--config", cfgPath)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		return res, fmt.Errorf("farmbench: start %s: %w", opts.DaemonBinary, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	child := &childDaemon{pid: cmd.Process.Pid, http: "http://" + httpAddr, exited: exited}
	seenErr := child.observe(ctx, opts, farm, natsAddr, &res, start)
	if child.profile != nil {
		if seenErr != nil {
			child.stopProfile() // the run failed: the profile is not worth waiting for
		}
		seenErr = errors.Join(seenErr, child.writeCPUProfile(opts.CPUProfile))
	}

	// Stop the daemon as a user would, and make sure it stopped cleanly.
	_ = cmd.Process.Signal(syscall.SIGTERM)
	var waitErr error
	select {
	case waitErr = <-exited:
	case <-time.After(2 * time.Minute):
		_ = cmd.Process.Kill()
		waitErr = errors.Join(errors.New("did not stop within 2 minutes of SIGTERM"), <-exited)
	}
	if waitErr != nil && !child.gone {
		waitErr = fmt.Errorf("farmbench: the daemon's process: %w (its log: %s)", waitErr, logPath)
	} else {
		waitErr = nil
	}
	if log, err := os.ReadFile(logPath); err == nil && bytes.Contains(log, []byte("store did not catch up")) {
		waitErr = errors.Join(waitErr, fmt.Errorf("farmbench: the daemon's store did not catch up before shutdown (its log: %s)", logPath))
	}
	if connsAfter, err := farm.settle(ctx); err != nil {
		waitErr = errors.Join(waitErr, err)
	} else {
		res.Conns = connsAfter - connsBefore
	}
	res.P50, res.P99 = percentiles(farm.served.latencies(child.arrivals.list, start))
	if seenErr != nil {
		// The log (warnings and errors only) says why items did not
		// come: the temporary directory holding it is gone once a test
		// fails.
		seenErr = fmt.Errorf("%w\nthe daemon's log, last %d lines:\n%s", seenErr, logTailLines, logTail(logPath, logTailLines))
	}
	return res, errors.Join(seenErr, waitErr)
}

// logTailLines is how many of its last lines a failed run shows of the
// daemon's log.
const logTailLines = 40

// logTail returns the last n lines of the file at path, or a line saying
// why it could not be read.
func logTail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Sprintf("(unreadable: %v)", err)
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// childDaemon is what runDaemonProcess watches of the daemon's process.
type childDaemon struct {
	pid      int
	http     string
	exited   <-chan error
	gone     bool // it exited before it was told to: an error already reported
	arrivals arrivalLog
	// profile delivers the CPU profile startCPUProfile asked for;
	// stopProfile gives up on it.
	profile     chan profileResult
	stopProfile context.CancelFunc
}

type profileResult struct {
	body []byte
	err  error
}

// defaultProfileWindow is the CPU profile's window when
// Options.CPUProfileWindow is zero.
const defaultProfileWindow = 30 * time.Second

// startCPUProfile asks the daemon for its CPU profile over window, from
// now; writeCPUProfile waits for it.
func (c *childDaemon) startCPUProfile(ctx context.Context, window time.Duration) {
	c.profile = make(chan profileResult, 1)
	ctx, c.stopProfile = context.WithCancel(ctx)
	go func() {
		defer c.stopProfile()
		// The HTTP listener may open a little after NATS's.
		for _, err := c.get(ctx, "/healthz"); err != nil && ctx.Err() == nil; _, err = c.get(ctx, "/healthz") {
			select {
			case <-ctx.Done():
			case <-time.After(50 * time.Millisecond):
			}
		}
		body, err := c.get(ctx, fmt.Sprintf("/debug/pprof/profile?seconds=%d", max(1, int(window.Seconds()))))
		c.profile <- profileResult{body, err}
	}()
}

// writeCPUProfile waits for the profile startCPUProfile asked for and
// writes it to w.
func (c *childDaemon) writeCPUProfile(w io.Writer) error {
	r := <-c.profile
	if r.err != nil {
		return fmt.Errorf("farmbench: the daemon's CPU profile: %w", r.err)
	}
	if _, err := w.Write(r.body); err != nil {
		return fmt.Errorf("farmbench: write the daemon's CPU profile: %w", err)
	}
	return nil
}

// observe waits until a story or a copy of every farm item is on the
// stream, sampling the child's memory meanwhile, then fills res with the
// child's CPU time, memory and store lag at that moment.
func (c *childDaemon) observe(ctx context.Context, opts Options, farm *servedFarm, natsAddr string, res *Result, start time.Time) (retErr error) {
	nc, err := c.connect(ctx, natsAddr)
	if err != nil {
		return err
	}
	defer nc.Close()
	total := farm.Total
	arrived := make(chan string, 3*total+16)
	for _, subject := range []string{"news.>", "feedsift.dupes.>"} {
		sub, err := nc.Subscribe(subject, func(m *nats.Msg) {
			var ev struct {
				URL string `json:"url"`
			}
			if json.Unmarshal(m.Data, &ev) == nil {
				arrived <- ev.URL
			}
		})
		if err != nil {
			return fmt.Errorf("farmbench: %w", err)
		}
		defer func() { _ = sub.Unsubscribe() }()
	}
	res.BaseRSS = procStatusBytes(c.pid, "VmRSS:")
	if opts.CPUProfile != nil {
		c.startCPUProfile(ctx, cmp.Or(opts.CPUProfileWindow, defaultProfileWindow))
	}

	mem := &childMemory{}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() { mem.sample(ctx, c, opts.HeapProfile != nil, stop) })
	defer func() {
		if stop != nil {
			close(stop)
			wg.Wait()
		}
		if err := mem.fill(res, opts.HeapProfile); err != nil {
			retErr = errors.Join(retErr, err)
		}
	}()

	limit := time.NewTimer(publishDeadline(len(farm.URLs), opts.Interval))
	defer limit.Stop()
	for c.arrivals.count() < total {
		select {
		case u := <-arrived:
			c.arrivals.add(u)
		case err := <-c.exited:
			c.gone = true
			return fmt.Errorf("farmbench: the daemon's process exited with %d of %d items published: %w", c.arrivals.count(), total, err)
		case <-limit.C:
			return fmt.Errorf("farmbench: only %d of %d items published in time", c.arrivals.count(), total)
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	res.Items = c.arrivals.count()
	res.Wall = time.Since(start)
	res.CPU = procCPUTime(c.pid)
	res.PeakRSS = procStatusBytes(c.pid, "VmHWM:")
	close(stop)
	wg.Wait()
	stop = nil
	mem.readHeap(ctx, c, opts.HeapProfile != nil) // at least one reading, however short the run
	res.StoreLag, err = c.storeLag(ctx)
	return err
}

// connect connects to the child's embedded NATS server once it listens.
func (c *childDaemon) connect(ctx context.Context, addr string) (*nats.Conn, error) {
	for {
		nc, err := nats.Connect("nats://" + addr)
		if err == nil {
			return nc, nil
		}
		select {
		case err := <-c.exited:
			c.gone = true
			return nil, fmt.Errorf("farmbench: the daemon's process exited before its NATS server listened: %w", err)
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

var storeLagLine = regexp.MustCompile(`store lag: (\d+) messages`)

// storeLag reads the store's lag from the child's /readyz.
func (c *childDaemon) storeLag(ctx context.Context) (uint64, error) {
	body, err := c.get(ctx, "/readyz")
	if err != nil {
		return 0, err
	}
	m := storeLagLine.FindSubmatch(body)
	if m == nil {
		return 0, fmt.Errorf("farmbench: the daemon's /readyz gave no store lag: %q", body)
	}
	return strconv.ParseUint(string(m[1]), 10, 64)
}

func (c *childDaemon) get(ctx context.Context, path string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.http+path, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+benchToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("farmbench: the daemon's %s: %w", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("farmbench: the daemon's %s: %w", path, err)
	}
	return body, nil
}

// childMemory is what sample saw of the child's memory.
type childMemory struct {
	peakHeap, fileRSS int64
	heapProfile       []byte
	profiled          int64 // the heap when heapProfile was taken
}

// heapSampleEvery spaces the reads of the child's /metrics, which cost it
// a little CPU; /proc is read every sampleEvery and costs it nothing.
const heapSampleEvery = 500 * time.Millisecond

var heapAllocLine = regexp.MustCompile(`(?m)^go_memstats_heap_alloc_bytes ([0-9.e+]+)$`)

// sample reads the child's resident memory every sampleEvery and its heap
// every heapSampleEvery until stop is closed.
func (m *childMemory) sample(ctx context.Context, c *childDaemon, profile bool, stop <-chan struct{}) {
	var topRSS int64
	var lastHeap time.Time
	tick := time.NewTicker(sampleEvery)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
		}
		if rss := procStatusBytes(c.pid, "VmRSS:"); rss > topRSS {
			topRSS, m.fileRSS = rss, procStatusBytes(c.pid, "RssFile:")
		}
		if time.Since(lastHeap) >= heapSampleEvery {
			lastHeap = time.Now()
			m.readHeap(ctx, c, profile)
		}
	}
}

// readHeap reads the child's Go heap from its /metrics and, with profile
// set, takes its heap profile when the heap has grown a tenth past the
// last profile's. A failed read is skipped: the next one may work.
func (m *childMemory) readHeap(ctx context.Context, c *childDaemon, profile bool) {
	body, err := c.get(ctx, "/metrics")
	if err != nil {
		return
	}
	match := heapAllocLine.FindSubmatch(body)
	if match == nil {
		return
	}
	f, err := strconv.ParseFloat(string(match[1]), 64)
	if err != nil {
		return
	}
	heap := int64(f)
	m.peakHeap = max(m.peakHeap, heap)
	if profile && (m.heapProfile == nil || heap > m.profiled+m.profiled/10) {
		if p, err := c.get(ctx, "/debug/pprof/heap"); err == nil {
			m.heapProfile, m.profiled = p, heap
		}
	}
}

// fill copies what sample saw into res, and the heap profile to profile.
func (m *childMemory) fill(res *Result, profile io.Writer) error {
	res.PeakHeap, res.FileRSS = m.peakHeap, m.fileRSS
	if profile == nil || m.heapProfile == nil {
		return nil
	}
	if _, err := profile.Write(m.heapProfile); err != nil {
		return fmt.Errorf("farmbench: write the heap profile: %w", err)
	}
	return nil
}

// daemonConfig is the child's configuration: runDaemon's, in TOML.
func daemonConfig(opts Options, urls []string, natsAddr, httpAddr string) []byte {
	var b bytes.Buffer
	w := bufio.NewWriter(&b)
	fmt.Fprintf(w, "data_dir = %q\n\n", filepath.Join(opts.DataDir, "data"))
	fmt.Fprintf(w, "[log]\nlevel = \"warn\"\n\n")
	if opts.MemoryLimit > 0 {
		fmt.Fprintf(w, "[daemon]\nmemory_limit = \"%dMiB\"\n\n", opts.MemoryLimit>>20)
	}
	fmt.Fprintf(w, "[http]\nlisten = %q\ntoken = %q\n\n", httpAddr, benchToken)
	fmt.Fprintf(w, "[nats]\nembedded_listen = %q\n\n", natsAddr)
	fmt.Fprintf(w, "[fetch]\nallow_networks = [\"127.0.0.0/8\"]\nper_host_interval = %q\n", opts.Interval.String())
	if opts.Workers > 0 {
		fmt.Fprintf(w, "workers = %d\n", opts.Workers)
	}
	fmt.Fprintf(w, "\n[poll]\ninterval = \"1h\"\nmax_item_age = %q\n\n", (100 * 365 * 24 * time.Hour).String())
	for i, u := range urls {
		fmt.Fprintf(w, "[[feed]]\nid = \"site-%05d\"\nurl = %q\ntopic = \"bench\"\ninterval = \"1h\"\nfetch_article = true\n\n", i, u)
	}
	_ = w.Flush() // a bytes.Buffer takes every write
	return b.Bytes()
}

// freeLoopbackAddr returns a loopback address with a port nothing listens
// on now.
func freeLoopbackAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// procStatusBytes is statusBytes for process pid.
func procStatusBytes(pid int, field string) int64 {
	return statusFieldBytes(fmt.Sprintf("/proc/%d/status", pid), field)
}

// procCPUTime is process pid's user and system CPU time so far (from
// /proc/PID/stat, in clock ticks of 1/100 s); 0 elsewhere.
func procCPUTime(pid int) time.Duration {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The command name in parentheses may hold spaces: the fields that
	// follow start after its last ')'.
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return 0
	}
	fields := strings.Fields(string(data[i+1:]))
	if len(fields) < 13 {
		return 0
	}
	utime, err1 := strconv.ParseInt(fields[11], 10, 64)
	stime, err2 := strconv.ParseInt(fields[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0
	}
	const tick = 10 * time.Millisecond // USER_HZ is 100 on Linux
	return time.Duration(utime+stime) * tick
}
