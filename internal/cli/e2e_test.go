package cli_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/feedsift/feedsift/internal/cli"
	"github.com/feedsift/feedsift/internal/daemon"
	"github.com/feedsift/feedsift/internal/feedfarm"
	"github.com/feedsift/feedsift/internal/story"
	"github.com/feedsift/feedsift/internal/testshared"
	"github.com/feedsift/feedsift/internal/testwait"
	"github.com/feedsift/feedsift/sink"
)

// junkLines are the boilerplate lines of the shared seeds and of the feed
// farm's page templates: none may reach a story.
var junkLines = []string{
	"Home »", "Leave a Comment", "This site uses Akismet", "Source link", "Leave a Reply",
	"Your email address will not be published", "Required fields are marked", "Back to top",
	"Similar Posts", "Scroll to Top", "shangri la 326122 1280", "Title:", "Travel aficionado",
	"Incurable bacon specialist", "Share this:", "Share on Facebook", "Sign up for our free newsletter",
	"Accept all", "Subscribe from 1 euro", "Privacy policy", "Skip to content", "Previous post",
}

// TestEndToEnd runs the daemon through "feedsift run" against a loopback
// feed farm carrying the five shared seeds, once on the embedded server and
// once on a standalone nats-server.
func TestEndToEnd(t *testing.T) {
	seeds := readSeeds(t)
	t.Run("embedded", func(t *testing.T) {
		runEndToEnd(t, seeds, "")
	})
	t.Run("standalone", func(t *testing.T) {
		runEndToEnd(t, seeds, startNATSServer(t))
	})
}

func runEndToEnd(t *testing.T, seeds []feedfarm.Article, natsURL string) {
	sc := feedfarm.SeedScenario(seeds)
	farm := feedfarm.New(sc)
	srv := httptest.NewServer(farm.Handler())
	t.Cleanup(srv.Close)
	urls := farm.FeedURLs(srv.URL)

	dir := t.TempDir()
	cfgPath := writeConfig(t, dir, sc, urls, natsURL)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- cli.Run(ctx, []string{"run", "--config", cfgPath}, os.Stdout, os.Stderr) }()

	dataDir := filepath.Join(dir, "data")
	url := waitFile(t, filepath.Join(dataDir, daemon.NATSURLFile), done)
	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatalf("connect to daemon's NATS at %s: %v", url, err)
	}
	defer nc.Close()

	exp := sc.Expected()
	want0 := countKinds(exp, 0)
	waitEvents(t, nc, want0, done)

	// Round 1: a syndicated copy of seed 0 and a retitled repost appear,
	// and the feeds' ETags change.
	farm.SetRound(1)
	want1 := countKinds(exp, 1)
	waitEvents(t, nc, want1, done)

	// Two more polls of every feed must publish nothing: the feeds answer
	// 304 or list only known items.
	before := farm.Stats()
	waitPolls(t, farm, before, urls, 2, done)
	stories, dupes, announced := readStream(t, nc)
	checkStream(t, stories, dupes, announced, want1)

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("feedsift run returned %v", err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("feedsift run did not stop within 60s of SIGINT-equivalent cancel")
	}

	checkStories(t, seeds, sc, stories)
	checkDupes(t, sc, stories, dupes)
	checkStore(t, filepath.Join(dataDir, daemon.StoreFile), stories, dupes)
}

type kinds struct{ stories, dupes int }

func countKinds(exp []feedfarm.Expectation, round int) kinds {
	var k kinds
	for _, e := range exp {
		if e.Round > round {
			continue
		}
		if e.Kind == feedfarm.KindOriginal {
			k.stories++
		} else {
			k.dupes++
		}
	}
	return k
}

func writeConfig(t *testing.T, dir string, sc feedfarm.Scenario, urls map[string]string, natsURL string) string {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "data_dir = %q\n[log]\nlevel = \"warn\"\n[http]\nlisten = \"127.0.0.1:0\"\n", filepath.Join(dir, "data"))
	fmt.Fprintf(&b, "[nats]\nurl = %q\nembedded_listen = \"127.0.0.1:0\"\n", natsURL)
	b.WriteString("[fetch]\ntimeout = \"5s\"\nper_host_interval = \"0s\"\nper_host_concurrency = 4\nallow_networks = [\"127.0.0.0/8\", \"::1/128\"]\n")
	b.WriteString("[poll]\ninterval = \"1s\"\nmax_backoff = \"2s\"\nmax_item_age = \"87600h\"\n")
	for _, s := range sc.Sites {
		fmt.Fprintf(&b, "[[feed]]\nid = %q\nurl = %q\ntopic = %q\n", s.Name, urls[s.Name], s.Topic)
	}
	path := filepath.Join(dir, "feedsift.toml")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func readSeeds(t *testing.T) []feedfarm.Article {
	t.Helper()
	dir := filepath.Join(testshared.Dir(t), "seeds")
	files, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil || len(files) != 5 {
		t.Skipf("shared seeds not found at %s (set FEEDSIFT_SHARED): %d files, %v", dir, len(files), err)
	}
	slices.Sort(files)
	var out []feedfarm.Article
	for i, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, feedfarm.ArticleFromText(fmt.Sprintf("seed-%d", i), string(data)))
	}
	return out
}

