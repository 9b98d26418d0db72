package clustertest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/feedsift/feedsift/internal/feedfarm"
	"github.com/feedsift/feedsift/internal/natscluster"
	"github.com/feedsift/feedsift/internal/story"
	"github.com/feedsift/feedsift/internal/testwait"
	"github.com/feedsift/feedsift/sink"
)

// scale is the size of one run: the short default or the soak run.
type scale struct {
	feeds, items, rounds int
	interval             time.Duration // poll interval of every feed
	latency              time.Duration // added to every farm response
	roundWait            time.Duration // how long a round may make no progress
	cut                  time.Duration // connection cut of TestCutConnection
}

func testScale(t *testing.T) scale {
	s := scale{feeds: 500, items: 2, rounds: 1, interval: 3 * time.Second, latency: 40 * time.Millisecond,
		roundWait: 90 * time.Second, cut: 60 * time.Second}
	if os.Getenv("FEEDSIFT_SOAK") == "1" {
		s = scale{feeds: 1000, items: 3, rounds: 3, interval: 3 * time.Second, latency: 40 * time.Millisecond,
			roundWait: 4 * time.Minute, cut: 60 * time.Second}
	}
	if v := os.Getenv("FEEDSIFT_CUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatalf("FEEDSIFT_CUT=%q: %v", v, err)
		}
		s.cut = d
	}
	return s
}

// farm is the generated feed farm on loopback and what it should yield.
type farm struct {
	sc    feedfarm.Scenario
	farm  *feedfarm.Farm
	base  string // http://127.0.0.1:port
	urls  []string
	scale scale
	ins   []*instance // for explaining a failure
}

func startFarm(t *testing.T, s scale) *farm {
	t.Helper()
	sc, err := feedfarm.Generate(feedfarm.GenOptions{Seed: 5, Feeds: s.feeds, Items: s.items, Rounds: s.rounds})
	if err != nil {
		t.Fatal(err)
	}
	f := feedfarm.New(sc)
	h := f.Handler()
	// Every response takes a moment, as on the web, so that ingest lasts
	// long enough to strike in the middle of it.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(s.latency)
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return &farm{sc: sc, farm: f, base: srv.URL, urls: f.FeedList(srv.URL), scale: s}
}

// instance is one feedsift process.
type instance struct {
	name    string
	dir     string
	config  string
	logPath string
	cmd     *exec.Cmd
	exited  chan struct{}
}

// writeConfig writes the config of an instance polling every feed of f
// through NATS at natsURL ("" for the embedded server on embeddedPort).
func writeConfig(t *testing.T, dir string, f *farm, natsURL string, replicas, embeddedPort int) string {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "data_dir = %q\n", dir)
	b.WriteString("[log]\nlevel = \"info\"\nformat = \"json\"\n")
	b.WriteString("[http]\nlisten = \"127.0.0.1:0\"\n")
	if natsURL != "" {
		// Only the listed servers: an instance connected through the cut
		// test's proxy must not go around it to the nodes the cluster
		// advertises.
		fmt.Fprintf(&b, "[nats]\nurl = %q\nreplicas = %d\nignore_discovered_servers = true\n", natsURL, replicas)
	} else {
		fmt.Fprintf(&b, "[nats]\nembedded_listen = \"127.0.0.1:%d\"\n", embeddedPort)
	}
	b.WriteString("[fetch]\ntimeout = \"10s\"\nworkers = 8\nper_host_interval = \"0s\"\nper_host_concurrency = 32\nretries = 1\n")
	b.WriteString("allow_networks = [\"127.0.0.0/8\"]\n")
	fmt.Fprintf(&b, "[poll]\ninterval = %q\nmax_backoff = %q\nmax_item_age = \"87600h\"\ndrain_timeout = \"5s\"\n",
		f.scale.interval.String(), (2 * f.scale.interval).String())
	b.WriteString("[cluster]\npoll_ack_wait = \"5s\"\nscheduler_tick = \"1s\"\n")
	for i, s := range f.sc.Sites {
		fmt.Fprintf(&b, "[[feed]]\nid = %q\nurl = %q\ntopic = %q\n", s.Name, f.urls[i], s.Topic)
	}
	path := filepath.Join(dir, "feedsift.toml")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func newInstance(t *testing.T, name string, f *farm, natsURL string, replicas, embeddedPort int) *instance {
	t.Helper()
	base := t.TempDir()
	if keep := os.Getenv("FEEDSIFT_KEEP"); keep != "" {
		// Keep the data directories and logs for a post-mortem.
		base = filepath.Join(keep, t.Name())
	}
	dir := filepath.Join(base, name)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	in := &instance{name: name, dir: dir, logPath: filepath.Join(dir, "feedsift.log")}
	in.config = writeConfig(t, dir, f, natsURL, replicas, embeddedPort)
	f.ins = append(f.ins, in)
	t.Cleanup(func() {
		if t.Failed() && os.Getenv("FEEDSIFT_KEEP") != "" && in.cmd != nil {
			// A goroutine dump in the kept log, for the post-mortem.
			_ = in.cmd.Process.Signal(syscall.SIGQUIT)
			select {
			case <-in.exited:
			case <-time.After(5 * time.Second):
			}
		}
		in.kill(t)
		if t.Failed() {
			tailLog(t, in)
		}
	})
	return in
}

