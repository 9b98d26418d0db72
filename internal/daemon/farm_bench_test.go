package daemon_test

import (
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/feedsift/feedsift/internal/farmbench"
)

// BenchmarkFarm runs the whole daemon (fetch, parse, extract, dedupe,
// NATS, bbolt) against a farm of news sites beside a raw baseline that
// uses feedsift's own extractor (see package farmbench; the bench module's
// farmcompare runs the baseline, with go-trafilatura). It reports
// items/s, CPU ms per item, p99, peak RSS, store lag and the ratios.
//
// FEEDSIFT_FARM sets the size, "SITESxITEMS" (default 50x20; the issue's
// rows are 2000x20 and 20000x2, at most 20000 sites);
// FEEDSIFT_FARM_INTERVAL sets fetch.per_host_interval (default 1s).
// Run it once: go test -run '^$' -bench BenchmarkFarm -benchtime 1x ./internal/daemon
func BenchmarkFarm(b *testing.B) {
	opts := farmbench.Options{Sites: 50, Items: 20, Interval: time.Second}
	if v := os.Getenv("FEEDSIFT_FARM"); v != "" {
		s, i, ok := strings.Cut(v, "x")
		var err1, err2 error
		opts.Sites, err1 = strconv.Atoi(s)
		opts.Items, err2 = strconv.Atoi(i)
		if !ok || err1 != nil || err2 != nil {
			b.Fatalf("FEEDSIFT_FARM=%q: want SITESxITEMS, e.g. 2000x20", v)
		}
	}
	if v := os.Getenv("FEEDSIFT_FARM_INTERVAL"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			b.Fatalf("FEEDSIFT_FARM_INTERVAL: %v", err)
		}
		opts.Interval = d
	}
	for b.Loop() {
		opts.DataDir = b.TempDir()
		rep, err := farmbench.Run(b.Context(), opts)
		if err != nil {
			b.Fatal(err)
		}
		fs := rep.Daemon
		b.ReportMetric(fs.ItemsPerSec(), "items/s")
		b.ReportMetric(rep.ItemsRatio(), "x-raw-items/s")
		b.ReportMetric(fs.CPUPerItem(), "cpu-ms/item")
		b.ReportMetric(rep.CPURatio(), "x-raw-cpu/item")
		b.ReportMetric(fs.P99.Seconds()*1000, "p99-ms")
		b.ReportMetric(float64(fs.PeakRSS)/(1<<20), "peak-rss-MB")
		b.ReportMetric(float64(fs.PeakRSS-fs.BaseRSS)/(1<<20), "rss-over-base-MB")
		b.ReportMetric(float64(fs.StoreLag), "store-lag-msgs")
		b.ReportMetric(rep.BoundRatio(), "x-bound")
		var out strings.Builder
		if err := rep.Write(&out); err != nil {
			b.Fatal(err)
		}
		for line := range strings.Lines(out.String()) {
			b.Log(strings.TrimRight(line, "\n"))
		}
	}
}
