package daemon_test

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/feedsift/feedsift/internal/daemon"
	"github.com/feedsift/feedsift/internal/feedfarm"
	"github.com/feedsift/feedsift/sink"
)

// jsonLogger returns a DEBUG logger writing JSON records to a syncLog.
func jsonLogger() (*slog.Logger, *syncLog) {
	var logs syncLog
	return slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})), &logs
}

// records returns the JSON records written to l so far.
func records(t *testing.T, l *syncLog) []map[string]any {
	t.Helper()
	var out []map[string]any
	for line := range strings.SplitSeq(strings.TrimSpace(l.String()), "\n") {
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

// find returns the records with message msg.
func find(recs []map[string]any, msg string) []map[string]any {
	var out []map[string]any
	for _, r := range recs {
		if r["msg"] == msg {
			out = append(out, r)
		}
	}
	return out
}

// TestLogs runs the daemon three times on one data directory and checks
// what an operator reads in its log: the embedded server's banner only at
// DEBUG and one INFO line saying where it listens; how the dedupe index
// came to be (rebuilt with no snapshot, loaded and caught up with a valid
// one, rebuilt with the reason when the stream no longer fits the
// snapshot); and "stopped", with what was flushed, as the last line.
func TestLogs(t *testing.T) {
	sc := feedfarm.DemoScenario()
	farm := feedfarm.New(sc)
	srv := httptest.NewServer(farm.Handler())
	t.Cleanup(srv.Close)
	dataDir := t.TempDir()
	cfg := testConfig(t, dataDir, sc, farm.FeedURLs(srv.URL))
	var want uint64
	for _, x := range sc.Expected() {
		if x.Round == 0 {
			want++
		}
	}

	// checkStart checks the lines every start writes and returns the
	// record of how the index came to be.
	checkStart := func(t *testing.T, recs []map[string]any) {
		t.Helper()
		for _, r := range recs {
			if r["component"] == "nats-server" && r["level"] == "INFO" {
				t.Errorf("nats-server line at INFO: %q", r["msg"])
			}
		}
		listening := find(recs, "embedded NATS server listening")
		if len(listening) != 1 {
			t.Fatalf("%d \"embedded NATS server listening\" lines, want 1", len(listening))
		}
		l := listening[0]
		if url, _ := l["url"].(string); l["level"] != "INFO" || !strings.HasPrefix(url, "nats://127.0.0.1:") ||
			l["store_dir"] != filepath.Join(dataDir, daemon.NATSDir) {
			t.Errorf("listening line %v, want INFO with the client URL and store_dir %s", l, filepath.Join(dataDir, daemon.NATSDir))
		}
	}
	// checkStopped checks that the last line is "stopped" with the
	// uptime and the store and snapshot at sequence seq.
	checkStopped := func(t *testing.T, recs []map[string]any, seq uint64) {
		t.Helper()
		last := recs[len(recs)-1]
		if last["msg"] != "stopped" || last["level"] != "INFO" {
			t.Fatalf("last log line is %s %q, want INFO \"stopped\"", last["level"], last["msg"])
		}
		if _, err := time.ParseDuration(last["uptime"].(string)); err != nil {
			t.Errorf("stopped: uptime %v: %v", last["uptime"], err)
		}
		if last["store_seq"] != float64(seq) || last["snapshot_seq"] != float64(seq) {
			t.Errorf("stopped: store_seq %v snapshot_seq %v, want both %d", last["store_seq"], last["snapshot_seq"], seq)
		}
	}

	// 1. A new data directory: no snapshot, the index is built from the
	// (empty) stream.
	log, logs := jsonLogger()
	first := startDaemonWith(t, cfg, daemon.Options{Version: "test", Logger: log})
	first.wait(t, "the round-0 stories in the store", 2*time.Minute, func() bool {
		return uint64(len(first.stories(t))) >= want
	})
	first.stop(t)
	recs := records(t, logs)
	checkStart(t, recs)
	if r := find(recs, "dedupe index rebuilt from the stream"); len(r) != 1 || r[0]["reason"] != "no snapshot in the store" {
		t.Errorf("first start: rebuilt lines %v, want one with reason \"no snapshot in the store\"", r)
	}
	if r := find(recs, "stopped"); len(r) == 1 && r[0]["published_seq"] != float64(want) {
		t.Errorf("first run stopped with published_seq %v, want %d", r[0]["published_seq"], want)
	}
	checkStopped(t, recs, want)

	// 2. A valid snapshot: loaded, caught up from its sequence, and not
	// rebuilt.
	log, logs = jsonLogger()
	second := startDaemonWith(t, cfg, daemon.Options{Version: "test", Logger: log})
	second.stop(t)
	recs = records(t, logs)
	checkStart(t, recs)
	loaded, caught := find(recs, "dedupe index loaded from the store"), find(recs, "dedupe index caught up with the stream")
	if len(loaded) != 1 || loaded[0]["snapshot_seq"] != float64(want) || loaded[0]["stories"] != float64(want) {
		t.Errorf("restart: loaded lines %v, want one at snapshot_seq %d with %d stories", loaded, want, want)
	}
	if len(caught) != 1 || caught[0]["snapshot_seq"] != float64(want) || caught[0]["stream_last_seq"] != float64(want) {
		t.Errorf("restart: caught-up lines %v, want one from snapshot_seq %d to stream_last_seq %d", caught, want, want)
	}
	if r := find(recs, "dedupe index rebuilt from the stream"); len(r) != 0 {
		t.Errorf("restart with a valid snapshot rebuilt the index: %v", r)
	}
	checkStopped(t, recs, want)

	// 3. The stream deleted behind the daemon's back: the snapshot covers
	// sequences the new stream does not have, and the log says so.
	deleteStream(t, dataDir)
	log, logs = jsonLogger()
	third := startDaemonWith(t, cfg, daemon.Options{Version: "test", Logger: log})
	third.stop(t)
	recs = records(t, logs)
	checkStart(t, recs)
	if r := find(recs, "dedupe index loaded from the store"); len(r) != 0 {
		t.Errorf("a snapshot ahead of the stream was loaded: %v", r)
	}
	warn := find(recs, "dedupe index snapshot is ahead of the stream (the stream was deleted and created again, or is another stream); rebuilding from the stream")
	if len(warn) != 1 || warn[0]["level"] != "WARN" || warn[0]["snapshot_seq"] != float64(want) || warn[0]["stream_last_seq"] != 0.0 {
		t.Errorf("snapshot ahead of the stream: warnings %v, want one WARN with snapshot_seq %d and stream_last_seq 0", warn, want)
	}
	rebuilt := find(recs, "dedupe index rebuilt from the stream")
	wantReason := fmt.Sprintf("snapshot covers seq %d but the stream ends at seq 0", want)
	if len(rebuilt) != 1 || rebuilt[0]["reason"] != wantReason {
		t.Errorf("snapshot ahead of the stream: rebuilt lines %v, want one with reason %q", rebuilt, wantReason)
	}
}

// TestLogs_EmptyStream: a snapshot of an empty stream (sequence 0) is a
// valid snapshot too; the restart loads it and does not rebuild.
func TestLogs_EmptyStream(t *testing.T) {
	cfg := testConfig(t, t.TempDir(), feedfarm.Scenario{}, nil)
	startDaemonWith(t, cfg, daemon.Options{Version: "test"}).stop(t)

	log, logs := jsonLogger()
	startDaemonWith(t, cfg, daemon.Options{Version: "test", Logger: log}).stop(t)
	recs := records(t, logs)
	loaded, caught := find(recs, "dedupe index loaded from the store"), find(recs, "dedupe index caught up with the stream")
	if len(loaded) != 1 || loaded[0]["snapshot_seq"] != 0.0 || len(caught) != 1 || caught[0]["stream_last_seq"] != 0.0 {
		t.Errorf("restart on an empty stream: loaded %v, caught up %v; want one of each at seq 0", loaded, caught)
	}
	if r := find(recs, "dedupe index rebuilt from the stream"); len(r) != 0 {
		t.Errorf("restart with a snapshot of the empty stream rebuilt the index: %v", r)
	}
	if last := recs[len(recs)-1]; last["msg"] != "stopped" || last["snapshot_seq"] != 0.0 {
		t.Errorf("last line %v, want \"stopped\" with snapshot_seq 0", last)
	}
}

// deleteStream deletes the story stream kept by the embedded server of a
// stopped daemon in dataDir.
func deleteStream(t *testing.T, dataDir string) {
	t.Helper()
	withStoppedServer(t, dataDir, func(js jetstream.JetStream) {
		if err := js.DeleteStream(t.Context(), sink.DefaultStream); err != nil {
			t.Fatalf("delete stream %s: %v", sink.DefaultStream, err)
		}
	})
}
