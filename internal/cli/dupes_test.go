package cli_test

import (
	"context"
	"flag"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/feedsift/feedsift/dedupe"
	"github.com/feedsift/feedsift/internal/daemon"
	"github.com/feedsift/feedsift/internal/httpapi"
	"github.com/feedsift/feedsift/internal/ledger"
	"github.com/feedsift/feedsift/internal/natstest"
	"github.com/feedsift/feedsift/internal/story"
	"github.com/feedsift/feedsift/sink"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (run with -update to create it): %v", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("output differs from %s (-want +got):\n%s", path, diff)
	}
}

// reviewDaemon stands in for a running daemon: a real JetStream server,
// the store consuming it in dataDir, a pipeline with a fixed clock as the
// reviewer and the HTTP API, whose address is in dataDir/http.addr. The
// store is filled through the stream with the helpers' stories and
// duplicates.
func reviewDaemon(t *testing.T, dataDir string) *sink.Store {
	t.Helper()
	srv := natstest.RunJetStream(t)
	nc := natstest.Connect(t, srv)
	js, err := sink.NewJetStream(t.Context(), nc, sink.JetStreamOptions{})
	if err != nil {
		t.Fatal(err)
	}
	st, err := sink.OpenStore(filepath.Join(dataDir, daemon.StoreFile), sink.StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- st.Consume(ctx, js, "") }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Consume: %v", err)
		}
	})
	var last uint64
	for _, s := range []story.Story{ferry, tram, orbit} {
		if last, _, err = js.Publish(t.Context(), sink.StoryEvent(s), sink.PublishOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	copyWithText := ferryCopy
	copyWithText.Text = "The strike is over, the ledger says."
	for _, d := range []story.Duplicate{copyWithText, ferryRepost, orbitCopy} {
		if last, _, err = js.Publish(t.Context(), sink.DuplicateEvent(d), sink.PublishOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	wctx, wcancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer wcancel()
	if err := st.WaitSeq(wctx, last); err != nil {
		t.Fatal(err)
	}
	index, err := dedupe.NewIndex(dedupe.Options{})
	if err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return march(12, 8, 30) }
	led, err := ledger.New(ledger.Options{Publisher: js, Index: index, Review: st, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(httpapi.New(httpapi.Options{Store: st, Review: led}))
	t.Cleanup(hs.Close)
	writeFile(t, filepath.Join(dataDir, daemon.HTTPAddrFile), hs.Listener.Addr().String()+"\n")
	return st
}

// TestDupesSplitMerge runs "dupes split" and "dupes merge" against a
// daemon's API and pins their output and the report after them.
func TestDupesSplitMerge(t *testing.T) {
	t.Setenv("USER", "tester")
	t.Setenv("FEEDSIFT_HTTP_TOKEN", "")
	dir := t.TempDir()
	st := reviewDaemon(t, dir)
	golden(t, "dupes_before.golden", mustRun(t, "dupes", "--data", dir))

	out := mustRun(t, "dupes", "split", ferry.ID[:12], ferryCopy.URL, "--data", dir)
	golden(t, "dupes_split.golden", out)
	newID := dedupe.StoryID("url:https://ledger.example/ferry-deal")
	if !strings.Contains(out, newID) {
		t.Errorf("split output does not name the new story %s:\n%s", newID, out)
	}
	if s, ok, err := st.Story(t.Context(), newID); err != nil || !ok || s.SplitFrom != ferry.ID || s.Text == "" {
		t.Errorf("store after split: story %s found %v (err %v): %+v", newID, ok, err, s)
	}
	golden(t, "dupes_after_split.golden", mustRun(t, "dupes", "--data", dir))

	out = mustRun(t, "dupes", "merge", ferry.ID, orbit.ID, "--json", "--data", dir)
	golden(t, "dupes_merge.golden.json", out)
	golden(t, "dupes_after_merge.golden.json", mustRun(t, "dupes", "--data", dir, "--json"))

	t.Run("errors", func(t *testing.T) {
		for _, tc := range []struct {
			args []string
			want string
		}{
			{[]string{"dupes", "split", ferry.ID, "https://nowhere.example/x"}, "404"},
			{[]string{"dupes", "merge", ferry.ID, ferry.ID}, "409"},
			{[]string{"dupes", "merge", ferry.ID, orbit.ID}, "already merged"},
			{[]string{"dupes", "split", ferry.ID}, "2 arguments"},
		} {
			r := run(t, append(tc.args, "--data", dir)...)
			if r.err == nil || !strings.Contains(r.err.Error(), tc.want) {
				t.Errorf("feedsift %s: err %v, want one containing %q", strings.Join(tc.args, " "), r.err, tc.want)
			}
		}
		r := run(t, "dupes", "split", ferry.ID, ferryCopy.URL, "--data", t.TempDir())
		if r.err == nil || !strings.Contains(r.err.Error(), "running daemon") {
			t.Errorf("split without a daemon: %v", r.err)
		}
	})
}
