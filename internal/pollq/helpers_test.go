package pollq_test

import (
	"bytes"
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/feedsift/feedsift/internal/pollq"
	"github.com/feedsift/feedsift/sink"
)

// server starts an embedded one-node JetStream server for the test.
func server(t *testing.T) string {
	t.Helper()
	e, err := sink.StartEmbedded(t.Context(), sink.EmbeddedOptions{StoreDir: t.TempDir(), Port: -1})
	if err != nil {
		t.Fatalf("start embedded server: %v", err)
	}
	t.Cleanup(e.Shutdown)
	return e.ClientURL()
}

// connect opens a connection of its own, as one instance would; cleanup
// closes it before the server stops.
func connect(t *testing.T, url string) (*nats.Conn, jetstream.JetStream) {
	t.Helper()
	nc, err := nats.Connect(url, nats.Name(t.Name()), nats.MaxReconnects(-1),
		nats.ReconnectWait(50*time.Millisecond))
	if err != nil {
		t.Fatalf("connect %s: %v", url, err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return nc, js
}

// instance opens a Queue on a connection of its own.
func instance(t *testing.T, url string, opts pollq.Options) *pollq.Queue {
	t.Helper()
	_, js := connect(t, url)
	q, err := pollq.Open(t.Context(), js, opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return q
}

// run starts q.Run in a goroutine. The returned stop cancels it and waits
// for Run to return (and reports its error); cleanup calls it too. Run's
// context derives from t.Context(), so at the end of the test every Run
// is told to stop at once, before the cleanups wait for them.
func run(t *testing.T, q *pollq.Queue, workers int, handle pollq.Handler) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- q.Run(ctx, workers, handle) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("Run returned %v", err)
				}
			case <-time.After(20 * time.Second):
				t.Errorf("Run did not return within 20s of its context ending")
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// waitLimit bounds every wait of these tests for a condition: only a
// failure bound (testwait.Until polls), generous for a busy machine.
const waitLimit = 20 * time.Second

// handled records the polls handlers ran.
type handled struct {
	mu    sync.Mutex
	polls []handledPoll
}

type handledPoll struct {
	Instance string
	Feed     string
	Due      time.Time
}

func (h *handled) add(instance, feed string, due time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.polls = append(h.polls, handledPoll{instance, feed, due})
}

func (h *handled) all() []handledPoll {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]handledPoll(nil), h.polls...)
}

func (h *handled) len() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.polls)
}

// queueState reports the messages left in the stream and the consumer's
// delivered-but-unacked and not-yet-delivered counts.
func queueState(t *testing.T, js jetstream.JetStream, q *pollq.Queue) (msgs uint64, ackPending int, pending uint64) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	s, err := js.Stream(ctx, q.Stream())
	if err != nil {
		t.Fatal(err)
	}
	si, err := s.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.Consumer(ctx, q.Consumer())
	if err != nil {
		t.Fatal(err)
	}
	ci, err := c.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return si.State.Msgs, ci.NumAckPending, ci.NumPending
}

// logBuffer is a concurrency-safe log sink for asserting log lines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func (l *logBuffer) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug}))
}
