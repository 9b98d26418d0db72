package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/feedsift/feedsift/fetcher"
	"github.com/feedsift/feedsift/internal/daemon"
	"github.com/feedsift/feedsift/internal/discover"
	"github.com/feedsift/feedsift/internal/httpapi"
	"github.com/feedsift/feedsift/internal/opml"
	"github.com/feedsift/feedsift/internal/story"
	"github.com/feedsift/feedsift/sink"
)

const feedsSynopsis = `feeds list|add|remove|import|export ...`

// runFeeds is "feedsift feeds SUBCOMMAND".
func runFeeds(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	sub := map[string]func(context.Context, []string, io.Writer, io.Writer) error{
		"list": runFeedsList, "add": runFeedsAdd, "remove": runFeedsRemove,
		"import": runFeedsImport, "export": runFeedsExport,
	}
	if len(args) > 0 {
		if run, ok := sub[args[0]]; ok {
			return run(ctx, args[1:], stdout, stderr)
		}
	}
	fs := newFlagSet("feeds", feedsSynopsis, stderr)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	fs.Usage()
	if fs.NArg() == 0 {
		return fmt.Errorf("%w: feeds: want a subcommand: list, add, remove, import or export", ErrUsage)
	}
	return fmt.Errorf("%w: feeds: unknown subcommand %q", ErrUsage, fs.Arg(0))
}

// feedsTarget is a resolved target with the config file's path, which
// the direct store edits name in their messages.
type feedsTarget struct {
	target
	cfgPath string
	// dataFrom says where the data directory came from, for the message
	// when nothing is there.
	dataFrom string
}

func resolveFeeds(tf targetFlags) (feedsTarget, error) {
	t, err := tf.resolve()
	if err != nil {
		return feedsTarget{}, err
	}
	path := *tf.config
	if path == "" {
		if _, err := os.Stat("feedsift.toml"); err == nil {
			path = "feedsift.toml"
		}
	}
	from := "the default: no --data, no --config and no feedsift.toml here"
	switch {
	case *tf.data != "":
		from = "from --data"
	case path != "":
		from = "data_dir of " + path
	}
	return feedsTarget{target: t, cfgPath: path, dataFrom: from}, nil
}

// noStore says that neither a daemon nor a store was found and where the
// command looked.
func (t feedsTarget) noStore() string {
	daemonMsg := "no daemon address in " + filepath.Join(t.dataDir, daemon.HTTPAddrFile)
	if t.httpAddr != "" {
		daemonMsg = "no daemon answers at " + t.httpAddr
	}
	return fmt.Sprintf("%s and there is no store at %s (data directory %s, %s)",
		daemonMsg, filepath.Join(t.dataDir, daemon.StoreFile), t.dataDir, t.dataFrom)
}

// viaDaemon runs remote against the daemon's API; when no daemon answers
// (no address, or a connection error) it opens the store (read-write when
// write, creating it if need be) and runs direct on it. It reports
// whether the daemon did the work.
func (t feedsTarget) viaDaemon(remote func() error, direct func(*sink.Store) error, write bool) (bool, error) {
	if t.httpAddr != "" {
		err := remote()
		if err == nil {
			return true, nil
		}
		var netErr *url.Error
		if !errors.As(err, &netErr) {
			return true, err
		}
	}
	dbPath := filepath.Join(t.dataDir, daemon.StoreFile)
	if _, err := os.Stat(dbPath); errors.Is(err, fs.ErrNotExist) && !write {
		return false, direct(nil)
	}
	store, err := sink.OpenStore(dbPath, sink.StoreOptions{ReadOnly: !write, Timeout: 2 * time.Second})
	if errors.Is(err, sink.ErrLocked) {
		return false, fmt.Errorf("%w: a daemon holds the store but its HTTP API is not reachable (http.listen off?); pass its address with --addr", err)
	}
	if err != nil {
		return false, err
	}
	return false, errors.Join(direct(store), store.Close())
}

