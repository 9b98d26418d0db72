package cli_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

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

// startStream starts an embedded JetStream server, creates the stream and
// publishes, in this order: a world story, a tech story, a world.europe
// story, a duplicate of the world and the tech story, and the closing world
// story. It returns the server's URL.
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
		if _, _, err := js.PublishStory(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range []story.Duplicate{ferryCopy, orbitCopy} {
		if _, _, err := js.PublishDuplicate(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := js.PublishStory(ctx, closing); err != nil {
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

	// payload tells the two payload kinds apart: a duplicate names the
	// story it was merged into.
	type payload struct {
		ID      string `json:"id"`
		StoryID string `json:"story"`
		URL     string `json:"url"`
	}
	keys := func(t *testing.T, lines []string) []string {
		var out []string
		for _, l := range lines {
			var p payload
			if err := json.Unmarshal([]byte(l), &p); err != nil {
				t.Fatalf("--json line %q: %v", l, err)
			}
			if p.StoryID != "" {
				out = append(out, "dupe:"+p.URL)
			} else {
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
		{"world stories and their duplicates", []string{"--dupes", "news.world.>"},
			[]string{"story:" + ferry.ID, "story:" + tram.ID, "dupe:" + ferryCopy.URL, "story:" + closing.ID}},
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
		if len(lines) != 3 {
			t.Fatalf("got %d lines, want 3:\n%s", len(lines), strings.Join(lines, "\n"))
		}
		wants := [][]string{
			{"2026-03-10 16:45", "news.world", ferry.ID[:12], ferry.Title, "(wire)", ferry.URL},
			{"2026-03-10T18:00:00Z", "feedsift.dupes.world", "merged into " + ferry.ID[:12], "content 0.86", ferryCopy.URL},
			{endSubject, closing.ID[:12], closing.Title},
		}
		for i, want := range wants {
			for _, w := range want {
				if !strings.Contains(lines[i], w) {
					t.Errorf("line %d %q lacks %q", i, lines[i], w)
				}
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