// startNATSServer starts the standalone nats-server installed by
// scripts/install-nats-server.sh.
func startNATSServer(t *testing.T) string {
	t.Helper()
	bin := os.Getenv("FEEDSIFT_NATS_SERVER")
	if bin == "" {
		bin = filepath.Join("..", "..", ".bin", "nats-server")
	}
	if _, err := os.Stat(bin); err != nil {
		if os.Getenv("FEEDSIFT_REQUIRE_NATS_SERVER") != "" {
			t.Fatalf("nats-server binary not found at %s: run scripts/install-nats-server.sh", bin)
		}
		t.Skipf("nats-server binary not found at %s: run scripts/install-nats-server.sh", bin)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-js", "-a", "127.0.0.1", "-p", fmt.Sprint(port), "-sd", t.TempDir())
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	t.Cleanup(func() {
		if err := cmd.Process.Kill(); err != nil {
			t.Logf("kill nats-server: %v", err)
		}
		_ = cmd.Wait() // the exit status of a killed process says nothing
	})
	url := fmt.Sprintf("nats://127.0.0.1:%d", port)
	testwait.UntilNil(t, "standalone nats-server at "+url+" comes up", 15*time.Second, func() error {
		nc, err := nats.Connect(url)
		if err == nil {
			nc.Close()
		}
		return err
	})
	return url
}

// waitUntil polls cond until it reports done, failing the test when the
// daemon exits first or timeout passes; cond's message says what is missing.
func waitUntil(t *testing.T, timeout time.Duration, daemonDone <-chan error, cond func() (bool, string)) {
	t.Helper()
	var (
		msg    string
		exited bool
		err    error
	)
	met := testwait.Poll(timeout, func() bool {
		var ok bool
		if ok, msg = cond(); ok {
			return true
		}
		select {
		case err = <-daemonDone:
			exited = true
			return true
		default:
			return false
		}
	})
	switch {
	case exited:
		t.Fatalf("feedsift run exited early: %v", err)
	case !met:
		t.Fatalf("after %s: %s", timeout, msg)
	}
}

func waitFile(t *testing.T, path string, done <-chan error) string {
	t.Helper()
	var content string
	waitUntil(t, 60*time.Second, done, func() (bool, string) {
		b, err := os.ReadFile(path)
		content = strings.TrimSpace(string(b))
		return err == nil && content != "", path + " did not appear"
	})
	return content
}

// waitEvents waits until the stream holds at least the wanted numbers of
// stories and duplicates.
func waitEvents(t *testing.T, nc *nats.Conn, want kinds, done <-chan error) {
	t.Helper()
	waitUntil(t, 90*time.Second, done, func() (bool, string) {
		stories, dupes, _ := readStream(t, nc)
		return len(stories) >= want.stories && len(dupes) >= want.dupes,
			fmt.Sprintf("the stream has %d stories and %d duplicates, want %d and %d:\n%s",
				len(stories), len(dupes), want.stories, want.dupes, describe(stories, dupes))
	})
}

// waitPolls waits until every feed was requested n more times than in before.
func waitPolls(t *testing.T, farm *feedfarm.Farm, before feedfarm.Stats, urls map[string]string, n int, done <-chan error) {
	t.Helper()
	waitUntil(t, 60*time.Second, done, func() (bool, string) {
		now := farm.Stats()
		for _, u := range urls {
			path := u[strings.Index(u[len("http://"):], "/")+len("http://"):]
			if now.Requests[path]-before.Requests[path] < n {
				return false, fmt.Sprintf("feeds were not polled %d more times: %v", n, now.Requests)
			}
		}
		return true, ""
	})
}

// readStream reads every message of the stream and returns the stories by
// id (counting how often each was published) and the duplicates.
// readStream reads the whole stream: the stories by ID, as published on
// their own topics; the copies; and, by story ID, the other topics each
// story was announced on (a copy came through a feed of that topic).
func readStream(t *testing.T, nc *nats.Conn) (map[string][]story.Story, []story.Duplicate, map[string][]string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	st, err := js.Stream(ctx, "FEEDSIFT")
	if err != nil {
		t.Fatalf("stream FEEDSIFT: %v", err)
	}
	info, err := st.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	stories := map[string][]story.Story{}
	announced := map[string][]string{}
	var dupes []story.Duplicate
	if info.State.Msgs == 0 {
		return stories, dupes, announced
	}
	cons, err := st.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{})
	if err != nil {
		t.Fatal(err)
	}
	for {
		msg, err := cons.Next(jetstream.FetchContext(ctx))
		if err != nil {
			t.Fatalf("read stream: %v", err)
		}
		switch {
		case strings.HasPrefix(msg.Subject(), "news."):
			var s story.Story
			if err := json.Unmarshal(msg.Data(), &s); err != nil {
				t.Fatalf("story payload on %s: %v", msg.Subject(), err)
			}
			if got := msg.Headers().Get(jetstream.MsgIDHeader); got == "" {
				t.Errorf("story %s published without %s", s.ID, jetstream.MsgIDHeader)
			}
			topic := strings.TrimPrefix(msg.Subject(), "news.")
			switch {
			case topic == s.Topic:
				stories[s.ID] = append(stories[s.ID], s)
			case s.HasTopic(topic):
				announced[s.ID] = append(announced[s.ID], topic)
			default:
				t.Errorf("story %s on subject %s, want one of its topics %q", s.ID, msg.Subject(), s.AllTopics())
			}
		case strings.HasPrefix(msg.Subject(), "feedsift.dupes."):
			var d story.Duplicate
			if err := json.Unmarshal(msg.Data(), &d); err != nil {
				t.Fatalf("duplicate payload on %s: %v", msg.Subject(), err)
			}
			dupes = append(dupes, d)
		default:
			t.Errorf("unexpected subject %s", msg.Subject())
		}
		meta, err := msg.Metadata()
		if err != nil {
			t.Fatal(err)
		}
		if meta.Sequence.Stream >= info.State.LastSeq {
			return stories, dupes, announced
		}
	}
}

