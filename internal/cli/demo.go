package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sort"
	"time"

	"github.com/feedsift/feedsift/internal/config"
	"github.com/feedsift/feedsift/internal/daemon"
	"github.com/feedsift/feedsift/internal/feedfarm"
	"github.com/feedsift/feedsift/sink"
)

func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("demo", "demo [--data DIR] [--once] [-v]\n\n"+
		"Serves a small farm of news sites on loopback (articles written for feedsift: originals, a\n"+
		"syndicated copy, a retitled repost, two outlets on one event), runs the daemon against it on the\n"+
		"embedded NATS server, and prints the stories and the duplicates it collapsed.", stderr)
	dataDir := fs.String("data", "", "data directory (default: a temporary directory removed on exit)")
	once := fs.Bool("once", false, "exit after printing the report instead of running until Ctrl-C")
	verbose := fs.Bool("v", false, "log every poll")
	timeout := fs.Duration("timeout", 2*time.Minute, "give up when the expected stories have not appeared by then")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *dataDir == "" {
		dir, err := os.MkdirTemp("", "feedsift-demo-")
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		defer os.RemoveAll(dir)
		*dataDir = dir
	}

	sc := feedfarm.DemoScenario()
	farm := feedfarm.New(sc)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("demo: feed farm: %w", err)
	}
	farmSrv := &http.Server{Handler: farm.Handler(), ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := farmSrv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintln(stderr, "demo: feed farm stopped:", err)
		}
	}()
	defer farmSrv.Close()
	base := "http://" + ln.Addr().String()

	cfg := demoConfig(*dataDir, sc, farm.FeedURLs(base))
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	level := "warn"
	if *verbose {
		level = "info"
	}
	d, err := daemon.Start(ctx, cfg, daemon.Options{Logger: newLogger(stderr, level, "text"), Version: Version})
	if err != nil {
		return err
	}
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	done := make(chan error, 1)
	go func() { done <- d.Run(runCtx) }()

	fmt.Fprintf(stdout, "feed farm: %s (%d sites)\nembedded NATS: %s\ndata: %s\n\n", base, len(sc.Sites), d.NATSURL(), *dataDir)
	stories, dupes := expectedCounts(sc.Expected(), 0)
	fmt.Fprintf(stdout, "round 0: polling; expecting %d stories\n", stories)
	waitErr := waitFor(runCtx, d.Store(), stories, dupes, *timeout)
	if waitErr == nil {
		farm.SetRound(1)
		stories, dupes = expectedCounts(sc.Expected(), 1)
		fmt.Fprintf(stdout, "round 1: a copy and a retitled repost appear; expecting %d stories, %d duplicates\n\n", stories, dupes)
		waitErr = waitFor(runCtx, d.Store(), stories, dupes, *timeout)
	}
	if waitErr == nil {
		waitErr = printDemoReport(stdout, d.Store())
	}
	if waitErr == nil && !*once {
		// The hints name a daemon that --once is about to stop.
		fmt.Fprintf(stdout, "\nTail stories as they arrive, from another terminal:\n  go run ./cmd/feedsift tail --data %s --all 'news.>'\n", *dataDir)
		fmt.Fprintf(stdout, "Or ask the daemon: curl http://%s/api/dupes   (metrics: http://%s/metrics)\n", d.HTTPAddr(), d.HTTPAddr())
		fmt.Fprintln(stdout, "\nThe daemon keeps running; press Ctrl-C to stop.")
		<-ctx.Done()
	}
	stop()
	return errors.Join(waitErr, <-done)
}

// demoConfig is the daemon configuration for the demo: the embedded server
// on a free loopback port, the farm's feeds, and loopback allowed.
func demoConfig(dataDir string, sc feedfarm.Scenario, urls map[string]string) config.Config {
	cfg := config.Default()
	cfg.DataDir = dataDir
	cfg.NATS.EmbeddedListen = "127.0.0.1:0"
	cfg.HTTP.Listen = "127.0.0.1:0"
	cfg.Fetch.AllowNetworks = []string{"127.0.0.0/8", "::1/128"}
	cfg.Fetch.PerHostInterval = 0 // every site of the farm is on one host
	cfg.Fetch.PerHostConcurrency = 8
	cfg.Poll.Interval = time.Second
	cfg.Poll.MaxBackoff = 5 * time.Second
	cfg.Poll.MaxItemAge = 0
	for _, site := range sc.Sites {
		cfg.Feeds = append(cfg.Feeds, config.FeedConfig{
			ID: site.Name, URL: urls[site.Name], Topic: site.Topic, Interval: time.Second,
		})
	}
	return cfg
}

// expectedCounts returns how many stories and duplicates a correct run
// has published once round has been polled.
func expectedCounts(exp []feedfarm.Expectation, round int) (stories, dupes int) {
	for _, e := range exp {
		if e.Round > round {
			continue
		}
		if e.Kind == feedfarm.KindOriginal {
			stories++
		} else {
			dupes++
		}
	}
	return stories, dupes
}

// waitFor waits until the store holds the given numbers of stories and
// merged duplicates.
func waitFor(ctx context.Context, store *sink.Store, stories, dupes int, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		gotStories, gotDupes, err := counts(store)
		if err != nil {
			return err
		}
		if gotStories >= stories && gotDupes >= dupes {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("demo: after %s the store holds %d stories and %d duplicates, want %d and %d", timeout, gotStories, gotDupes, stories, dupes)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func counts(store *sink.Store) (stories, dupes int, err error) {
	list, err := store.Stories(sink.StoryFilter{})
	if err != nil {
		return 0, 0, err
	}
	report, err := store.Report(sink.StoryFilter{})
	if err != nil {
		return 0, 0, err
	}
	for _, e := range report {
		dupes += len(e.Members)
	}
	return len(list), dupes, nil
}

func printDemoReport(w io.Writer, store *sink.Store) error {
	list, err := store.Stories(sink.StoryFilter{})
	if err != nil {
		return err
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Title < list[j].Title })
	fmt.Fprintln(w, "Stories published (one per article, however many sites carry it):")
	if err := writeStories(w, list); err != nil {
		return err
	}
	report, err := store.Report(sink.StoryFilter{})
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "\nDuplicates collapsed into them (feedsift dupes):")
	if err := writeReport(w, report); err != nil {
		return err
	}
	for _, s := range list {
		if len(s.Related) > 0 {
			fmt.Fprintf(w, "\nRelated, kept apart: %q is on the same event as %d other stor(ies)\n", s.Title, len(s.Related))
		}
	}
	return nil
}
