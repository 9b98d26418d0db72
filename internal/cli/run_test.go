package cli_test

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/feedsift/feedsift/internal/cli"
	"github.com/feedsift/feedsift/internal/daemon"
)

// TestRunConfigProblemsBeforeStart: "feedsift run" with a config full of
// mistakes reports them all, with their lines, and starts nothing: the
// data directory is not even created.
func TestRunConfigProblemsBeforeStart(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	path := filepath.Join(t.TempDir(), "feedsift.toml")
	writeFile(t, path, fmt.Sprintf(`data_dir = %q
[http]
listen = "127.0.0.1:99999"
[nats]
embedded_listen = "127.0.0.1:0"
max_age = "3 days"
[poll]
intervall = "5m"
`, dir))
	r := run(t, "run", "--config", path)
	want := "config " + path + ": 3 problems:\n" +
		path + `:3: http.listen: "127.0.0.1:99999": port 99999 is out of range (1-65535, or 0 for any free port)` + "\n" +
		path + `:6: nats.max_age: "3 days" is not a duration (use 72h)` + "\n" +
		path + `:8: poll.intervall: unknown key; did you mean interval?`
	if r.err == nil || r.err.Error() != want {
		t.Errorf("run = %v\nwant:\n%s", r.err, want)
	}
	if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("data_dir after the refused start: %v, want it not created", err)
	}
}

// TestRunStreamLimits starts "feedsift run" with nats.max_bytes and
// max_age set and checks the stream on the embedded server has them;
// a restart with other limits updates the existing stream.
func TestRunStreamLimits(t *testing.T) {
	t.Setenv("FEEDSIFT_HTTP_TOKEN", "")
	dir := t.TempDir()
	for _, step := range []struct {
		maxBytes string
		want     int64
		maxAge   time.Duration
	}{
		{`"64MiB"`, 64 << 20, 48 * time.Hour},
		{`-1`, -1, 24 * time.Hour},
		{`"2GiB"`, 2 << 30, 48 * time.Hour},
	} {
		path := feedsConfig(t, dir, fmt.Sprintf("[http]\nlisten = \"127.0.0.1:0\"\n[nats]\nembedded_listen = \"127.0.0.1:0\"\nmax_bytes = %s\nmax_age = %q\n[poll]\ndrain_timeout = \"5s\"",
			step.maxBytes, step.maxAge), "courier http://127.0.0.1:9/feed.xml")
		ctx, cancel := contextWithCancel(t)
		done := make(chan error, 1)
		var stderr syncBuffer
		go func() { done <- cli.Run(ctx, []string{"run", "--config", path}, io.Discard, &stderr) }()
		waitUntil(t, 3*time.Minute, done, func() (bool, string) {
			return strings.Contains(stderr.String(), "feedsift ready"), "no \"feedsift ready\" in the log:\n" + stderr.String()
		})
		nc, err := nats.Connect(readFileLine(t, filepath.Join(dir, daemon.NATSURLFile)))
		if err != nil {
			t.Fatal(err)
		}
		js, err := jetstream.New(nc)
		if err != nil {
			t.Fatal(err)
		}
		st, err := js.Stream(t.Context(), "FEEDSIFT")
		if err != nil {
			t.Fatal(err)
		}
		if got := st.CachedInfo().Config; got.MaxBytes != step.want || got.MaxAge != step.maxAge {
			t.Errorf("max_bytes = %s, max_age = %s: stream has max bytes %d, max age %s; want %d, %s",
				step.maxBytes, step.maxAge, got.MaxBytes, got.MaxAge, step.want, step.maxAge)
		}
		nc.Close()
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("run: %v", err)
			}
		case <-time.After(3 * time.Minute):
			t.Fatal("run did not end within 3 min of cancel")
		}
	}
}

func readFileLine(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}