func describe(stories map[string][]story.Story, dupes []story.Duplicate) string {
	var b strings.Builder
	for id, list := range stories {
		fmt.Fprintf(&b, "  story %s x%d %q (%s) %s\n", id[:8], len(list), list[0].Title, list[0].FeedID, list[0].URL)
	}
	for _, d := range dupes {
		fmt.Fprintf(&b, "  dupe of %s: %s %s %.2f %s\n", d.StoryID[:8], d.FeedID, d.Method, d.Similarity, d.URL)
	}
	return b.String()
}

// checkStream checks that the stream holds the wanted stories, each once
// on its own topic and once on each other topic a copy came through, and
// the wanted copies.
func checkStream(t *testing.T, stories map[string][]story.Story, dupes []story.Duplicate, announced map[string][]string, want kinds) {
	t.Helper()
	wantOn := map[string][]string{}
	for _, d := range dupes {
		if list := stories[d.StoryID]; len(list) > 0 && d.Topic != list[0].Topic && !slices.Contains(wantOn[d.StoryID], d.Topic) {
			wantOn[d.StoryID] = append(wantOn[d.StoryID], d.Topic)
		}
	}
	for id := range stories {
		got := slices.Sorted(slices.Values(announced[id]))
		if want := slices.Sorted(slices.Values(wantOn[id])); !slices.Equal(got, want) {
			t.Errorf("story %s announced on other topics %q, want once on each of %q", id, got, want)
		}
	}
	if len(stories) != want.stories || len(dupes) != want.dupes {
		t.Errorf("stream: %d stories and %d duplicates, want %d and %d:\n%s",
			len(stories), len(dupes), want.stories, want.dupes, describe(stories, dupes))
	}
	for id, list := range stories {
		if len(list) != 1 {
			t.Errorf("story %s published %d times, want once", id, len(list))
		}
	}
}

