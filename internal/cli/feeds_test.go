package cli_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/feedsift/feedsift/internal/cli"
	"github.com/feedsift/feedsift/internal/config"
	"github.com/feedsift/feedsift/internal/daemon"
	"github.com/feedsift/feedsift/internal/httpapi"
	"github.com/feedsift/feedsift/internal/story"
	"github.com/feedsift/feedsift/internal/testwait"
	"github.com/feedsift/feedsift/sink"
)

// feedsConfig writes a config file for dataDir declaring the given
// "id url" feeds (topic local) and returns its path.
func feedsConfig(t *testing.T, dataDir, extra string, feeds ...string) string {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "data_dir = %q\n%s\n", dataDir, extra)
	for _, f := range feeds {
		id, u, _ := strings.Cut(f, " ")
		fmt.Fprintf(&b, "[[feed]]\nid = %q\nurl = %q\ntopic = \"local\"\n", id, u)
	}
	path := filepath.Join(t.TempDir(), "feedsift.toml")
	writeFile(t, path, b.String())
	return path
}

// TestFeedsDirect edits and lists the feeds with no daemon running: the
// commands work on the store, and refuse what the config file owns.
func TestFeedsDirect(t *testing.T) {
	dir := t.TempDir()
	cfg := feedsConfig(t, dir, "", "courier https://courier.example/feed.xml")
	out := mustRun(t, "feeds", "add", "https://wire.example/rss", "--config", cfg, "--topic", "world", "--id", "wire", "--interval", "30m")
	if want := "added feed wire (topic world, every 30m0s): https://wire.example/rss\nstored; the daemon polls it when it starts\n"; out != want {
		t.Errorf("feeds add printed %q, want %q", out, want)
	}
	mustRun(t, "feeds", "add", "--config", cfg, "--topic", "tech", "https://digest.example/feed.json", "--fetch-article")

	refused := []struct {
		name string
		args []string
		want string
	}{
		{"config id", []string{"add", "https://x.example/f", "--topic", "t", "--id", "courier"}, `feed id "courier" is declared in ` + cfg},
		{"config url", []string{"add", "https://courier.example/feed.xml", "--topic", "t"}, `is already feed "courier", declared in ` + cfg},
		{"stored url", []string{"add", "https://wire.example/rss", "--topic", "t", "--id", "w2"}, `is already feed "wire", added earlier`},
		{"remove config feed", []string{"remove", "courier"}, `"courier" is declared in ` + cfg + "; edit the file"},
		{"remove unknown", []string{"remove", "nope"}, `no such feed: "nope"`},
		{"no topic", []string{"add", "https://x.example/f"}, "--topic is required"},
		{"bad interval", []string{"add", "https://x.example/f", "--topic", "t", "--interval", "10ms"}, "below 1s"},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, append(append([]string{"feeds"}, tc.args...), "--config", cfg)...)
			if r.err == nil || !strings.Contains(r.err.Error(), tc.want) {
				t.Errorf("err %v, want it to say %q", r.err, tc.want)
			}
		})
	}

	var list []httpapi.FeedInfo
	if err := json.Unmarshal([]byte(mustRun(t, "feeds", "list", "--json", "--config", cfg)), &list); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range list {
		got[f.ID] = f.Origin + " " + f.Topic + " " + f.Interval + " " + f.Status
	}
	want := map[string]string{
		"courier":                  "config local 15m0s never polled",
		"wire":                     "api world 30m0s never polled",
		"digest.example/feed.json": "api tech 15m0s never polled",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("feeds list (-want +got):\n%s", diff)
	}

	mustRun(t, "feeds", "remove", "wire", "--config", cfg)
	st, err := sink.OpenStore(filepath.Join(dir, daemon.StoreFile), sink.StoreOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	stored, err := st.StoredFeeds()
	if err != nil {
		t.Fatal(err)
	}
	if len(stored) != 1 || stored[0].ID != "digest.example/feed.json" || !stored[0].FetchArticle {
		t.Errorf("store holds %+v after the remove, want the digest feed only", stored)
	}
}