// directList is the feed list read from the config and the store (nil:
// none yet), as GET /api/feeds gives it.
func (t feedsTarget) directList(store *sink.Store, stderr io.Writer, now time.Time) ([]httpapi.FeedInfo, error) {
	var (
		stored []sink.StoredFeed
		states []story.FeedState
		counts map[string]int
		err    error
	)
	if store != nil {
		if stored, err = store.StoredFeeds(); err != nil {
			return nil, err
		}
		if states, err = store.FeedStates(); err != nil {
			return nil, err
		}
		if counts, err = store.FeedItemCounts(now.Add(-httpapi.ItemsWindow)); err != nil {
			return nil, err
		}
	}
	sources, skipped := daemon.MergeFeeds(t.cfg, stored)
	for _, e := range skipped {
		fmt.Fprintln(stderr, "feedsift: warning:", e)
	}
	if sources == nil {
		sources = []httpapi.FeedSource{}
	}
	return httpapi.FeedList(sources, states, counts, now), nil
}

// listFeeds reads the feed list from the daemon or the store. With
// neither, the list is the config file's feeds, never polled; with none
// of those either, it is an error that says where it looked. A list
// without a store behind it comes with a note on stderr.
func (t feedsTarget) listFeeds(ctx context.Context, stderr io.Writer) ([]httpapi.FeedInfo, error) {
	var list []httpapi.FeedInfo
	noStore := false
	_, err := t.viaDaemon(func() error { return t.get(ctx, "/api/feeds", nil, &list) },
		func(s *sink.Store) error {
			noStore = s == nil
			var err error
			list, err = t.directList(s, stderr, time.Now())
			return err
		}, false)
	if err != nil || !noStore {
		return list, err
	}
	if len(list) == 0 {
		return nil, fmt.Errorf("%s: point at the daemon's data with --data DIR or --config FILE, or start one with \"feedsift run\"", t.noStore())
	}
	fmt.Fprintf(stderr, "feedsift: note: %s; these are the feeds of %s, never polled; point at the daemon's data with --data DIR or --config FILE\n",
		t.noStore(), t.cfgPath)
	return list, nil
}

func runFeedsList(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("feeds list", "feeds list [--json]", stderr)
	tf := addTargetFlags(fs)
	asJSON := fs.Bool("json", false, "print the JSON of GET /api/feeds")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: feeds list takes no arguments (got %q)", ErrUsage, fs.Arg(0))
	}
	t, err := resolveFeeds(tf)
	if err != nil {
		return err
	}
	list, err := t.listFeeds(ctx, stderr)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(stdout, list)
	}
	return writeFeedList(stdout, list)
}

// writeFeedList prints the feed table, then each failing feed's last
// error, then the totals.
func writeFeedList(w io.Writer, list []httpapi.FeedInfo) error {
	var b bytes.Buffer
	tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tTOPIC\tORIGIN\tSTATUS\tLAST FETCH\tNEXT CHECK\tWHY\tITEMS/DAY\tURL")
	origins := map[string]int{}
	failing := 0
	for _, f := range list {
		origins[f.Origin]++
		if f.Status == httpapi.StatusFailing {
			failing++
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%.1f\t%s\n", f.ID, dash(f.Topic), dash(f.Origin), f.Status,
			stamp(f.LastFetch), stamp(f.NextCheck), f.NextReason, f.ItemsPerDay, dash(f.URL))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, f := range list {
		if f.LastError != "" {
			fmt.Fprintf(&b, "%s: last error: %s\n", f.ID, f.LastError)
		}
	}
	fmt.Fprintf(&b, "%d feeds (%d config, %d api), %d failing\n", len(list),
		origins[httpapi.OriginConfig], origins[httpapi.OriginAPI], failing)
	_, err := w.Write(b.Bytes())
	return err
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04:05")
}

func runFeedsAdd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("feeds add", "feeds add URL --topic T [--id ID] [--interval D] [--fetch-article] [--discover]", stderr)
	tf := addTargetFlags(fs)
	topic := fs.String("topic", "", "topic of the feed's stories (required), e.g. world.europe")
	id := fs.String("id", "", "feed id (default: the URL's host and path)")
	interval := fs.Duration("interval", 0, "time between polls (default: poll.interval of the config)")
	fetchArticle := fs.Bool("fetch-article", false, "fetch every item's page even when the feed has full text")
	find := fs.Bool("discover", false, "URL is a site: find its feed (the first one it offers) with feedsift discover's rules")
	allowPrivate := fs.Bool("allow-private", false, "with --discover, allow loopback and private addresses")
	asJSON := fs.Bool("json", false, "print the added feed as JSON")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		return fmt.Errorf("%w: feeds add: want one URL, got %d arguments", ErrUsage, len(pos))
	}
	if *topic == "" {
		return fmt.Errorf("%w: feeds add: --topic is required", ErrUsage)
	}
	if err := story.ValidateTopic(*topic); err != nil {
		return fmt.Errorf("%w: --topic: %w", ErrUsage, err)
	}
	if *interval < 0 || (*interval > 0 && *interval < time.Second) {
		return fmt.Errorf("%w: --interval %s is below 1s", ErrUsage, *interval)
	}
	t, err := resolveFeeds(tf)
	if err != nil {
		return err
	}
	feedURL := pos[0]
	if *find {
		if feedURL, err = discoverFeed(ctx, t, feedURL, *allowPrivate, stderr); err != nil {
			return err
		}
	}
	req := httpapi.FeedRequest{ID: *id, URL: feedURL, Topic: *topic, FetchArticle: *fetchArticle}
	if *interval > 0 {
		req.Interval = interval.String()
	}
	var added httpapi.FeedInfo
	live, err := t.viaDaemon(func() error { return t.post(ctx, "/api/feeds", req, &added) },
		func(s *sink.Store) error {
			src, err := daemon.AddStoredFeed(s, t.cfg, t.cfgPath, req, time.Now())
			if err != nil {
				return err
			}
			added = httpapi.FeedList([]httpapi.FeedSource{src}, nil, nil, time.Now())[0]
			return nil
		}, true)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(stdout, added)
	}
	when := "stored; the daemon polls it when it starts"
	if live {
		when = "the daemon polls it now"
	}
	_, err = fmt.Fprintf(stdout, "added feed %s (topic %s, every %s): %s\n%s\n", added.ID, added.Topic, added.Interval, added.URL, when)
	return err
}

