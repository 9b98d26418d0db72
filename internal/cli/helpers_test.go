package cli_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/feedsift/feedsift/internal/cli"
	"github.com/feedsift/feedsift/internal/daemon"
	"github.com/feedsift/feedsift/internal/story"
	"github.com/feedsift/feedsift/sink"
)

// syncBuffer is a bytes.Buffer safe for one writer and concurrent readers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// result is what one cli.Run call printed and returned.
type result struct {
	stdout, stderr string
	err            error
}

// run runs the command line args to completion.
func run(t *testing.T, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := cli.Run(t.Context(), args, &stdout, &stderr)
	return result{stdout: stdout.String(), stderr: stderr.String(), err: err}
}

// mustRun runs args and fails the test when the command fails.
func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	r := run(t, args...)
	if r.err != nil {
		t.Fatalf("feedsift %s: %v\nstderr:\n%s", strings.Join(args, " "), r.err, r.stderr)
	}
	return r.stdout
}

func march(d, h, m int) time.Time { return time.Date(2026, time.March, d, h, m, 0, 0, time.UTC) }

// Stories and duplicates the store tests and the tail test put in place.
var (
	ferry = story.Story{
		ID: "9f3a0c1e5b7d4a2f8e6c", Topic: "world", FeedID: "wire", URL: "https://wire.example/ferry-strike-ends",
		Title: "Harbour ferry crews accept pay deal", Published: march(10, 16, 45), Fetched: march(10, 17, 0),
		Text: "The strike is over.", Source: "article",
	}
	tram = story.Story{
		ID: "b53b12cac1e2aa", Topic: "world.europe", FeedID: "courier", URL: "https://courier.example/tram",
		Title: "Line 3 trams carry first passengers", Published: march(7, 9, 30), Fetched: march(7, 9, 40),
		Text: "The trams run.", Source: "content",
	}
	orbit = story.Story{
		ID: "885abe180df4bb", Topic: "tech", FeedID: "digest", URL: "https://digest.example/kestrel-2",
		Title: "Student-built satellite reaches orbit", Published: march(4, 18, 20), Fetched: march(4, 18, 30),
		Text: "It is up.", Source: "summary",
	}
	ferryCopy = story.Duplicate{
		StoryID: ferry.ID, Topic: "world", FeedID: "ledger", URL: "https://ledger.example/ferry-deal",
		Title: "Ferry strike over after pay deal", Seen: march(10, 18, 0), Method: "content", Similarity: 0.86,
		Reason: "86% of this text's shingles are in the story",
	}
	ferryRepost = story.Duplicate{
		StoryID: ferry.ID, Topic: "world", FeedID: "wire", URL: "https://wire.example/ferry-strike-ends?utm_source=rss",
		Title: "Ferry strike ends (updated)", Seen: march(10, 19, 0), Method: "url", Similarity: 1,
		Reason: "same canonical URL as the story",
	}
	orbitCopy = story.Duplicate{
		StoryID: orbit.ID, Topic: "tech", FeedID: "mirror", URL: "https://mirror.example/kestrel",
		Title: "Kestrel-2 in orbit", Seen: march(5, 7, 0), Method: "guid", Similarity: 1,
		Reason: "same guid as the story",
	}
)

// fillStore creates the daemon's store file in dataDir and fills it; the
// returned store is still open (and holds the file lock).
func fillStore(t *testing.T, dataDir string) *sink.Store {
	t.Helper()
	st, err := sink.OpenStore(filepath.Join(dataDir, daemon.StoreFile), sink.StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() }) // closing twice only returns an error
	for _, s := range []story.Story{ferry, tram, orbit} {
		if err := st.PutEvent(sink.Event{Story: &s}); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range []story.Duplicate{ferryCopy, ferryRepost, orbitCopy} {
		if err := st.PutEvent(sink.Event{Duplicate: &d}); err != nil {
			t.Fatal(err)
		}
	}
	return st
}

// storeDir returns a data directory holding a filled, closed store.
func storeDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := fillStore(t, dir).Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// waitOutput waits until buf holds want or the command ends.
func waitOutput(t *testing.T, buf *syncBuffer, want string, done <-chan error) {
	t.Helper()
	deadline := time.After(30 * time.Second)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for !strings.Contains(buf.String(), want) {
		select {
		case err := <-done:
			t.Fatalf("command ended before printing %q: %v\noutput:\n%s", want, err, buf.String())
		case <-deadline:
			t.Fatalf("no %q in the output within 30s:\n%s", want, buf.String())
		case <-tick.C:
		}
	}
}

// stopCommand cancels a command started in a goroutine and checks it ends
// without an error.
func stopCommand(t *testing.T, cancel context.CancelFunc, done <-chan error) {
	t.Helper()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("command returned %v after cancel, want nil", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("command did not end within 30s of cancel")
	}
}