// TestFeedsListGolden pins the text and JSON of "feeds list" over a store
// with every kind of feed state. Times come from the states; items per
// day from stories fetched an hour ago.
func TestFeedsListGolden(t *testing.T) {
	dir := t.TempDir()
	cfg := feedsConfig(t, dir, "", "courier https://courier.example/feed.xml", "quick https://quick.example/feed.xml")
	st, err := sink.OpenStore(filepath.Join(dir, daemon.StoreFile), sink.StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []sink.StoredFeed{
		{ID: "wire", URL: "https://wire.example/rss", Topic: "world", Interval: time.Hour},
		{ID: "ledger", URL: "https://ledger.example/atom.xml", Topic: "world.europe"},
		{ID: "digest", URL: "https://digest.example/feed.json", Topic: "tech"},
	} {
		if err := st.AddFeed(f); err != nil {
			t.Fatal(err)
		}
	}
	at := march(12, 8, 30)
	for _, s := range []story.FeedState{
		{FeedID: "courier", ETag: `"abc"`, LastFetch: at, LastSuccess: at, NextCheck: at.Add(14 * time.Minute)},
		{FeedID: "quick", LastFetch: at, LastSuccess: at, NextCheck: at.Add(10 * time.Second)},
		{FeedID: "wire", LastFetch: at, LastSuccess: at.Add(-3 * time.Hour), NextCheck: at.Add(2 * time.Hour), Failures: 3,
			LastError: "pipeline: feed wire: fetch https://wire.example/rss: fetcher: GET https://wire.example/rss: 503 Service Unavailable (retry after 2h0m0s)"},
		{FeedID: "ledger", LastFetch: at, LastSuccess: at.Add(-time.Hour), NextCheck: at.Add(30 * time.Minute), Failures: 2,
			LastError: "pipeline: feed ledger: parse: parser: malformed feed"},
		{FeedID: "gone", LastFetch: at}, // state of a feed no longer listed
	} {
		if err := st.PutFeedState(t.Context(), s); err != nil {
			t.Fatal(err)
		}
	}
	fetched := time.Now().Add(-time.Hour)
	for i := range 14 {
		s := story.Story{ID: fmt.Sprintf("c%02d", i), Topic: "local", FeedID: "courier", URL: fmt.Sprintf("https://courier.example/%d", i),
			Title: "t", Text: "t", Fetched: fetched}
		if i%2 == 1 {
			s.FeedID, s.Topic = "quick", "local"
		}
		if err := st.PutEvent(sink.Event{Story: &s}); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	golden(t, "feeds_list.golden", mustRun(t, "feeds", "list", "--config", cfg))
	golden(t, "feeds_list.golden.json", mustRun(t, "feeds", "list", "--json", "--config", cfg))
}

// TestFeedsOPML imports an OPML file on the store (one feed clashing with
// the config file), pins the import report and the export, then imports
// the export into a fresh data directory and checks the export there is
// the same document.
func TestFeedsOPML(t *testing.T) {
	dir := t.TempDir()
	cfg := feedsConfig(t, dir, "", "digest-cfg https://digest.example/feed.json")
	out := mustRun(t, "feeds", "import", filepath.Join("testdata", "feeds_import.opml"), "--topic", "misc", "--config", cfg)
	golden(t, "feeds_import.golden", strings.ReplaceAll(out, cfg, "CONFIG"))

	exported := mustRun(t, "feeds", "export", "--config", cfg)
	golden(t, "feeds_export.golden.opml", exported)

	file := filepath.Join(t.TempDir(), "feeds.opml")
	if got := mustRun(t, "feeds", "export", file, "--config", cfg); got != "wrote 4 feeds to "+file+"\n" {
		t.Errorf("export to a file printed %q", got)
	}
	fresh := t.TempDir()
	freshCfg := feedsConfig(t, fresh, "")
	mustRun(t, "feeds", "import", file, "--config", freshCfg)
	if diff := cmp.Diff(exported, mustRun(t, "feeds", "export", "--config", freshCfg)); diff != "" {
		t.Errorf("export after import of the export differs (-first +second):\n%s", diff)
	}

	r := run(t, "feeds", "import", filepath.Join("testdata", "tram.html"), "--config", cfg)
	if r.err == nil || !strings.Contains(r.err.Error(), "opml:") {
		t.Errorf("import of an HTML page: %v, want an opml error", r.err)
	}
}

// TestFeedsLive runs the commands against a running daemon: changes go
// through its API and apply at once.
func TestFeedsLive(t *testing.T) {
	t.Setenv("FEEDSIFT_HTTP_TOKEN", "")
	dir := t.TempDir()
	path := feedsConfig(t, dir, `[http]
listen = "127.0.0.1:0"
token = "live-token"
[nats]
embedded_listen = "127.0.0.1:0"
[poll]
drain_timeout = "5s"`, "courier http://127.0.0.1:9/feed.xml")
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	d, err := daemon.Start(t.Context(), cfg, daemon.Options{ConfigPath: path})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	ctx, cancel := contextWithCancel(t)
	go func() { done <- d.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})

	if r := run(t, "feeds", "add", "https://wire.example/rss", "--topic", "world", "--data", dir); r.err == nil || !strings.Contains(r.err.Error(), "401") {
		t.Errorf("feeds add without the token: %v, want a 401 (and no direct edit)", r.err)
	}
	out := mustRun(t, "feeds", "add", "https://wire.example/rss", "--topic", "world", "--config", path)
	if !strings.HasSuffix(out, "the daemon polls it now\n") {
		t.Errorf("feeds add on a running daemon printed %q", out)
	}
	if got := d.FeedSources(); len(got) != 2 || got[1].Feed.ID != "wire.example/rss" || got[1].Origin != httpapi.OriginAPI {
		t.Errorf("daemon feeds after add: %+v", got)
	}
	if r := run(t, "feeds", "remove", "courier", "--config", path); r.err == nil || !strings.Contains(r.err.Error(), "409") ||
		!strings.Contains(r.err.Error(), "edit the file") {
		t.Errorf("remove of a config feed through the daemon: %v", r.err)
	}
	imp := mustRun(t, "feeds", "import", filepath.Join("testdata", "feeds_import.opml"), "--topic", "misc", "--config", path)
	if !strings.Contains(imp, "4 added, 0 skipped") {
		t.Errorf("import through the daemon:\n%s", imp)
	}
	list := mustRun(t, "feeds", "list", "--config", path)
	if !strings.Contains(list, "6 feeds (1 config, 5 api)") {
		t.Errorf("feeds list through the daemon:\n%s", list)
	}
	mustRun(t, "feeds", "remove", "wire.example/rss", "--config", path)
	if got := len(d.FeedSources()); got != 5 {
		t.Errorf("daemon has %d feeds after the remove, want 5", got)
	}
	if _, err := os.Stat(filepath.Join(dir, daemon.HTTPAddrFile)); err != nil {
		t.Errorf("daemon address file: %v", err)
	}
}

func contextWithCancel(t *testing.T) (context.Context, context.CancelFunc) {
	return context.WithCancel(t.Context())
}

// TestFeedsSighup runs "feedsift run" and sends the process SIGHUP after
// an edit of its config file: the new feed is listed without a restart.
func TestFeedsSighup(t *testing.T) {
	t.Setenv("FEEDSIFT_HTTP_TOKEN", "")
	// The test keeps its own subscription so that a SIGHUP sent before
	// the command subscribes cannot end the test process.
	mine := make(chan os.Signal, 1)
	signal.Notify(mine, syscall.SIGHUP)
	defer signal.Stop(mine)

	dir := t.TempDir()
	const extra = "[http]\nlisten = \"127.0.0.1:0\"\n[nats]\nembedded_listen = \"127.0.0.1:0\"\n[poll]\ndrain_timeout = \"5s\""
	path := feedsConfig(t, dir, extra, "courier http://127.0.0.1:9/feed.xml")
	ctx, cancel := contextWithCancel(t)
	done := make(chan error, 1)
	var stderr syncBuffer
	go func() { done <- cli.Run(ctx, []string{"run", "--config", path}, io.Discard, &stderr) }()
	waitOutput(t, &stderr, "feedsift ready", done)

	edited := feedsConfig(t, dir, extra, "courier http://127.0.0.1:9/feed.xml", "digest http://127.0.0.1:9/digest.xml")
	data, err := os.ReadFile(edited)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, path, string(data))
	// A SIGHUP before every look, until one has been taken.
	applied := testwait.Poll(30*time.Second, func() bool {
		if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
			t.Fatal(err)
		}
		return strings.Contains(mustRun(t, "feeds", "list", "--config", path), "2 feeds (2 config, 0 api)")
	})
	if !applied {
		t.Fatalf("the edited config was not applied within 30s of SIGHUPs:\n%s", stderr.String())
	}
	waitOutput(t, &stderr, "added=[digest]", done)
	stopCommand(t, cancel, done)
}

