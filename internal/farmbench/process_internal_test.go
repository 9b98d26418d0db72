package farmbench

import (
	"os"
	"testing"
	"time"

	"github.com/feedsift/feedsift/internal/config"
)

// TestDaemonConfigIsValid: the configuration the daemon's process is
// started with is one `feedsift run` accepts, and says what runDaemon
// sets in code.
func TestDaemonConfigIsValid(t *testing.T) {
	opts := Options{Sites: 2, Items: 1, Interval: 250 * time.Millisecond, Workers: 7, MemoryLimit: 288 << 20, DataDir: "/var/lib/farm"}
	urls := []string{"http://127.2.0.1:8080/feed.xml", "http://127.2.0.2:8080/feed.xml"}
	cfg, err := config.Parse(daemonConfig(opts, urls, "127.0.0.1:4333", "127.0.0.1:8333"), func(string) string { return "" })
	if err != nil {
		t.Fatalf("the daemon's configuration does not parse: %v\n%s", err, daemonConfig(opts, urls, "127.0.0.1:4333", "127.0.0.1:8333"))
	}
	if err := cfg.Validate(); err != nil {
		t.Fatalf("the daemon's configuration is invalid: %v", err)
	}
	if len(cfg.Feeds) != 2 || cfg.Feeds[1].URL != urls[1] || !cfg.Feeds[0].FetchArticle {
		t.Errorf("feeds %+v, want both farm feeds with fetch_article", cfg.Feeds)
	}
	if cfg.Fetch.PerHostInterval != opts.Interval || cfg.Fetch.Workers != 7 || cfg.NATS.EmbeddedListen != "127.0.0.1:4333" ||
		cfg.HTTP.Listen != "127.0.0.1:8333" || cfg.HTTP.Token != benchToken {
		t.Errorf("fetch %+v, nats listen %q, http %q / %q: want the run's options", cfg.Fetch, cfg.NATS.EmbeddedListen, cfg.HTTP.Listen, cfg.HTTP.Token)
	}
	if cfg.Daemon.MemoryLimit != 288*config.MiB {
		t.Errorf("daemon.memory_limit %d, want the run's %d", cfg.Daemon.MemoryLimit, 288*config.MiB)
	}
}

// TestProcCPUTimeReadsThisProcess: the child's CPU time is read from
// /proc; this process has used some.
func TestProcCPUTimeReadsThisProcess(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc here")
	}
	for cpuTime() < 50*time.Millisecond { // getrusage's count: a few of /proc's ticks
	}
	if got := procCPUTime(os.Getpid()); got < 20*time.Millisecond {
		t.Errorf("procCPUTime(self) = %v, want at least 20ms (getrusage says %v)", got, cpuTime())
	}
	if got := procStatusBytes(os.Getpid(), "VmRSS:"); got <= 0 {
		t.Errorf("procStatusBytes(self, VmRSS) = %d, want > 0", got)
	}
}