// start starts the process and waits until its HTTP listener answers
// /readyz.
func (in *instance) start(t *testing.T) {
	t.Helper()
	in.launch(t)
	in.waitReady(t)
}

// launch starts the process.
func (in *instance) launch(t *testing.T) {
	t.Helper()
	_ = os.Remove(filepath.Join(in.dir, "http.addr"))
	logf, err := os.OpenFile(in.logPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(binary, "run", "--config", in.config)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		logf.Close()
		t.Fatalf("start %s: %v", in.name, err)
	}
	in.cmd, in.exited = cmd, make(chan struct{})
	go func() {
		_ = cmd.Wait()
		logf.Close()
		close(in.exited)
	}()
}

// waitReady waits until the process's HTTP listener answers /readyz.
func (in *instance) waitReady(t *testing.T) {
	t.Helper()
	testwait.Until(t, in.name+" ready", 60*time.Second, func() bool {
		select {
		case <-in.exited:
			t.Fatalf("%s exited during start", in.name)
		default:
		}
		addr, err := os.ReadFile(filepath.Join(in.dir, "http.addr"))
		if err != nil {
			return false
		}
		resp, err := http.Get("http://" + strings.TrimSpace(string(addr)) + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
}

// kill sends SIGKILL and waits for the process to end.
func (in *instance) kill(t *testing.T) {
	t.Helper()
	if in.cmd == nil {
		return
	}
	_ = in.cmd.Process.Kill()
	<-in.exited
	in.cmd = nil
}

func (in *instance) httpAddr(t *testing.T) string {
	t.Helper()
	addr, err := os.ReadFile(filepath.Join(in.dir, "http.addr"))
	if err != nil {
		t.Fatalf("%s: http.addr: %v", in.name, err)
	}
	return strings.TrimSpace(string(addr))
}

// storedIDs returns the story IDs in the instance's store, through its
// HTTP API.
func (in *instance) storedIDs(t *testing.T) (map[string]bool, error) {
	resp, err := http.Get("http://" + in.httpAddr(t) + "/api/stories")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: GET /api/stories: %s", in.name, resp.Status)
	}
	var stories []story.Story
	if err := json.NewDecoder(resp.Body).Decode(&stories); err != nil {
		return nil, err
	}
	ids := make(map[string]bool, len(stories))
	for _, s := range stories {
		ids[s.ID] = true
	}
	return ids, nil
}

func tailLog(t *testing.T, in *instance) {
	data, err := os.ReadFile(in.logPath)
	if err != nil {
		return
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	var warn []string
	for _, l := range lines {
		// Lines that are not JSON records are the process's own last words
		// on stderr (the error it exited with, a panic): always shown.
		if strings.Contains(l, `"level":"WARN"`) || strings.Contains(l, `"level":"ERROR"`) ||
			(l != "" && !strings.HasPrefix(l, "{")) {
			warn = append(warn, l)
		}
	}
	t.Logf("%s: %d log lines, %d warnings, errors or exit messages; last of them:", in.name, len(lines), len(warn))
	for _, l := range warn[max(0, len(warn)-15):] {
		t.Log("  ", l)
	}
}

// startCluster starts a three-node JetStream cluster for the test.
func startCluster(t *testing.T) *natscluster.Cluster {
	t.Helper()
	c, err := natscluster.Start(t.Context(), natscluster.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Shutdown)
	return c
}

// view is what the story stream holds, counted.
type view struct {
	lastSeq   uint64
	storyMsgs map[string]int      // story ID -> story messages
	storyLog  map[string][]string // story ID -> its messages, described
	byKey     map[string][]string // expected story key -> story IDs published for it
	storyAt   map[string]string   // item path -> story ID published from it
	unknown   []string            // stories whose URL belongs to no expected story
	dupes     map[string]string   // copy URL path -> story ID it was merged into
	dupeMsgs  int
	revisions int // story updates
}

// readStream reads the whole story stream at natsURL.
func readStream(ctx context.Context, natsURL string, f *farm) (*view, error) {
	nc, err := nats.Connect(natsURL, nats.Timeout(2*time.Second))
	if err != nil {
		return nil, err
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	st, err := js.Stream(ctx, sink.DefaultStream)
	if err != nil {
		return nil, err
	}
	info, err := st.Info(ctx)
	if err != nil {
		return nil, err
	}
	v := &view{lastSeq: info.State.LastSeq, storyMsgs: map[string]int{}, byKey: map[string][]string{},
		storyAt: map[string]string{}, dupes: map[string]string{}, storyLog: map[string][]string{}}
	if info.State.Msgs == 0 {
		return v, nil
	}
	keyOf := f.keyOfPath()
	cons, err := js.OrderedConsumer(ctx, sink.DefaultStream, jetstream.OrderedConsumerConfig{})
	if err != nil {
		return nil, err
	}
	it, err := cons.Messages()
	if err != nil {
		return nil, err
	}
	defer it.Stop()
	for {
		msg, err := it.Next(jetstream.NextContext(ctx))
		if err != nil {
			return nil, err
		}
		meta, err := msg.Metadata()
		if err != nil {
			return nil, err
		}
		seq := meta.Sequence.Stream
		if seq > v.lastSeq {
			return v, nil
		}
		ev, err := sink.DecodeEvent(msg.Subject(), msg.Data(), seq, "", "")
		if err != nil {
			return nil, fmt.Errorf("seq %d: %w", seq, err)
		}
		switch {
		case ev.Story != nil && msg.Headers().Get(jetstream.MsgIDHeader) != "story:"+ev.Story.ID:
			// A new revision of a published story (a copy that was an
			// update of it, or a person's override): not a story.
			v.revisions++
		case ev.Story != nil:
			s := ev.Story
			v.storyMsgs[s.ID]++
			v.storyLog[s.ID] = append(v.storyLog[s.ID], fmt.Sprintf("seq %d msg-id %s feed %s url %s fetched %s",
				seq, msg.Headers().Get(jetstream.MsgIDHeader), s.FeedID, strings.TrimPrefix(s.URL, f.base), s.Fetched.Format(time.StampMicro)))
			if v.storyMsgs[s.ID] == 1 {
				path := strings.TrimPrefix(s.URL, f.base)
				v.storyAt[path] = s.ID
				if key, ok := keyOf[path]; ok {
					v.byKey[key] = append(v.byKey[key], s.ID)
				} else {
					v.unknown = append(v.unknown, s.URL)
				}
			}
		case ev.Duplicate != nil:
			v.dupeMsgs++
			v.dupes[strings.TrimPrefix(ev.Duplicate.URL, f.base)] = ev.Duplicate.StoryID
		}
		if seq == v.lastSeq || meta.NumPending == 0 {
			return v, nil
		}
	}
}

// keyOfPath maps every item path of the scenario to its story key.
func (f *farm) keyOfPath() map[string]string {
	out := map[string]string{}
	for _, s := range f.sc.Stories(1 << 20) {
		for _, u := range s.URLs {
			out[u] = s.Key
		}
	}
	return out
}

// result is the outcome of a view against the stories expected by round.
type result struct {
	expected, published, duplicates, lost, unknown int
	copies, merged, misplaced, pending             int
}

func (r result) complete() bool { return r.lost == 0 && r.pending == 0 }

func (r result) ok() bool {
	return r.complete() && r.duplicates == 0 && r.unknown == 0 && r.misplaced == 0
}

func (v *view) check(f *farm, round int) result {
	var r result
	for _, n := range v.storyMsgs {
		r.published++
		r.duplicates += n - 1 // the same story published more than once
	}
	r.unknown = len(v.unknown)
	for _, s := range f.sc.Stories(round) {
		r.expected++
		ids := v.byKey[s.Key]
		if len(ids) == 0 {
			r.lost++
			continue
		}
		r.duplicates += len(ids) - 1 // a copy published as a story of its own
		for _, u := range s.URLs[1:] {
			r.copies++
			switch got, ok := v.dupes[u]; {
			case ok && got == ids[0]:
				r.merged++
			case ok:
				r.misplaced++
			case v.storyAt[u] == "":
				r.pending++
			}
		}
	}
	return r
}

// waitRound waits until the stream holds every story of round and every
// copy is merged, and returns the last view and how long it took. It
// waits as long as the stream moves (stories published or copies merged)
// and fails once it has not moved for f.scale.roundWait, with the state
// of every instance.
func waitRound(t *testing.T, natsURL string, f *farm, round int) (*view, time.Duration) {
	t.Helper()
	start := time.Now()
	var last result
	var lastErr error
	var lastView *view
	// A read of the whole stream costs much: one a second at most.
	done := testwait.ProgressEvery(f.scale.roundWait, time.Second, func() (bool, [2]int) {
		v, err := readStream(t.Context(), natsURL, f)
		lastErr = err
		if err != nil {
			return false, [2]int{last.published, last.merged}
		}
		lastView, last = v, v.check(f, round)
		return last.complete(), [2]int{last.published, last.merged}
	})
	if done {
		return lastView, time.Since(start)
	}
	if lastView != nil {
		explainLost(t, lastView, f, round)
	}
	t.Logf("instances: %s", instanceStates(t, f.ins...))
	t.Fatalf("round %d not on the stream: nothing moved for %s after %s: %+v (last read error: %v)",
		round, f.scale.roundWait, time.Since(start).Round(time.Second), last, lastErr)
	return nil, 0
}

// explainLost logs the feeds of up to five stories of round missing from
// v, and what each instance logged about them.
func explainLost(t *testing.T, v *view, f *farm, round int) {
	t.Helper()
	n := 0
	for _, s := range f.sc.Stories(round) {
		if len(v.byKey[s.Key]) > 0 || n >= 5 {
			continue
		}
		n++
		site := s.Entries[0].Site
		t.Logf("lost story %s (%s) of feed %s", s.Key, s.URLs[0], site)
		for _, in := range f.ins {
			data, _ := os.ReadFile(in.logPath)
			for line := range strings.Lines(string(data)) {
				if strings.Contains(line, `"`+site+`"`) && !strings.Contains(line, "enqueue poll") {
					t.Logf("  %s: %s", in.name, strings.TrimSpace(line))
				}
			}
		}
	}
}

// storeStall bounds how long a store may hold the same number of the
// stream's stories before waitStores gives up on it.
const storeStall = 60 * time.Second

// waitStores waits until every running instance's store holds every story
// on the stream, as long as each store keeps catching up (see storeStall).
// A store that stops short fails the test with every instance's state.
// It returns how many stories the stores miss in all when it is done.
func waitStores(t *testing.T, v *view, ins ...*instance) (missingAll int) {
	t.Helper()
	for _, in := range ins {
		var missing int
		start := time.Now()
		ok := testwait.Progress(storeStall, func() (bool, int) {
			ids, err := in.storedIDs(t)
			if err != nil {
				return false, missing
			}
			missing = 0
			for id := range v.storyMsgs {
				if !ids[id] {
					missing++
				}
			}
			return missing == 0, missing
		})
		if !ok {
			t.Errorf("%s: store misses %d of the %d stories on the stream: no progress for %s after %s; instances: %s",
				in.name, missing, len(v.storyMsgs), storeStall, time.Since(start).Round(time.Second), instanceStates(t, ins...))
		}
		missingAll += missing
	}
	return missingAll
}

// instanceStates returns, per running instance, what its /metrics say
// since it last started: polls, stories published, decisions made again,
// items waiting for a publish retry, and how far its store is behind the
// stream (NaN when the stream could not be asked).
func instanceStates(t *testing.T, ins ...*instance) string {
	t.Helper()
	var parts []string
	for _, in := range ins {
		if in.cmd == nil {
			parts = append(parts, in.name+" stopped")
			continue
		}
		resp, err := http.Get("http://" + in.httpAddr(t) + "/metrics")
		if err != nil {
			parts = append(parts, fmt.Sprintf("%s metrics: %v", in.name, err))
			continue
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		sum := func(name string) string {
			var n float64
			for line := range strings.Lines(string(body)) {
				if strings.HasPrefix(line, name+" ") || strings.HasPrefix(line, name+"{") {
					var v float64
					if _, err := fmt.Sscan(line[strings.LastIndexByte(strings.TrimSpace(line), ' ')+1:], &v); err == nil {
						n += v
					}
				}
			}
			return strconv.FormatFloat(n, 'f', -1, 64)
		}
		parts = append(parts, fmt.Sprintf("%s polls %s published %s redecided %s pending %s store lag %s", in.name,
			sum("feedsift_polls_total"), sum("feedsift_stories_published_total"), sum("feedsift_decisions_redone_total"),
			sum("feedsift_items_pending"), sum("feedsift_store_lag_messages")))
	}
	return strings.Join(parts, "; ")
}

// report logs the figures of a test and fails it when a story is lost or
// duplicated.
func report(t *testing.T, name string, v *view, f *farm, storeMissing int, recovery time.Duration) {
	t.Helper()
	r := v.check(f, f.scale.rounds)
	t.Logf("FIGURES %s: feeds %d, stories expected %d, published %d, duplicates %d, lost %d, unknown %d, copies %d merged %d misplaced %d, revisions %d, store missing %d, time to recover %s",
		name, len(f.sc.Sites), r.expected, r.published, r.duplicates, r.lost, r.unknown, r.copies, r.merged, r.misplaced, v.revisions, storeMissing, recovery.Round(100*time.Millisecond))
	for id, n := range v.storyMsgs {
		if n > 1 {
			t.Logf("story %s published %d times: %s", id, n, strings.Join(v.storyLog[id], "; "))
		}
	}
	if !r.ok() {
		t.Errorf("stream is not every expected story exactly once with every copy merged: %+v", r)
	}
	if r.published != r.expected {
		t.Errorf("stream holds %d distinct stories, want %d", r.published, r.expected)
	}
}

// storyCount returns how many distinct stories are on the stream now (0
// on a read error).
func storyCount(ctx context.Context, natsURL string, f *farm) int {
	v, err := readStream(ctx, natsURL, f)
	if err != nil {
		return 0
	}
	return len(v.storyMsgs)
}

// freePort returns a loopback port that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