// TestFeedsNoStore runs feeds list and export where no daemon has run:
// with no feeds at all they fail and say where they looked and how to
// point at the daemon's data; with the config file's feeds they list
// those, with a note on stderr.
func TestFeedsNoStore(t *testing.T) {
	t.Setenv("FEEDSIFT_HTTP_TOKEN", "")
	empty := t.TempDir()
	cfgDir := t.TempDir()
	cfg := feedsConfig(t, cfgDir, "", "courier https://courier.example/feed.xml")
	var text strings.Builder
	for _, args := range [][]string{
		{"feeds", "list", "--data", empty},
		{"feeds", "list", "--json", "--data", empty},
		{"feeds", "export", "--data", empty},
		{"feeds", "list"},
	} {
		var r result
		t.Run(strings.Join(args[1:], " "), func(t *testing.T) {
			t.Chdir(t.TempDir()) // no feedsift.toml, no ./data
			r = run(t, args...)
		})
		if r.err == nil {
			t.Errorf("feedsift %s succeeded (stdout %q), want an error", strings.Join(args, " "), r.stdout)
			continue
		}
		fmt.Fprintf(&text, "$ feedsift %s\nfeedsift: %v\n", strings.Join(args, " "), r.err)
	}
	r := run(t, "feeds", "list", "--config", cfg)
	if r.err != nil {
		t.Fatalf("feeds list with config feeds and no store: %v", r.err)
	}
	fmt.Fprintf(&text, "$ feedsift feeds list --config CONFIG\n%sstderr: %s", r.stdout, r.stderr)
	got := strings.NewReplacer(empty, "EMPTY", cfgDir, "CFGDIR", cfg, "CONFIG").Replace(text.String())
	golden(t, "feeds_nostore.golden", got)
}

