package natscluster_test

import (
	"context"
	"log/slog"
	"sync"
	"testing"

	"github.com/feedsift/feedsift/internal/natscluster"
)

// recorder is a slog.Handler that keeps the "node" attribute of each
// record, and the messages of the records at INFO.
type recorder struct {
	mu    *sync.Mutex
	nodes *[]string
	infos *[]string
	node  string
}

func (r recorder) Enabled(context.Context, slog.Level) bool { return true }

func (r recorder) Handle(_ context.Context, rec slog.Record) error {
	node := r.node
	rec.Attrs(func(a slog.Attr) bool {
		if a.Key == "node" {
			node = a.Value.String()
		}
		return true
	})
	r.mu.Lock()
	defer r.mu.Unlock()
	*r.nodes = append(*r.nodes, node)
	if rec.Level == slog.LevelInfo && node != "" {
		*r.infos = append(*r.infos, node+": "+rec.Message)
	}
	return nil
}

func (r recorder) WithAttrs(attrs []slog.Attr) slog.Handler {
	for _, a := range attrs {
		if a.Key == "node" {
			r.node = a.Value.String()
		}
	}
	return r
}

func (r recorder) WithGroup(string) slog.Handler { return r }

// TestStart_LoggerGetsServerLines: every node's server lines reach the
// logger with the node's name, and none of a clean start and shutdown is
// at INFO (the servers' banners and notices are DEBUG).
func TestStart_LoggerGetsServerLines(t *testing.T) {
	var (
		mu           sync.Mutex
		nodes, infos []string
	)
	log := slog.New(recorder{mu: &mu, nodes: &nodes, infos: &infos})
	c, err := natscluster.Start(t.Context(), natscluster.Options{Nodes: 2, Dir: t.TempDir(), Name: "logtest", Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	c.Shutdown()
	mu.Lock()
	defer mu.Unlock()
	seen := map[string]int{}
	for _, n := range nodes {
		seen[n]++
	}
	for _, want := range []string{"logtest-n0", "logtest-n1"} {
		if seen[want] == 0 {
			t.Errorf("no log line from node %s (lines by node: %v)", want, seen)
		}
	}
	for _, line := range infos {
		t.Errorf("server line at INFO: %s", line)
	}
}
