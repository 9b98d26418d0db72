package cli_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/feedsift/feedsift/internal/daemon"
)

// TestTailProcess runs the feedsift binary as an operator does: "feedsift
// run" against a loopback RSS feed, and "feedsift tail" beside it. tail
// must print a new story, live through 60 s without a message (the issue:
// it died after 30 s with "nats: timeout"), survive a restart of the
// daemon, whose embedded server comes back on a new random port, say that
// it lost the connection and reconnected, and print the stories published
// meanwhile and after, each once.
func TestTailProcess(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("runs 60 s of silence by design")
	}
	bin := buildFeedsift(t)
	feed := newTailFeed(t)
	dir := t.TempDir()
	dataDir := filepath.Join(dir, "data")
	cfg := filepath.Join(dir, "feedsift.toml")
	writeFile(t, cfg, fmt.Sprintf(`data_dir = %q
[log]
level = "warn"
[http]
listen = "127.0.0.1:0"
[nats]
embedded_listen = "127.0.0.1:0"
[fetch]
timeout = "10s"
per_host_interval = "0s"
allow_networks = ["127.0.0.0/8", "::1/128"]
[poll]
interval = "1s"
max_backoff = "2s"
[[feed]]
id = "harbour"
url = %q
topic = "local"
`, dataDir, feed.url()+"/feed.xml"))
	urlFile := filepath.Join(dataDir, daemon.NATSURLFile)

	d1 := startProcess(t, "daemon", bin, "run", "--config", cfg)
	waitFor(t, "the daemon's nats.url", 5*time.Minute, d1, func() bool { return readTrim(urlFile) != "" })
	firstURL := readTrim(urlFile)

	tail := startProcess(t, "tail", bin, "tail", "--config", cfg)
	waitFor(t, "tail to start", 2*time.Minute, tail, func() bool { return strings.Contains(tail.stderr.String(), "tailing ") })

	feed.add(tailArticles[0])
	waitFor(t, "the first story in tail", 3*time.Minute, tail, func() bool {
		return strings.Contains(tail.stdout.String(), tailArticles[0].title)
	})

	// The tail died after 30 s without a message: 60 s of silence,
	// during which the daemon keeps polling an unchanged feed.
	select {
	case <-tail.exited:
		t.Fatalf("tail exited during 60 s of silence: %v\nstdout:\n%s\nstderr:\n%s", tail.err, tail.stdout.String(), tail.stderr.String())
	case <-time.After(60 * time.Second):
	}
	if lines := outputLines(tail.stdout.String()); len(lines) != 1 {
		t.Fatalf("tail printed %d lines during the silence, want 1:\n%s", len(lines), strings.Join(lines, "\n"))
	}

	// Stop the daemon; a story appears while it is down and the next one
	// after it is back.
	d1.stop(t, syscall.SIGTERM)
	waitFor(t, "tail to say the connection was lost", 2*time.Minute, tail, func() bool {
		return strings.Contains(tail.stderr.String(), "lost")
	})
	feed.add(tailArticles[1])
	d2 := startProcess(t, "daemon after restart", bin, "run", "--config", cfg)
	waitFor(t, "the story published at the restart in tail", 5*time.Minute, tail, func() bool {
		return strings.Contains(tail.stdout.String(), tailArticles[1].title)
	})
	waitFor(t, "tail to say it reconnected", time.Minute, tail, func() bool {
		return strings.Contains(tail.stderr.String(), "reconnected")
	})
	t.Logf("embedded server at %s before the restart, %s after", firstURL, readTrim(urlFile))
	feed.add(tailArticles[2])
	waitFor(t, "the story published after the restart in tail", 3*time.Minute, tail, func() bool {
		return strings.Contains(tail.stdout.String(), tailArticles[2].title)
	})

	tail.stop(t, syscall.SIGINT)
	if tail.err != nil {
		t.Errorf("tail ended with %v after SIGINT, want exit status 0\nstderr:\n%s", tail.err, tail.stderr.String())
	}
	d2.stop(t, syscall.SIGTERM)

	lines := outputLines(tail.stdout.String())
	seen := map[string]bool{}
	for _, l := range lines {
		if seen[l] {
			t.Errorf("tail printed %q twice", l)
		}
		seen[l] = true
	}
	for _, a := range tailArticles {
		if n := strings.Count(tail.stdout.String(), a.title); n != 1 {
			t.Errorf("tail printed %q %d times, want once", a.title, n)
		}
	}
	if len(lines) != len(tailArticles) {
		t.Errorf("tail printed %d lines, want %d:\n%s", len(lines), len(tailArticles), strings.Join(lines, "\n"))
	}
	t.Logf("tail stdout:\n%s\ntail stderr:\n%s", tail.stdout.String(), tail.stderr.String())
}

// buildFeedsift builds the feedsift command into a temporary directory.
func buildFeedsift(t *testing.T) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("no go command to build feedsift with: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "feedsift")
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, goBin, "build", "-o", bin, "github.com/feedsift/feedsift/cmd/feedsift").CombinedOutput()
	if err != nil {
		t.Fatalf("go build feedsift: %v\n%s", err, out)
	}
	return bin
}

// process is a child process whose output is kept.
type process struct {
	name           string
	cmd            *exec.Cmd
	stdout, stderr syncBuffer
	exited         chan struct{} // closed when it ended; err is then set
	err            error
}

