package fetcher

import (
	"fmt"
	"net/http"
	"testing"
	"time"
)

func TestHostLimiterBounded(t *testing.T) {
	t.Parallel()
	// No spacing: a host is idle as soon as its request is released, so
	// the bound is checked without waiting on any clock.
	l := newHostLimiter(2, -1, time.Second)
	for i := range 10 * pruneAbove {
		release, err := l.acquire(t.Context(), fmt.Sprintf("host%d.example", i))
		if err != nil {
			t.Fatal(err)
		}
		release()
		release() // a second release must not free a slot twice
	}
	if n := l.size(); n > pruneAbove {
		t.Errorf("limiter holds %d hosts after %d one-off hosts, want <= %d", n, 10*pruneAbove, pruneAbove)
	}
	// The semaphore of a host seen before is intact after double releases.
	h := l.hosts["host2559.example"]
	if h != nil && len(h.sem) != 0 {
		t.Errorf("host slot count = %d after release, want 0", len(h.sem))
	}
}

func TestBackoff(t *testing.T) {
	t.Parallel()
	base, maxDelay := 100*time.Millisecond, 2*time.Second
	for attempt := 1; attempt <= 100; attempt++ {
		ceiling := maxDelay
		if attempt < 6 {
			ceiling = base << (attempt - 1)
		}
		for range 50 {
			if d := backoff(base, maxDelay, attempt); d < 0 || d > ceiling {
				t.Fatalf("backoff(%s, %s, %d) = %s, want in [0, %s]", base, maxDelay, attempt, d, ceiling)
			}
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"0", 0},
		{"-5", 0},
		{"1", time.Second},
		{" 120 ", 2 * time.Minute},
		{"3600", time.Hour},
		{"99999999999999999", time.Duration(1<<63 - 1)},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0},
		{"soon", 0},
	}
	for _, tc := range tests {
		if got := parseRetryAfter(tc.in, now); got != tc.want {
			t.Errorf("parseRetryAfter(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestParseEncodings(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in      string
		want    int
		wantErr bool
	}{
		{"", 0, false},
		{"identity", 0, false},
		{"gzip", 1, false},
		{"gzip, identity, br", 2, false},
		{"gzip, gzip, gzip, gzip", 0, true},
		{"zstd", 0, true},
	} {
		got, err := parseEncodings(tc.in)
		if (err != nil) != tc.wantErr || len(got) != tc.want {
			t.Errorf("parseEncodings(%q) = %v, %v; want %d codings, error %v", tc.in, got, err, tc.want, tc.wantErr)
		}
	}
}

// TestSweepsAmortised adds 20x pruneAbove hosts that all stay busy (the
// limiter's held, the robots cache's fresh): neither sweeps for every new
// host, which made a crawl of 20,000 hosts quadratic, but only each time
// its map doubles.
func TestSweepsAmortised(t *testing.T) {
	t.Parallel()
	const hosts = 20 * pruneAbove
	l := newHostLimiter(1, time.Hour, time.Second)
	r := newRobotsCache("feedsift/test")
	now := time.Now()
	for i := range hosts {
		host := fmt.Sprintf("host%d.example", i)
		if _, err := l.acquire(t.Context(), host); err != nil { // held to the end
			t.Fatal(err)
		}
		r.mu.Lock()
		e := r.addLocked(host, now)
		e.expires = now.Add(robotsTTL)
		close(e.ready)
		r.mu.Unlock()
	}
	// 256, 512, ... 4096: five sweeps each.
	if l.sweeps > 6 || r.sweeps > 6 {
		t.Errorf("%d busy hosts: the limiter swept %d times, the robots cache %d times; want a sweep per doubling (5)", hosts, l.sweeps, r.sweeps)
	}
	if l.size() != hosts || len(r.hosts) != hosts {
		t.Errorf("limiter holds %d hosts, robots cache %d; want all %d (every one busy)", l.size(), len(r.hosts), hosts)
	}
}
