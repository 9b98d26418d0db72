package sink_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/feedsift/feedsift/sink"
)

// logBuffer collects JSON log records written from several goroutines.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// records returns the records written so far.
func (l *logBuffer) records(t *testing.T) []map[string]any {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []map[string]any
	for line := range strings.SplitSeq(strings.TrimSpace(l.b.String()), "\n") {
		if line == "" {
			continue
		}
		var r map[string]any
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("log line %q is not JSON: %v", line, err)
		}
		out = append(out, r)
	}
	return out
}

// TestStartEmbedded_LogLevels: the embedded server's banner and other
// routine notices, at start and at shutdown, are logged at DEBUG, not INFO.
func TestStartEmbedded_LogLevels(t *testing.T) {
	var logs logBuffer
	log := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	emb := startEmbedded(t, sink.EmbeddedOptions{StoreDir: t.TempDir(), Port: -1, Logger: log})
	emb.Shutdown()

	var debug int
	var banner bool
	for _, r := range logs.records(t) {
		if r["component"] != "nats-server" {
			continue
		}
		msg, _ := r["msg"].(string)
		switch r["level"] {
		case "DEBUG":
			debug++
			banner = banner || strings.Contains(msg, "Starting nats-server")
		default:
			t.Errorf("nats-server %s line %q; its routine notices belong at DEBUG", r["level"], msg)
		}
	}
	if debug < 10 || !banner {
		t.Errorf("%d nats-server DEBUG lines (banner among them: %v); want its banner and notices at DEBUG", debug, banner)
	}
}
