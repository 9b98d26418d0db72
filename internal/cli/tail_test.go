package cli_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/feedsift/feedsift/internal/cli"
	"github.com/feedsift/feedsift/internal/daemon"
	"github.com/feedsift/feedsift/internal/story"
	"github.com/feedsift/feedsift/sink"
)

// closing is published last, on a topic of its own that every test tails
// (endSubject): once tail printed it, it has seen every message before it.
var closing = story.Story{
	ID: "c10s1ng0000000000000", Topic: "test.end", FeedID: "wire", URL: "https://wire.example/closing",
	Title: "Closing story of the tail test", Published: march(11, 9, 0), Fetched: march(11, 9, 5),
	Text: "Last.", Source: "article",
}

// ferrySplit is a person's split of the ferry story's copy, published by
// startStream on the overrides subject of world.
var ferrySplit = story.Override{
	ID: "0v3rr1de5p1it", Op: story.OpSplit, Story: ferry.ID, Member: ferryCopy.MemberKey(),
	NewStory: "5p1itf3rry0000000000", Topic: "world", At: march(10, 20, 15), By: "cli alice",
}

// startStream starts an embedded JetStream server, creates the stream and
// publishes, in this order: a world story, a tech story, a world.europe
// story, a duplicate of the world and the tech story, a split of the world
// story's copy, and the closing story. It returns the server's URL.
func startStream(t *testing.T) string {
	t.Helper()
	ctx := t.Context()
	emb, err := sink.StartEmbedded(ctx, sink.EmbeddedOptions{StoreDir: t.TempDir(), Port: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(emb.Shutdown)
	nc, err := nats.Connect(emb.ClientURL())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := sink.NewJetStream(ctx, nc, sink.JetStreamOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []story.Story{ferry, orbit, tram} {
		if _, _, err := js.Publish(ctx, sink.StoryEvent(s), sink.PublishOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range []story.Duplicate{ferryCopy, orbitCopy} {
		if _, _, err := js.Publish(ctx, sink.DuplicateEvent(d), sink.PublishOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := js.Publish(ctx, sink.OverrideEvent(ferrySplit), sink.PublishOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := js.Publish(ctx, sink.StoryEvent(closing), sink.PublishOptions{}); err != nil {
		t.Fatal(err)
	}
	return emb.ClientURL()
}

// tailLines runs tail with args until it printed want, then stops it and
// returns the lines it printed.
func tailLines(t *testing.T, want string, args ...string) []string {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() { done <- cli.Run(ctx, append([]string{"tail"}, args...), &stdout, &stderr) }()
	waitOutput(t, &stdout, want, done)
	stopCommand(t, cancel, done)
	if !strings.Contains(stderr.String(), "tailing ") {
		t.Errorf("stderr %q does not say what is tailed", stderr.String())
	}
	return strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\n")
}

const endSubject = "news.test.end"

func TestTail(t *testing.T) {
	t.Parallel()
	url := startStream(t)

	// payload tells the three payload kinds apart: an override has an op,
	// a duplicate names the story it was merged into.
	type payload struct {
		ID      string `json:"id"`
		StoryID string `json:"story"`
		URL     string `json:"url"`
		Op      string `json:"op"`
	}
	keys := func(t *testing.T, lines []string) []string {
		var out []string
		for _, l := range lines {
			var p payload
			if err := json.Unmarshal([]byte(l), &p); err != nil {
				t.Fatalf("--json line %q: %v", l, err)
			}
			switch {
			case p.Op != "":
				out = append(out, "override:"+p.ID)
			case p.StoryID != "":
				out = append(out, "dupe:"+p.URL)
			default:
				out = append(out, "story:"+p.ID)
			}
		}
		return out
	}

	jsonTests := []struct {
		name string
		args []string
		want []string
	}{
		// "news.world.>" takes the topic world and the topics below it.
		{"world stories", []string{"news.world.>"}, []string{"story:" + ferry.ID, "story:" + tram.ID, "story:" + closing.ID}},
		{"world stories, their duplicates and overrides", []string{"--dupes", "news.world.>"},
			[]string{"story:" + ferry.ID, "story:" + tram.ID, "dupe:" + ferryCopy.URL, "override:" + ferrySplit.ID, "story:" + closing.ID}},
		{"world.europe only", []string{"--dupes", "news.world.europe"}, []string{"story:" + tram.ID, "story:" + closing.ID}},
		{"tech and its duplicates", []string{"--dupes", "news.tech"},
			[]string{"story:" + orbit.ID, "dupe:" + orbitCopy.URL, "story:" + closing.ID}},
	}
	for _, tc := range jsonTests {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"--server", url, "--all", "--json", endSubject}, tc.args...)
			got := keys(t, tailLines(t, closing.ID, args...))
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("tail %q printed\n  %s\nwant\n  %s", args, strings.Join(got, "\n  "), strings.Join(tc.want, "\n  "))
			}
		})
	}

	t.Run("json payload", func(t *testing.T) {
		lines := tailLines(t, closing.ID, "--server", url, "--all", "--json", "news.world.>", endSubject)
		var s story.Story
		if err := json.Unmarshal([]byte(lines[0]), &s); err != nil {
			t.Fatal(err)
		}
		want := ferry
		want.Version = story.Version
		if s.ID != want.ID || s.Title != want.Title || s.Text != want.Text || !s.Published.Equal(want.Published) {
			t.Errorf("payload %+v, want %+v", s, want)
		}
	})

	t.Run("text", func(t *testing.T) {
		lines := tailLines(t, closing.Title, "--server", url, "--all", "--dupes", "news.world", endSubject)
		if len(lines) != 4 {
			t.Fatalf("got %d lines, want 4:\n%s", len(lines), strings.Join(lines, "\n"))
		}
		wants := [][]string{
			{"2026-03-10 16:45", "news.world", ferry.ID[:12], ferry.Title, "(wire)", ferry.URL},
			{"2026-03-10 18:00", "feedsift.dupes.world", ferry.ID[:12], "copy (content 0.86)", ferryCopy.Title, ferryCopy.URL},
			{"2026-03-10 20:15", "feedsift.overrides.world", ferry.ID[:12], "split: copy " + ferrySplit.Member[:12],
				"became story " + ferrySplit.NewStory[:12], "by cli alice"},
			{"2026-03-11 09:00", endSubject, closing.ID[:12], closing.Title},
		}
		for i, want := range wants {
			for _, w := range want {
				if !strings.Contains(lines[i], w) {
					t.Errorf("line %d %q lacks %q", i, lines[i], w)
				}
			}
		}
		// One time format and aligned columns: the short ID starts at the
		// same place on every line.
		for i, l := range lines {
			if !strings.HasPrefix(l[idColumn:], wants[i][2]) {
				t.Errorf("line %d %q: the ID column does not start at %d", i, l, idColumn)
			}
		}
	})

	t.Run("every story", func(t *testing.T) {
		lines := tailLines(t, closing.Title, "--server", url, "--all")
		got := strings.Join(lines, "\n")
		for _, s := range []story.Story{ferry, orbit, tram, closing} {
			if !strings.Contains(got, s.Title) {
				t.Errorf("no %q in:\n%s", s.Title, got)
			}
		}
		if len(lines) != 4 {
			t.Errorf("got %d lines, want the 4 stories and no duplicates:\n%s", len(lines), got)
		}
	})
}

// TestTailFindsServer checks tail finds the daemon's NATS server through
// nats.url in the data directory when no --server is given.
func TestTailFindsServer(t *testing.T) {
	t.Setenv("FEEDSIFT_NATS_URL", "") // it would take precedence over nats.url
	url := startStream(t)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, daemon.NATSURLFile), url+"\n")
	lines := tailLines(t, closing.Title, "--data", dir, "--all", "news.tech", endSubject)
	if len(lines) != 2 || !strings.Contains(lines[0], orbit.Title) {
		t.Errorf("tail --data %s printed:\n%s", dir, strings.Join(lines, "\n"))
	}
}

// idColumn is where the short ID starts on a line of tail: after the time
// ("2006-01-02 15:04"), the subject column (28) and two spaces each.
const idColumn = 16 + 2 + 28 + 2

// TestTailLineFormats checks tail's line for each kind of message, in
// testdata/tail_lines.golden (rewrite it with -update): one time format,
// aligned columns, no zero time, and a line for what cannot be decoded.
func TestTailLineFormats(t *testing.T) {
	at := march(12, 8, 30) // the message's time in the stream
	payload := func(v any) []byte {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	update := ferry
	update.Revision, update.Updated, update.Text = 2, march(11, 7, 5), "The strike is over. Ferries run again."
	splitOut := story.Story{
		ID: ferrySplit.NewStory, Topic: "world", FeedID: "ledger", URL: ferryCopy.URL, Title: ferryCopy.Title,
		Fetched: march(10, 20, 15), SplitFrom: ferry.ID, Text: "Split.", Source: "content",
	}
	merged := orbit
	merged.Merged, merged.Revision, merged.Updated = []string{"77aa88bb99cc00dd"}, 1, march(6, 10, 0)
	noTime := story.Story{ID: "0000notime0000", Topic: "world", FeedID: "wire", URL: "https://wire.example/x", Title: "No time\nat all"}
	merge := story.Override{
		ID: "0v3rr1dem3rge", Op: story.OpMerge, Story: orbit.ID, Other: "77aa88bb99cc00dd", Topic: "tech", At: march(6, 10, 0),
	}
	strange := merge
	strange.Op = "unmerge"
	tests := []struct {
		name, subject string
		data          []byte
	}{
		{"story", "news.world", payload(ferry)},
		{"story on a long subject", "news.world.europe.east.baltic", payload(tram)},
		{"story update", "news.world", payload(update)},
		{"story split out", "news.world", payload(splitOut)},
		{"story with merged stories", "news.tech", payload(merged)},
		{"story without a time", "news.world", payload(noTime)},
		{"duplicate", "feedsift.dupes.world", payload(ferryCopy)},
		{"duplicate by guid", "feedsift.dupes.tech", payload(orbitCopy)},
		{"split override", "feedsift.overrides.world", payload(ferrySplit)},
		{"merge override", "feedsift.overrides.tech", payload(merge)},
		{"override of an unknown op", "feedsift.overrides.tech", payload(strange)},
		{"undecodable story", "news.world", []byte("not json")},
		{"override on a story subject", "news.world", payload(merge)},
		{"undecodable duplicate", "feedsift.dupes.world", []byte(`{"story": 7}`)},
		{"undecodable override", "feedsift.overrides.world", []byte(`{}`)},
		{"unknown subject", "misc.thing", []byte(`{"hello": "world", "list": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]}`)},
	}
	var out strings.Builder
	for _, tc := range tests {
		line := cli.TailLine("news", "feedsift.dupes", tc.subject, tc.data, at)
		if strings.Contains(line, "0001-01-01") || strings.ContainsAny(line, "\n\r\t") {
			t.Errorf("%s: line %q has a zero time or a control character", tc.name, line)
		}
		if _, err := time.Parse("2006-01-02 15:04", line[:16]); err != nil {
			t.Errorf("%s: line %q does not start with the time: %v", tc.name, line, err)
		}
		if len(tc.subject) <= 28 && (line[idColumn-2:idColumn] != "  " || line[idColumn] == ' ') {
			t.Errorf("%s: line %q: the ID column does not start at %d", tc.name, line, idColumn)
		}
		fmt.Fprintf(&out, "# %s\n%s\n", tc.name, line)
	}
	golden(t, "tail_lines.golden", out.String())
}

// TestTailOutsideStream checks that tail refuses, as a usage error, a
// subject filter no subject of the stream can match, and says which
// subjects the stream holds.
func TestTailOutsideStream(t *testing.T) {
	url := startStream(t)
	tests := []struct {
		name    string
		filters []string
		wantErr string // "" when tail must start
	}{
		{"outside", []string{"nope.>"}, "'nope.>' matches no subject of stream FEEDSIFT, which holds news.>, feedsift.dupes.>, feedsift.overrides.>"},
		{"one of two outside", []string{"news.world.>", "nope.*"}, "'nope.*' matches no subject"},
		{"the prefix alone", []string{"news"}, "'news' matches no subject"},
		{"empty token", []string{"news..world"}, `subject "news..world": empty token`},
		{"> not last", []string{"news.>.world"}, `">" must be the last token`},
		{"everything", []string{">"}, ""},
		{"any first token", []string{"*.world"}, ""},
		{"overrides", []string{"feedsift.overrides.>"}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"tail", "--server", url, "--all"}, tc.filters...)
			if tc.wantErr == "" {
				ctx, cancel := context.WithCancel(t.Context())
				var stdout, stderr syncBuffer
				done := make(chan error, 1)
				go func() { done <- cli.Run(ctx, args, &stdout, &stderr) }()
				waitOutput(t, &stderr, "tailing ", done)
				stopCommand(t, cancel, done)
				return
			}
			r := run(t, args...)
			if r.err == nil || cli.ExitCode(r.err) != 2 || !strings.Contains(r.err.Error(), tc.wantErr) {
				t.Errorf("tail %q returned %v (exit %d), want a usage error with %q", tc.filters, r.err, cli.ExitCode(r.err), tc.wantErr)
			}
			if r.stdout != "" {
				t.Errorf("tail %q printed %q", tc.filters, r.stdout)
			}
		})
	}
}