// feedServer serves one empty feed in each format the parser knows.
func feedServer(t *testing.T) *httptest.Server {
	t.Helper()
	docs := map[string][2]string{
		"/rss.xml": {"application/rss+xml", `<?xml version="1.0"?><rss version="2.0"><channel><title>R</title>` +
			`<link>https://r.example/</link><description>d</description></channel></rss>`},
		"/rdf.xml": {"application/rdf+xml", `<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" ` +
			`xmlns="http://purl.org/rss/1.0/"><channel rdf:about="https://d.example/"><title>D</title>` +
			`<link>https://d.example/</link><description>d</description></channel></rdf:RDF>`},
		"/atom.xml": {"application/atom+xml", `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">` +
			`<title>A</title><id>urn:feedsift:a</id><updated>2026-03-01T00:00:00Z</updated></feed>`},
		"/feed.json": {"application/feed+json", `{"version":"https://jsonfeed.org/version/1.1","title":"J","items":[]}`},
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		doc, ok := docs[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", doc[0])
		io.WriteString(w, doc[1])
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestFeedsExportFormats runs a daemon that polls an RSS, an RSS 1.0, an
// Atom and a JSON feed (and one it cannot reach): feeds export writes
// each one's real type, rss for the feed never fetched, through the
// daemon and, once it has stopped, from its store.
func TestFeedsExportFormats(t *testing.T) {
	t.Setenv("FEEDSIFT_HTTP_TOKEN", "")
	srv := feedServer(t)
	dir := t.TempDir()
	path := feedsConfig(t, dir, `[http]
listen = "127.0.0.1:0"
[nats]
embedded_listen = "127.0.0.1:0"
[fetch]
allow_networks = ["127.0.0.0/8"]
per_host_interval = "0s"
[poll]
drain_timeout = "5s"`,
		"rss "+srv.URL+"/rss.xml", "rdf "+srv.URL+"/rdf.xml", "atom "+srv.URL+"/atom.xml",
		"json "+srv.URL+"/feed.json", "unreachable http://127.0.0.1:9/feed.xml")
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	d, err := daemon.Start(t.Context(), cfg, daemon.Options{ConfigPath: path})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	ctx, cancel := contextWithCancel(t)
	go func() { done <- d.Run(ctx) }()
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			cancel()
			<-done
		}
	})

	formats := func() map[string]string {
		var list []httpapi.FeedInfo
		if err := json.Unmarshal([]byte(mustRun(t, "feeds", "list", "--json", "--config", path)), &list); err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for _, f := range list {
			out[f.ID] = f.Format
		}
		return out
	}
	want := map[string]string{"rss": "rss", "rdf": "rss", "atom": "atom", "json": "json", "unreachable": ""}
	waitUntil(t, 3*time.Minute, done, func() (bool, string) {
		got := formats()
		return cmp.Equal(want, got), fmt.Sprintf("feed formats %v, want %v", got, want)
	})
	live := mustRun(t, "feeds", "export", "--config", path)
	golden(t, "feeds_export_formats.golden.opml", strings.ReplaceAll(live, srv.URL, "http://FEEDS"))

	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	stopped = true
	if diff := cmp.Diff(live, mustRun(t, "feeds", "export", "--config", path)); diff != "" {
		t.Errorf("export from the store differs from the export through the daemon (-daemon +store):\n%s", diff)
	}
}
