package farmbench_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/feedsift/feedsift/internal/farmbench"
)

func TestMain(m *testing.M) {
	if farmbench.ServeChild() {
		return
	}
	os.Exit(m.Run())
}

func TestRun(t *testing.T) {
	var extracted atomic.Int64
	var heap bytes.Buffer
	rep, err := farmbench.Run(t.Context(), farmbench.Options{Sites: 3, Items: 2, DataDir: t.TempDir(), ExtractName: "counting", HeapProfile: &heap,
		Extract: func(page []byte, url, title string) error {
			if len(page) == 0 || !strings.HasPrefix(url, "http://127.2.") {
				t.Errorf("baseline extractor given %d bytes of %s", len(page), url)
			}
			extracted.Add(1)
			return nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Total < 6 || rep.Raw.Items != rep.Total || rep.Daemon.Items != rep.Total {
		t.Errorf("items: total %d, raw %d, daemon %d; want every item handled by both", rep.Total, rep.Raw.Items, rep.Daemon.Items)
	}
	// Each site is a host of its own: at least one connection each, at
	// most one per request (a feed and its items, robots.txt for the daemon).
	for side, res := range map[string]farmbench.Result{"raw": rep.Raw, "daemon": rep.Daemon} {
		if res.Conns < 3 || res.Conns > int64(2*3+rep.Total+res.Retries) {
			t.Errorf("%s: the farm accepted %d connections for 3 sites and %d items", side, res.Conns, rep.Total)
		}
	}
	if int(extracted.Load()) != rep.Total {
		t.Errorf("the baseline's extractor ran %d times, want %d", extracted.Load(), rep.Total)
	}
	if rep.Raw.CPU <= 0 || rep.Daemon.Wall <= 0 || rep.Bound != 0 {
		t.Errorf("measures: raw CPU %v, daemon wall %v, bound %v; want both measured and no politeness bound", rep.Raw.CPU, rep.Daemon.Wall, rep.Bound)
	}
	if rep.Daemon.PeakHeap <= 0 || heap.Len() == 0 {
		t.Errorf("daemon's peak heap %d bytes, heap profile %d bytes; want both measured", rep.Daemon.PeakHeap, heap.Len())
	}
	var out strings.Builder
	if err := rep.Write(&out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"farm 3 sites x 2 items", "raw (counting)", "feedsift", "feedsift/raw: items/s", "conns/it"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}

// TestRunFarmProcess serves the farm from a child process: both sides
// handle every item, and the latency from a page served in the child to
// its story in this process is measured.
func TestRunFarmProcess(t *testing.T) {
	rep, err := farmbench.Run(t.Context(), farmbench.Options{Sites: 3, Items: 2, DataDir: t.TempDir(), FarmProcess: true})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Total < 6 || rep.Raw.Items != rep.Total || rep.Daemon.Items != rep.Total {
		t.Errorf("items: total %d, raw %d, daemon %d; want every item handled by both", rep.Total, rep.Raw.Items, rep.Daemon.Items)
	}
	// Each site is a host of its own: at least one connection each, at
	// most one per request (a feed and its items, robots.txt for the daemon).
	for side, res := range map[string]farmbench.Result{"raw": rep.Raw, "daemon": rep.Daemon} {
		if res.Conns < 3 || res.Conns > int64(2*3+rep.Total+res.Retries) {
			t.Errorf("%s: the farm accepted %d connections for 3 sites and %d items", side, res.Conns, rep.Total)
		}
	}
	if rep.Raw.P50 <= 0 || rep.Daemon.P50 <= 0 || rep.Daemon.P99 < rep.Daemon.P50 {
		t.Errorf("latencies: raw p50 %v, daemon p50 %v p99 %v; want both measured from the child's serving", rep.Raw.P50, rep.Daemon.P50, rep.Daemon.P99)
	}
}

func TestRunRejectsBadOptions(t *testing.T) {
	for _, opts := range []farmbench.Options{
		{Sites: 1, Items: 2, DataDir: t.TempDir()},
		{Sites: 2, Items: 0, DataDir: t.TempDir()},
		{Sites: farmbench.MaxSites + 1, Items: 1, DataDir: t.TempDir()},
		{Sites: 2, Items: 1},
	} {
		if _, err := farmbench.Run(t.Context(), opts); err == nil {
			t.Errorf("Run(%+v) accepted the options", opts)
		}
	}
}

// TestRunDaemonProcess runs the daemon side as `feedsift run` in a
// process of its own: every item is published, and the daemon's CPU time,
// memory, heap profile and store lag are read from that process.
func TestRunDaemonProcess(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "feedsift")
	build := exec.Command("go", "build", "-o", bin, "github.com/feedsift/feedsift/cmd/feedsift")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build feedsift: %v\n%s", err, out)
	}
	var heap, cpu bytes.Buffer
	absent := filepath.Join(t.TempDir(), "data") // "empty or absent": the run makes it
	rep, err := farmbench.Run(t.Context(), farmbench.Options{Sites: 3, Items: 2, DataDir: absent, FarmProcess: true, DaemonBinary: bin,
		HeapProfile: &heap, CPUProfile: &cpu, CPUProfileWindow: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Total < 6 || rep.Daemon.Items != rep.Total {
		t.Errorf("items: total %d, daemon %d; want every item published", rep.Total, rep.Daemon.Items)
	}
	d := rep.Daemon
	if d.CPU <= 0 || d.PeakRSS <= 0 || d.PeakHeap <= 0 || d.P50 <= 0 || heap.Len() == 0 {
		t.Errorf("daemon's process: CPU %v, peak RSS %d, peak heap %d, p50 %v, heap profile %d bytes; want each measured",
			d.CPU, d.PeakRSS, d.PeakHeap, d.P50, heap.Len())
	}
	// A pprof profile is gzipped protocol buffers.
	if b := cpu.Bytes(); len(b) < 2 || b[0] != 0x1f || b[1] != 0x8b {
		t.Errorf("daemon's CPU profile: %d bytes, starting %x; want a gzipped pprof profile", len(b), b[:min(len(b), 4)])
	}
}