// startProcess starts bin with args, without the environment variables
// that would point it at another daemon, and kills it at the end of the
// test if it still runs.
func startProcess(t *testing.T, name, bin string, args ...string) *process {
	t.Helper()
	p := &process{name: name, exited: make(chan struct{})}
	p.cmd = exec.Command(bin, args...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "FEEDSIFT_") {
			p.cmd.Env = append(p.cmd.Env, kv)
		}
	}
	p.cmd.Stdout, p.cmd.Stderr = &p.stdout, &p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-p.exited:
		default:
			_ = p.cmd.Process.Kill() // the test failed before it stopped the process
			<-p.exited
		}
	})
	return p
}

// stop sends sig and waits until the process has ended.
func (p *process) stop(t *testing.T, sig os.Signal) {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatalf("signal %s: %v", p.name, err)
	}
	select {
	case <-p.exited:
	case <-time.After(2 * time.Minute):
		t.Fatalf("%s did not end within 2 min of %v\nstderr:\n%s", p.name, sig, p.stderr.String())
	}
}

// waitFor waits until cond holds, failing the test when p ends first or
// timeout (a failure bound, not a pause) passes.
func waitFor(t *testing.T, what string, timeout time.Duration, p *process, cond func() bool) {
	t.Helper()
	deadline := time.After(timeout)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-p.exited:
			if cond() {
				return
			}
			t.Fatalf("waiting for %s: %s ended: %v\nstdout:\n%s\nstderr:\n%s", what, p.name, p.err, p.stdout.String(), p.stderr.String())
		case <-deadline:
			t.Fatalf("no %s within %s\n%s stdout:\n%s\n%s stderr:\n%s", what, timeout, p.name, p.stdout.String(), p.name, p.stderr.String())
		case <-tick.C:
		}
	}
}

func readTrim(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

func outputLines(s string) []string {
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// tailArticle is an article of the test feed.
type tailArticle struct {
	slug, title string
	paragraphs  []string
}

// tailArticles are three unrelated articles, so none is taken for a copy
// of another.
var tailArticles = []tailArticle{
	{"bridge", "Harbour swing bridge reopens after eight months of repairs", []string{
		"The swing bridge over the inner harbour reopened to traffic on Monday morning after eight months of repairs to its turning gear, which had seized during the winter storms.",
		"Engineers replaced the central bearing, rebuilt the hydraulic rams and repainted the whole span in the original dark green that the bridge wore when it opened in 1911.",
		"Drivers had faced a detour of four kilometres through the industrial estate, and the bus company said journey times on the harbour route would now return to the timetable.",
	}},
	{"choir", "Village school choir wins the national competition at its first attempt", []string{
		"A choir of twenty-six children from a village primary school has won the national schools singing competition at its first attempt, ahead of forty other schools from every region.",
		"The children sang three songs in two languages, including a lullaby their music teacher had collected from the oldest residents of the valley and arranged for four voices.",
		"The prize is a week of recording in a professional studio, and the head teacher said the parents had already raised the money for the coach to take the whole choir there.",
	}},
	{"library", "City library stays open until nine on weekday evenings", []string{
		"The central city library will stay open until nine in the evening from Monday to Friday starting next month, after a survey found that many readers could not come during working hours.",
		"The council is paying for two extra librarians and a security guard from the budget that was freed when the mobile library van was replaced by a smaller electric one.",
		"Study rooms on the second floor can now be booked online up to a week ahead, and the children's reading hour moves from Tuesday afternoon to Saturday morning.",
	}},
}

// tailFeed is a loopback RSS feed whose items the test adds, with a page
// for each item.
type tailFeed struct {
	srv   *httptest.Server
	mu    sync.Mutex
	items []tailArticle
	added []time.Time
}

func newTailFeed(t *testing.T) *tailFeed {
	f := &tailFeed{}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *tailFeed) url() string { return f.srv.URL }

func (f *tailFeed) add(a tailArticle) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.items = append(f.items, a)
	f.added = append(f.added, time.Now().UTC().Truncate(time.Second))
}

func (f *tailFeed) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	items, added := f.items, f.added
	f.mu.Unlock()
	if r.URL.Path == "/feed.xml" {
		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		var b strings.Builder
		b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n<rss version=\"2.0\"><channel>" +
			"<title>Harbour Gazette</title><link>" + f.url() + "/</link><description>Local news</description>\n")
		for i := len(items) - 1; i >= 0; i-- {
			a := items[i]
			fmt.Fprintf(&b, "<item><title>%s</title><link>%s/a/%s.html</link><guid isPermaLink=\"false\">harbour-%s</guid>"+
				"<pubDate>%s</pubDate><description>%s</description></item>\n",
				html.EscapeString(a.title), f.url(), a.slug, a.slug, added[i].Format(time.RFC1123Z), html.EscapeString(a.paragraphs[0]))
		}
		b.WriteString("</channel></rss>\n")
		_, _ = w.Write([]byte(b.String()))
		return
	}
	for _, a := range items {
		if r.URL.Path == "/a/"+a.slug+".html" {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			var b strings.Builder
			fmt.Fprintf(&b, "<!DOCTYPE html><html><head><title>%s - Harbour Gazette</title></head><body>"+
				"<nav><a href=\"/\">Home</a></nav><article><h1>%s</h1>\n", html.EscapeString(a.title), html.EscapeString(a.title))
			for _, p := range a.paragraphs {
				fmt.Fprintf(&b, "<p>%s</p>\n", html.EscapeString(p))
			}
			b.WriteString("</article><footer>Harbour Gazette</footer></body></html>\n")
			_, _ = w.Write([]byte(b.String()))
			return
		}
	}
	http.NotFound(w, r)
}