// TestTailReconnects restarts the server under a running tail: with the
// URL given by --server the server comes back on the same address, with
// --data on a new port written to nats.url (and no nats.url while it is
// down, as the daemon does). tail must say it lost the connection and
// reconnected, and print each message once: those before the restart,
// the one published while it reconnected, and the one after.
func TestTailReconnects(t *testing.T) {
	t.Setenv("FEEDSIFT_NATS_URL", "") // it would take precedence over --data
	for _, viaData := range []bool{false, true} {
		t.Run(fmt.Sprintf("data dir %v", viaData), func(t *testing.T) {
			storeDir, dataDir := t.TempDir(), t.TempDir()
			urlFile := filepath.Join(dataDir, daemon.NATSURLFile)
			start := func(port int, publish ...story.Story) (*sink.Embedded, string) {
				emb, err := sink.StartEmbedded(t.Context(), sink.EmbeddedOptions{StoreDir: storeDir, Port: port})
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(emb.Shutdown)
				nc, err := nats.Connect(emb.ClientURL())
				if err != nil {
					t.Fatal(err)
				}
				defer nc.Close()
				js, err := sink.NewJetStream(t.Context(), nc, sink.JetStreamOptions{})
				if err != nil {
					t.Fatal(err)
				}
				for _, s := range publish {
					if _, _, err := js.Publish(t.Context(), sink.StoryEvent(s), sink.PublishOptions{}); err != nil {
						t.Fatal(err)
					}
				}
				writeFile(t, urlFile, emb.ClientURL()+"\n")
				return emb, emb.ClientURL()
			}
			emb, url := start(-1, ferry, orbit)
			target := []string{"--server", url}
			if viaData {
				target = []string{"--data", dataDir}
			}

			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			var stdout, stderr syncBuffer
			done := make(chan error, 1)
			go func() { done <- cli.Run(ctx, append([]string{"tail", "--all"}, target...), &stdout, &stderr) }()
			waitOutput(t, &stdout, orbit.Title, done)

			emb.Shutdown()
			if err := os.Remove(urlFile); err != nil {
				t.Fatal(err)
			}
			waitOutput(t, &stderr, "lost", done)
			port := -1 // a new random port, found through nats.url
			if !viaData {
				port = urlPort(t, url)
			}
			_, url2 := start(port, tram)
			waitOutput(t, &stdout, tram.Title, done)
			waitOutput(t, &stderr, "reconnected to "+url2, done)

			nc, err := nats.Connect(url2)
			if err != nil {
				t.Fatal(err)
			}
			defer nc.Close()
			js, err := sink.NewJetStream(t.Context(), nc, sink.JetStreamOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := js.Publish(t.Context(), sink.StoryEvent(closing), sink.PublishOptions{}); err != nil {
				t.Fatal(err)
			}
			waitOutput(t, &stdout, closing.Title, done)
			stopCommand(t, cancel, done)

			lines := strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\n")
			want := []story.Story{ferry, orbit, tram, closing}
			if len(lines) != len(want) {
				t.Fatalf("tail printed %d lines, want %d:\n%s\nstderr:\n%s", len(lines), len(want), stdout.String(), stderr.String())
			}
			for i, s := range want {
				if !strings.Contains(lines[i], s.Title) {
					t.Errorf("line %d %q, want the story %q", i, lines[i], s.Title)
				}
			}
		})
	}
}

func urlPort(t *testing.T, u string) int {
	t.Helper()
	i := strings.LastIndexByte(u, ':')
	port, err := strconv.Atoi(u[i+1:])
	if err != nil {
		t.Fatalf("port of %s: %v", u, err)
	}
	return port
}
