package pipeline_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/feedsift/feedsift/internal/pipeline"
	"github.com/feedsift/feedsift/internal/story"
)

// lockedBuffer is a bytes.Buffer safe for the logger's concurrent writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// records returns the JSON log records written so far.
func (l *lockedBuffer) records(t *testing.T) []map[string]any {
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

// TestPollLogLine: every poll writes one summary record, at INFO when it
// fetched a document, at DEBUG when the feed had not changed, at WARN with
// the error when it failed; nothing else at INFO or above.
func TestPollLogLine(t *testing.T) {
	e := newEnv(t, nil)
	var fail atomic.Bool
	srv := serve(t, limitSite(2, nil))
	failing := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if fail.Load() {
			http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
			return
		}
		limitSite(1, nil).ServeHTTP(w, r)
	}))
	feeds := []story.Feed{
		{ID: "ok", URL: srv.URL + "/feed.xml", Topic: "local", Interval: time.Hour, FetchArticle: true},
		{ID: "down", URL: failing.URL + "/feed.xml", Topic: "local", Interval: time.Hour, FetchArticle: true},
	}
	var logs lockedBuffer
	p := e.pipeline(t, pipeline.Options{Feeds: feeds,
		Logger: slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})

	if _, err := p.Poll(t.Context(), feeds[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Poll(t.Context(), feeds[0]); err != nil { // 304
		t.Fatal(err)
	}
	fail.Store(true)
	if _, err := p.Poll(t.Context(), feeds[1]); err == nil {
		t.Fatal("poll of a failing feed succeeded")
	}

	var summaries []map[string]any
	for _, r := range logs.records(t) {
		switch r["msg"] {
		case "poll", "poll: not modified", "poll failed":
			summaries = append(summaries, r)
		default:
			if lv := r["level"]; lv != "DEBUG" {
				t.Errorf("unexpected %s record %q: %v", lv, r["msg"], r)
			}
		}
	}
	if len(summaries) != 3 {
		t.Fatalf("%d summary records, want one per poll (3): %v", len(summaries), summaries)
	}
	for i, want := range []struct{ msg, level, feed string }{
		{"poll", "INFO", "ok"}, {"poll: not modified", "DEBUG", "ok"}, {"poll failed", "WARN", "down"},
	} {
		r := summaries[i]
		if r["msg"] != want.msg || r["level"] != want.level || r["feed_id"] != want.feed {
			t.Errorf("summary %d: %v %v feed %v, want %s %s feed %s", i, r["level"], r["msg"], r["feed_id"], want.level, want.msg, want.feed)
		}
		for _, k := range []string{"status", "items", "new", "published", "duplicates", "duration_ms", "next_check"} {
			if _, ok := r[k]; !ok {
				t.Errorf("summary %d (%s) lacks %s: %v", i, r["msg"], k, r)
			}
		}
	}
	if r := summaries[0]; r["published"] != 2.0 || r["items"] != 2.0 {
		t.Errorf("first poll summary: published %v of %v items, want 2 of 2", r["published"], r["items"])
	}
	if err, _ := summaries[2]["error"].(string); !strings.Contains(err, "503") || !strings.Contains(err, "down") {
		t.Errorf("failed poll's error %q does not name the feed and the status", err)
	}
}

// TestPollLogStatus: a failed poll's summary carries the HTTP status the
// server answered with, and no status at all when there was no answer.
func TestPollLogStatus(t *testing.T) {
	e := newEnv(t, nil)
	notFound := serve(t, http.NotFoundHandler())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := "http://" + ln.Addr().String() + "/feed.xml"
	if err := ln.Close(); err != nil { // nothing listens there any more
		t.Fatal(err)
	}
	feeds := []story.Feed{
		{ID: "gone", URL: notFound.URL + "/feed.xml", Topic: "local", Interval: time.Hour},
		{ID: "refused", URL: refused, Topic: "local", Interval: time.Hour},
	}
	var logs lockedBuffer
	p := e.pipeline(t, pipeline.Options{Feeds: feeds,
		Logger: slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	for _, f := range feeds {
		if _, err := p.Poll(t.Context(), f); err == nil {
			t.Fatalf("poll of feed %s succeeded", f.ID)
		}
	}

	failed := map[string]map[string]any{}
	for _, r := range logs.records(t) {
		if r["msg"] == "poll failed" {
			failed[r["feed_id"].(string)] = r
		}
	}
	if len(failed) != 2 {
		t.Fatalf("poll failed records for %d feeds, want 2: %v", len(failed), failed)
	}
	if r := failed["gone"]; r["status"] != 404.0 {
		t.Errorf("404 poll logged status %v, want 404: %v", r["status"], r)
	}
	if r := failed["refused"]; r != nil {
		if st, ok := r["status"]; ok {
			t.Errorf("refused connection logged status %v, want no status attribute: %v", st, r)
		}
		if err, _ := r["error"].(string); !strings.Contains(err, "refused") {
			t.Errorf("refused connection's error %q does not say so", err)
		}
	}
}