// checkStories checks that each seed became exactly one story holding
// every paragraph of the seed and none of its junk.
func checkStories(t *testing.T, seeds []feedfarm.Article, sc feedfarm.Scenario, stories map[string][]story.Story) {
	t.Helper()
	exp := sc.Expected()
	for _, e := range exp {
		if e.Kind != feedfarm.KindOriginal {
			continue
		}
		s, ok := storyAt(stories, e.URL)
		if !ok {
			t.Errorf("no story for original %s (%s)", e.URL, e.Title)
			continue
		}
		if s.Title != e.Title {
			t.Errorf("story %s title %q, want %q", e.URL, s.Title, e.Title)
		}
	}
	for i, seed := range seeds {
		var s story.Story
		for _, e := range exp {
			if e.Kind == feedfarm.KindOriginal && e.Story == slugOf(sc, i) {
				s, _ = storyAt(stories, e.URL)
			}
		}
		if s.ID == "" {
			t.Errorf("seed %d: no story", i)
			continue
		}
		text := s.Text
		for _, p := range seed.Paragraphs {
			p = strings.ReplaceAll(strings.TrimSpace(p), "chargĂ©", "chargé")
			if len(p) >= 150 && !strings.Contains(text, p) {
				t.Errorf("seed %d: story lost the paragraph %.60q…", i, p)
			}
		}
		for para := range strings.SplitSeq(text, "\n\n") {
			for _, junk := range junkLines {
				if strings.Contains(para, junk) {
					t.Errorf("seed %d: junk %q kept in paragraph %.80q", i, junk, para)
				}
			}
			if strings.TrimSpace(para) == strings.Trim(s.Title, "“”\" ") {
				t.Errorf("seed %d: the title is repeated in the text", i)
			}
		}
		if strings.Contains(text, "chargĂ©") {
			t.Errorf("seed %d: mojibake kept", i)
		}
	}
	if i := 4; len(seeds) > i {
		for _, heading := range []string{"Impact of Strikes and Fallout", "The U.S.’s Motive for the Strikes"} {
			found := false
			for _, list := range stories {
				found = found || strings.Contains(list[0].Text, heading)
			}
			if !found {
				t.Errorf("seed 4: heading %q lost", heading)
			}
		}
	}
}

func slugOf(sc feedfarm.Scenario, seed int) string {
	for _, s := range sc.Sites {
		for _, e := range s.Entries {
			if e.GUID == fmt.Sprintf("%s:seed:%d", s.Name, seed) {
				return e.Article.Slug
			}
		}
	}
	return ""
}

func storyAt(stories map[string][]story.Story, path string) (story.Story, bool) {
	for _, list := range stories {
		if strings.HasSuffix(list[0].URL, path) {
			return list[0], true
		}
	}
	return story.Story{}, false
}

// checkDupes checks each expected duplicate was merged into the story of
// its original, with a method and a reason.
func checkDupes(t *testing.T, sc feedfarm.Scenario, stories map[string][]story.Story, dupes []story.Duplicate) {
	t.Helper()
	for _, e := range sc.Expected() {
		if e.Kind == feedfarm.KindOriginal {
			continue
		}
		orig, ok := storyAt(stories, e.Original)
		if !ok {
			t.Errorf("duplicate %s: no story for its original %s", e.URL, e.Original)
			continue
		}
		found := false
		for _, d := range dupes {
			if strings.HasSuffix(d.URL, e.URL) {
				found = true
				if d.StoryID != orig.ID {
					t.Errorf("duplicate %s merged into %s, want %s", e.URL, d.StoryID, orig.ID)
				}
				if d.Method == "" || d.Reason == "" || d.Similarity <= 0 {
					t.Errorf("duplicate %s lacks method/similarity/reason: %+v", e.URL, d)
				}
			}
		}
		if !found {
			t.Errorf("expected duplicate %s (%s) was not reported", e.URL, e.Kind)
		}
	}
}

// checkStore opens the daemon's bbolt file after shutdown and checks it
// holds exactly the stream's stories and the report its duplicates.
func checkStore(t *testing.T, path string, stories map[string][]story.Story, dupes []story.Duplicate) {
	t.Helper()
	st, err := sink.OpenStore(path, sink.StoreOptions{ReadOnly: true})
	if err != nil {
		t.Fatalf("open store after shutdown: %v", err)
	}
	defer st.Close()
	list, err := st.Stories(sink.StoryFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != len(stories) {
		t.Errorf("store has %d stories, stream %d", len(list), len(stories))
	}
	for _, s := range list {
		if _, ok := stories[s.ID]; !ok {
			t.Errorf("store has story %s not on the stream", s.ID)
		}
	}
	report, err := st.Report(sink.StoryFilter{})
	if err != nil {
		t.Fatal(err)
	}
	members := 0
	for _, e := range report {
		members += len(e.Members)
	}
	if members != len(dupes) {
		t.Errorf("store report has %d merged copies, stream %d", members, len(dupes))
	}
}
