package natslog_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"testing"

	"github.com/nats-io/nats-server/v2/server"

	"github.com/feedsift/feedsift/internal/natslog"
)

// TestServerLogger_Levels: notices that mean trouble go to WARN, other
// notices to DEBUG; warnings and errors keep their level.
func TestServerLogger_Levels(t *testing.T) {
	for _, tc := range []struct {
		name  string
		log   func(server.Logger)
		level string
	}{
		{"banner notice", func(l server.Logger) { l.Noticef("  Version:  %s", "2.15.2") }, "DEBUG"},
		{"listening notice", func(l server.Logger) { l.Noticef("Listening for client connections on %s", "127.0.0.1:4222") }, "DEBUG"},
		{"slow consumer", func(l server.Logger) {
			l.Noticef("%s - Slow Consumer Detected: MaxPending of %d Exceeded", "127.0.0.1:50000 - cid:5", 1024)
		}, "WARN"},
		{"slow consumer recovered", func(l server.Logger) { l.Noticef("cid:5 - Slow Consumer Recovered: Flush took %.3fs", 0.5) }, "DEBUG"},
		{"lame duck", func(l server.Logger) { l.Noticef("Entering lame duck mode, stop accepting new clients") }, "WARN"},
		{"warning", func(l server.Logger) { l.Warnf("Plaintext passwords detected") }, "WARN"},
		{"error", func(l server.Logger) { l.Errorf("Error listening on port: %s", "in use") }, "ERROR"},
		{"trace", func(l server.Logger) { l.Tracef("<<- [PING]") }, "DEBUG"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var logs bytes.Buffer
			tc.log(natslog.ServerLogger(slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
			if recs := records(t, &logs); len(recs) != 1 || recs[0]["level"] != tc.level {
				t.Errorf("records %v, want one at %s", recs, tc.level)
			}
		})
	}
}

// records decodes the JSON log lines in buf.
func records(t *testing.T, buf *bytes.Buffer) []map[string]any {
	t.Helper()
	var out []map[string]any
	dec := json.NewDecoder(buf)
	for dec.More() {
		var r map[string]any
		if err := dec.Decode(&r); err != nil {
			t.Fatalf("log line is not JSON: %v", err)
		}
		out = append(out, r)
	}
	return out
}