// discoverFeed finds the first feed the site at siteURL offers.
func discoverFeed(ctx context.Context, t feedsTarget, siteURL string, allowPrivate bool, stderr io.Writer) (string, error) {
	opts := fetcher.Options{Retries: 1, PerHostInterval: 200 * time.Millisecond, Timeout: 15 * time.Second,
		AllowNetworks: t.cfg.Fetch.AllowPrefixes()}
	if allowPrivate {
		opts.AllowNetworks = append(opts.AllowNetworks, netip.MustParsePrefix("0.0.0.0/0"), netip.MustParsePrefix("::/0"))
	}
	client, err := fetcher.New(opts)
	if err != nil {
		return "", fmt.Errorf("feeds add --discover: %w", err)
	}
	finder, err := discover.New(discover.Options{Fetcher: client})
	if err != nil {
		return "", fmt.Errorf("feeds add --discover: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	found, err := finder.Find(ctx, siteURL)
	if err != nil {
		return "", fmt.Errorf("feeds add --discover: %w", err)
	}
	f := found[0]
	fmt.Fprintf(stderr, "discovered %s (%s, found by %s", f.URL, f.Type, f.Source)
	if len(found) > 1 {
		fmt.Fprintf(stderr, "; %d more: see feedsift discover %s", len(found)-1, siteURL)
	}
	fmt.Fprintln(stderr, ")")
	return f.URL, nil
}

func runFeedsRemove(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("feeds remove", "feeds remove ID\n\nOnly feeds added with feeds add or import; a feed of the config file is removed by editing the file.", stderr)
	tf := addTargetFlags(fs)
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		return fmt.Errorf("%w: feeds remove: want one feed id, got %d arguments", ErrUsage, len(pos))
	}
	t, err := resolveFeeds(tf)
	if err != nil {
		return err
	}
	var removed httpapi.FeedInfo
	live, err := t.viaDaemon(func() error {
		return t.do(ctx, http.MethodDelete, "/api/feeds/"+pos[0], nil, nil, &removed)
	}, func(s *sink.Store) error {
		_, err := daemon.RemoveStoredFeed(s, t.cfg, t.cfgPath, pos[0])
		return err
	}, true)
	if err != nil {
		return err
	}
	when := "the next start will not poll it"
	if live {
		when = "the daemon no longer polls it"
	}
	_, err = fmt.Fprintf(stdout, "removed feed %s; %s\n", pos[0], when)
	return err
}

func runFeedsImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("feeds import", "feeds import FILE.opml [--topic T]\n\nFILE may be - for standard input.", stderr)
	tf := addTargetFlags(fs)
	topic := fs.String("topic", "", "topic of the feeds outside any category (a feed with none is skipped)")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		return fmt.Errorf("%w: feeds import: want one OPML file, got %d arguments", ErrUsage, len(pos))
	}
	if *topic != "" {
		if err := story.ValidateTopic(*topic); err != nil {
			return fmt.Errorf("%w: --topic: %w", ErrUsage, err)
		}
	}
	var in io.Reader = os.Stdin
	if pos[0] != "-" {
		f, err := os.Open(pos[0])
		if err != nil {
			return fmt.Errorf("feeds import: %w", err)
		}
		defer f.Close()
		in = f
	}
	data, err := io.ReadAll(io.LimitReader(in, opml.MaxSize+1))
	if err != nil {
		return fmt.Errorf("feeds import: %w", err)
	}
	doc, err := opml.Read(bytes.NewReader(data)) // checked here too, for a clear message
	if err != nil {
		return fmt.Errorf("feeds import %s: %w", pos[0], err)
	}
	t, err := resolveFeeds(tf)
	if err != nil {
		return err
	}
	var res httpapi.ImportResult
	_, err = t.viaDaemon(func() error {
		q := url.Values{}
		if *topic != "" {
			q.Set("topic", *topic)
		}
		resp, err := t.request(ctx, http.MethodPost, "/api/feeds/import", q, data)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		return json.NewDecoder(resp.Body).Decode(&res)
	}, func(s *sink.Store) error {
		var err error
		res, err = httpapi.Import(ctx, doc, *topic, func(_ context.Context, req httpapi.FeedRequest) (httpapi.FeedSource, error) {
			return daemon.AddStoredFeed(s, t.cfg, t.cfgPath, req, time.Now())
		})
		return err
	}, true)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(stdout, res)
	}
	var b strings.Builder
	for _, f := range res.Added {
		fmt.Fprintf(&b, "added    %s  %s  %s\n", f.ID, f.Topic, f.URL)
	}
	for _, s := range res.Skipped {
		fmt.Fprintf(&b, "skipped  %s: %s\n", s.URL, s.Reason)
	}
	fmt.Fprintf(&b, "%d added, %d skipped", len(res.Added), len(res.Skipped))
	if res.Unusable > 0 || res.Repeated > 0 {
		fmt.Fprintf(&b, " (and %d outlines without a usable URL, %d listed twice)", res.Unusable, res.Repeated)
	}
	b.WriteString("\n")
	_, err = io.WriteString(stdout, b.String())
	return err
}

func runFeedsExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("feeds export", "feeds export [FILE]\n\nWrites OPML 2.0 with every feed, one category per topic; to standard output without FILE.\nEach feed's type is the format of its last fetch (rss, atom or json); rss for a feed never fetched.", stderr)
	tf := addTargetFlags(fs)
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		fs.Usage()
		return fmt.Errorf("%w: feeds export: want at most one file, got %d arguments", ErrUsage, len(pos))
	}
	t, err := resolveFeeds(tf)
	if err != nil {
		return err
	}
	list, err := t.listFeeds(ctx, stderr)
	if err != nil {
		return err
	}
	outlines := make([]opml.Outline, 0, len(list))
	for _, f := range list {
		if f.URL == "" {
			continue
		}
		outlines = append(outlines, opml.Outline{Text: f.ID, Title: f.ID, XMLURL: f.URL, Type: opml.FeedType(f.Format), Topic: f.Topic})
	}
	var b bytes.Buffer
	if err := opml.Write(&b, "feedsift feeds", outlines); err != nil {
		return fmt.Errorf("feeds export: %w", err)
	}
	if len(pos) == 0 || pos[0] == "-" {
		_, err := stdout.Write(b.Bytes())
		return err
	}
	if err := os.WriteFile(pos[0], b.Bytes(), 0o644); err != nil {
		return fmt.Errorf("feeds export: %w", err)
	}
	_, err = fmt.Fprintf(stdout, "wrote %d feeds to %s\n", len(outlines), pos[0])
	return err
}
