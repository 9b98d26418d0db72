package daemon_test

import (
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/feedsift/feedsift/internal/daemon"
	"github.com/feedsift/feedsift/internal/feedfarm"
	"github.com/feedsift/feedsift/sink"
)

// TestBrokenSnapshot: a snapshot of the dedupe index that was cut short
// (a crash during its save on a file system that does not order writes)
// or had bytes flipped on disk is not loaded. The restart says why in a
// WARN and rebuilds the index from the stream, with every story.
func TestBrokenSnapshot(t *testing.T) {
	sc := feedfarm.DemoScenario()
	farm := feedfarm.New(sc)
	srv := httptest.NewServer(farm.Handler())
	t.Cleanup(srv.Close)
	var want uint64
	for _, x := range sc.Expected() {
		if x.Round == 0 {
			want++
		}
	}
	for _, tc := range []struct {
		name   string
		damage func(data []byte) []byte
	}{
		{"truncated", func(data []byte) []byte { return data[:len(data)/2] }},
		{"a byte flipped", func(data []byte) []byte {
			data = append([]byte(nil), data...)
			data[len(data)/2] ^= 0x40
			return data
		}},
		{"not a snapshot", func([]byte) []byte { return []byte("garbage") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dataDir := t.TempDir()
			cfg := testConfig(t, dataDir, sc, farm.FeedURLs(srv.URL))
			first := startDaemonWith(t, cfg, daemon.Options{Version: "test"})
			first.wait(t, "the round-0 stories in the store", 2*time.Minute, func() bool {
				return uint64(len(first.stories(t))) >= want
			})
			first.stop(t)

			st, err := sink.OpenStore(filepath.Join(dataDir, daemon.StoreFile), sink.StoreOptions{})
			if err != nil {
				t.Fatal(err)
			}
			data, seq, err := st.LoadIndexSnapshot()
			if err != nil || len(data) == 0 || seq != want {
				t.Fatalf("snapshot after the first run: %d bytes at seq %d (%v); want one at seq %d", len(data), seq, err, want)
			}
			if err := st.SaveIndexSnapshot(tc.damage(data), seq); err != nil {
				t.Fatal(err)
			}
			if err := st.Close(); err != nil {
				t.Fatal(err)
			}

			log, logs := jsonLogger()
			second := startDaemonWith(t, cfg, daemon.Options{Version: "test", Logger: log})
			second.stop(t)
			recs := records(t, logs)
			if r := find(recs, "dedupe index loaded from the store"); len(r) != 0 {
				t.Errorf("a broken snapshot was loaded: %v", r)
			}
			warn := find(recs, "dedupe index snapshot is corrupt or does not fit the index options; rebuilding from the stream")
			if len(warn) != 1 || warn[0]["level"] != "WARN" || warn[0]["error"] == nil {
				t.Errorf("warnings %v, want one WARN naming the error", warn)
			}
			rebuilt := find(recs, "dedupe index rebuilt from the stream")
			if len(rebuilt) != 1 || rebuilt[0]["reason"] != "snapshot corrupt or made with other index options" ||
				rebuilt[0]["stories"] != float64(want) {
				t.Errorf("rebuilt lines %v, want one with the reason and %d stories", rebuilt, want)
			}
		})
	}
}
