package config

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/netip"
	"net/url"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/BurntSushi/toml"

	"github.com/feedsift/feedsift/extract"
	"github.com/feedsift/feedsift/internal/story"
)

// Config is the whole configuration of one feedsift instance.
type Config struct {
	// DataDir holds the bbolt store and, on the embedded default, the
	// JetStream storage. Default "./data".
	DataDir string        `toml:"data_dir"`
	Log     LogConfig     `toml:"log"`
	HTTP    HTTPConfig    `toml:"http"`
	NATS    NATSConfig    `toml:"nats"`
	Fetch   FetchConfig   `toml:"fetch"`
	Poll    PollConfig    `toml:"poll"`
	Dedupe  DedupeConfig  `toml:"dedupe"`
	Cluster ClusterConfig `toml:"cluster"`
	WebSub  WebSubConfig  `toml:"websub"`
	Store   StoreConfig   `toml:"store"`
	Daemon  DaemonConfig  `toml:"daemon"`
	Feeds   []FeedConfig  `toml:"feed"`
}

// StoreConfig is the [store] section: the local bbolt store.
type StoreConfig struct {
	// Retention removes stories older than this (by their published time,
	// else their fetch time), with their copies and report entries, from
	// the store; checked every 10 minutes. 0, the default, keeps them all.
	// The stream keeps what nats.max_age and nats.max_bytes say.
	Retention time.Duration `toml:"retention"`
}

// DaemonConfig is the [daemon] section: the process itself.
type DaemonConfig struct {
	// MemoryLimit is the Go runtime's soft memory limit
	// (runtime/debug.SetMemoryLimit): past it the garbage collector runs
	// more often, instead of letting the heap grow to twice what is live.
	// It is soft: a daemon whose live memory is above it goes on, at a
	// CPU cost. 0 leaves the heap to GOGC alone. The GOMEMLIMIT
	// environment variable, when set, wins over it. Default 288MiB.
	MemoryLimit ByteSize `toml:"memory_limit"`
}

// MinMemoryLimit is the smallest daemon.memory_limit other than 0.
const MinMemoryLimit = 64 * MiB

// LogConfig is the [log] section.
type LogConfig struct {
	Level  string `toml:"level"`  // debug, info, warn, error; default info
	Format string `toml:"format"` // text or json; default text
}

// HTTPConfig is the [http] section: health, readiness, metrics and the API.
type HTTPConfig struct {
	// Listen is the address of the HTTP listener; default "127.0.0.1:8080".
	// "off" disables it.
	Listen string `toml:"listen"`
	// Token, when set, must be presented as "Authorization: Bearer <token>"
	// on /api and /metrics. FEEDSIFT_HTTP_TOKEN overrides it.
	Token string `toml:"token"`
}

// NATSConfig is the [nats] section.
type NATSConfig struct {
	// URL of an existing NATS/JetStream cluster (comma-separated for
	// several seeds). Empty means the embedded server.
	URL string `toml:"url"`
	// EmbeddedListen is where the embedded server listens, so that other
	// processes (feedsift tail, any NATS client) can subscribe. Default
	// "127.0.0.1:4222".
	EmbeddedListen  string        `toml:"embedded_listen"`
	Stream          string        `toml:"stream"`           // default "FEEDSIFT"
	SubjectPrefix   string        `toml:"subject_prefix"`   // default "news"
	DupesPrefix     string        `toml:"dupes_prefix"`     // default "feedsift.dupes"
	Replicas        int           `toml:"replicas"`         // default 1
	DuplicateWindow time.Duration `toml:"duplicate_window"` // default 10m
	MaxAge          time.Duration `toml:"max_age"`          // default 720h
	// MaxBytes caps the stream's size: past it the oldest messages go,
	// as past MaxAge. Default 8GiB; -1 means no size limit.
	MaxBytes ByteSize `toml:"max_bytes"`
	// IgnoreDiscoveredServers connects only to the servers in URL, not to
	// the other cluster members the servers advertise: for a cluster
	// reached through a proxy or NAT, whose advertised addresses do not
	// work from here.
	IgnoreDiscoveredServers bool `toml:"ignore_discovered_servers"`
	// Credentials; the FEEDSIFT_NATS_USER, FEEDSIFT_NATS_PASSWORD,
	// FEEDSIFT_NATS_TOKEN and FEEDSIFT_NATS_CREDS environment variables
	// override them so secrets can stay out of the file.
	User      string `toml:"user"`
	Password  string `toml:"password"`
	Token     string `toml:"token"`
	CredsFile string `toml:"creds_file"`
	NKeyFile  string `toml:"nkey_file"`
	TLSCA     string `toml:"tls_ca"`
	TLSCert   string `toml:"tls_cert"`
	TLSKey    string `toml:"tls_key"`
}

// Embedded reports whether the embedded server is used.
func (n NATSConfig) Embedded() bool { return n.URL == "" }

// FetchConfig is the [fetch] section.
type FetchConfig struct {
	Timeout            time.Duration `toml:"timeout"`              // default 20s
	MaxBodyMiB         int64         `toml:"max_body_mib"`         // default 15
	MaxRedirects       int           `toml:"max_redirects"`        // default 5
	UserAgent          string        `toml:"user_agent"`           // default "feedsift/<version> (+https://github.com/feedsift/feedsift)"
	Workers            int           `toml:"workers"`              // feeds polled at once; default 1024
	PerHostConcurrency int           `toml:"per_host_concurrency"` // default 2
	PerHostInterval    time.Duration `toml:"per_host_interval"`    // default 1s
	Retries            int           `toml:"retries"`              // default 2
	// CrawlDelay reads each host's robots.txt once a day and spaces the
	// requests to the host by its Crawl-delay (at most 30s) when that is
	// longer than PerHostInterval. Default true.
	CrawlDelay bool `toml:"crawl_delay"`
	// AllowNetworks lists CIDR prefixes exempt from the guard that
	// refuses private, loopback and link-local addresses.
	AllowNetworks []string `toml:"allow_networks"`
}

// PollConfig is the [poll] section.
type PollConfig struct {
	Interval   time.Duration `toml:"interval"`    // default for feeds without one; default 15m
	MaxBackoff time.Duration `toml:"max_backoff"` // cap on a failing feed's backoff; default 6h
	// MaxItemAge skips items published longer ago than this (they would
	// otherwise resurface once they leave the dedupe window). Default 0:
	// the dedupe window.
	MaxItemAge time.Duration `toml:"max_item_age"`
	// DrainTimeout bounds how long shutdown waits for in-flight polls.
	DrainTimeout time.Duration `toml:"drain_timeout"` // default 30s
}

// DedupeConfig is the [dedupe] section.
type DedupeConfig struct {
	Window time.Duration `toml:"window"` // default 168h
	// PreferredSources ranks the outlets whose version of an article is
	// kept when copies of it arrive from several, most trusted first:
	// feed IDs or hosts (a host matches its subdomains). Without it, the
	// version published first is kept (see package ledger).
	PreferredSources []string `toml:"preferred_sources"`
}

// ClusterConfig is the [cluster] section: how instances share the polls.
// Every instance, embedded or on a cluster, schedules through the same
// JetStream work queue.
type ClusterConfig struct {
	// PollAckWait is how long a poll taken by an instance may go without
	// an ack or a progress report before another instance gets it: the
	// time a dead instance's poll waits. Default 60s; at least 1s.
	PollAckWait time.Duration `toml:"poll_ack_wait"`
	// SchedulerTick is how often each instance looks for due feeds (plus
	// up to a quarter in jitter). Default 1s; 100ms to 1m.
	SchedulerTick time.Duration `toml:"scheduler_tick"`
}

// WebSubConfig is the [websub] section: push subscriptions at the hubs
// feeds advertise, with polling kept as the fallback.
type WebSubConfig struct {
	// Enabled turns WebSub on; default false.
	Enabled bool `toml:"enabled"`
	// CallbackURL is the public base URL at which hubs reach this
	// instance's HTTP listener (callbacks go to CallbackURL + "/websub/").
	// Required when enabled: an absolute http or https URL.
	CallbackURL string `toml:"callback_url"`
	// PollIntervalWhenPushed is how often a feed is still polled while its
	// subscription is active; default 6h.
	PollIntervalWhenPushed time.Duration `toml:"poll_interval_when_pushed"`
	// Lease is the subscription lease asked of hubs; default 240h (10 days).
	Lease time.Duration `toml:"lease"`
}

// FeedConfig is one [[feed]] entry.
type FeedConfig struct {
	ID           string        `toml:"id"`            // default: derived from the URL's host and path
	URL          string        `toml:"url"`           // required
	Topic        string        `toml:"topic"`         // required; dot-separated tokens
	Interval     time.Duration `toml:"interval"`      // default [poll].interval
	FetchArticle bool          `toml:"fetch_article"` // fetch every item's page even when the feed has full text
	// Selector is a CSS selector (goquery's) naming the main text of the
	// feed's article pages, for the sites where automatic extraction
	// fails; Exclude lists selectors of elements removed first. Optional.
	Selector string   `toml:"selector"`
	Exclude  []string `toml:"exclude"`
}

// Default returns the configuration used for every key a file leaves out.
func Default() Config {
	return Config{
		DataDir: "./data",
		Log:     LogConfig{Level: "info", Format: "text"},
		HTTP:    HTTPConfig{Listen: "127.0.0.1:8080"},
		NATS: NATSConfig{
			EmbeddedListen:  "127.0.0.1:4222",
			Stream:          "FEEDSIFT",
			SubjectPrefix:   "news",
			DupesPrefix:     "feedsift.dupes",
			Replicas:        1,
			DuplicateWindow: 10 * time.Minute,
			MaxAge:          30 * 24 * time.Hour,
			MaxBytes:        8 * GiB,
		},
		Fetch: FetchConfig{
			Timeout:            20 * time.Second,
			MaxBodyMiB:         15,
			MaxRedirects:       5,
			Workers:            1024,
			PerHostConcurrency: 2,
			PerHostInterval:    time.Second,
			Retries:            2,
			CrawlDelay:         true,
		},
		Poll: PollConfig{
			Interval:     15 * time.Minute,
			MaxBackoff:   6 * time.Hour,
			DrainTimeout: 30 * time.Second,
		},
		Dedupe:  DedupeConfig{Window: 7 * 24 * time.Hour},
		Daemon:  DaemonConfig{MemoryLimit: 288 * MiB},
		Cluster: ClusterConfig{PollAckWait: time.Minute, SchedulerTick: time.Second},
		WebSub:  WebSubConfig{PollIntervalWhenPushed: 6 * time.Hour, Lease: 10 * 24 * time.Hour},
	}
}

// Load reads, decodes and validates the file at path. Its error is an
// *Error naming path and listing every problem, each with its line; a
// file that cannot be read gives the read error (fs.ErrNotExist for a
// missing one).
func Load(path string) (Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("config: %w", err)
	}
	cfg, err := Parse(data, os.Getenv)
	if ce := (*Error)(nil); errors.As(err, &ce) {
		ce.File = path
	}
	if err != nil {
		return Config{}, err
	}
	return cfg, nil
}

// Parse decodes TOML data on top of the defaults, applies the environment
// overrides read through getenv (nil for none), fills derived defaults and
// validates the result. Its error is an *Error listing every problem:
// unknown keys, values of the wrong type and invalid values, in file
// order, each with its line. A TOML syntax error is the one problem
// reported, as nothing after it can be read.
func Parse(data []byte, getenv func(string) string) (Config, error) {
	var doc map[string]any
	if _, err := toml.Decode(string(data), &doc); err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return Config{}, &Error{Problems: []Problem{{Line: pe.Position.Line, Msg: "TOML syntax: " + pe.Message}}}
		}
		return Config{}, &Error{Problems: []Problem{{Msg: err.Error()}}}
	}
	lines := keyLines(string(data))
	probs := &problems{at: func(key string) int { return lineOf(lines, key) }}
	cfg := Default()
	newDecoder(probs, lines).table("", doc, reflect.ValueOf(&cfg).Elem())
	var fromEnv map[string]string
	if getenv != nil {
		fromEnv = cfg.applyEnv(getenv)
	}
	cfg.fillDefaults()
	decoded := probs.list
	probs.list = nil
	cfg.validate(probs)
	// A value that did not decode kept its default; a rule that then
	// fails on that key says nothing new.
	checked := slices.DeleteFunc(probs.list, func(p Problem) bool {
		return slices.ContainsFunc(decoded, func(q Problem) bool { return q.Key == p.Key })
	})
	// A value from the environment is not on any line of the file.
	for i, p := range checked {
		if name, ok := fromEnv[p.Key]; ok {
			checked[i].Line = 0
			checked[i].Msg += " (from $" + name + ")"
		}
	}
	probs.list = append(decoded, checked...)
	if err := probs.err(); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

// applyEnv applies the environment overrides and returns the keys it set,
// with the variable that set each.
func (c *Config) applyEnv(getenv func(string) string) map[string]string {
	set := map[string]string{}
	for _, o := range []struct {
		name, key string
		dst       *string
	}{
		{"FEEDSIFT_NATS_USER", "nats.user", &c.NATS.User},
		{"FEEDSIFT_NATS_PASSWORD", "nats.password", &c.NATS.Password},
		{"FEEDSIFT_NATS_TOKEN", "nats.token", &c.NATS.Token},
		{"FEEDSIFT_NATS_CREDS", "nats.creds_file", &c.NATS.CredsFile},
		{"FEEDSIFT_HTTP_TOKEN", "http.token", &c.HTTP.Token},
	} {
		if v := getenv(o.name); v != "" {
			*o.dst = v
			set[o.key] = o.name
		}
	}
	return set
}

func (c *Config) fillDefaults() {
	for i := range c.Feeds {
		f := &c.Feeds[i]
		if f.Interval == 0 {
			f.Interval = c.Poll.Interval
		}
		if f.ID == "" {
			f.ID = feedIDFromURL(f.URL)
		}
	}
	if c.Poll.MaxItemAge == 0 {
		c.Poll.MaxItemAge = c.Dedupe.Window
	}
}

// feedIDFromURL derives a readable id such as "example.com/news/rss.xml".
func feedIDFromURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return raw
	}
	return strings.TrimSuffix(u.Host+u.Path, "/")
}

// Validate reports every invalid field as an *Error, each problem naming
// its key. It reads the files the config names (TLS and credentials) to
// check that they are there, and nothing else: no address is bound, no
// directory made.
func (c Config) Validate() error {
	probs := &problems{}
	c.validate(probs)
	return probs.err()
}

func (c Config) validate(probs *problems) {
	add := probs.add
	if c.DataDir == "" {
		add("data_dir", "must not be empty")
	} else if fi, err := os.Stat(c.DataDir); err == nil && !fi.IsDir() {
		add("data_dir", "%q is not a directory", c.DataDir)
	}
	switch strings.ToLower(c.Log.Level) {
	case "debug", "info", "warn", "error":
	default:
		add("log.level", "%q is not one of debug, info, warn, error", c.Log.Level)
	}
	switch c.Log.Format {
	case "text", "json":
	default:
		add("log.format", "%q is not one of text, json", c.Log.Format)
	}
	if c.HTTP.Listen != "off" && c.HTTP.Listen != "" {
		if _, _, err := net.SplitHostPort(c.HTTP.Listen); err != nil {
			add("http.listen", "%q is not host:port or \"off\"", c.HTTP.Listen)
		} else if msg := checkListen(c.HTTP.Listen); msg != "" {
			add("http.listen", "%s", msg)
		}
	}
	c.validateNATS(add)
	c.validateFetch(add)
	if c.Poll.Interval < time.Second {
		add("poll.interval", "%s is below 1s", c.Poll.Interval)
	}
	if c.Poll.MaxBackoff < c.Poll.Interval {
		add("poll.max_backoff", "%s is below poll.interval %s", c.Poll.MaxBackoff, c.Poll.Interval)
	}
	if c.Poll.MaxItemAge < 0 {
		add("poll.max_item_age", "%s is negative", c.Poll.MaxItemAge)
	}
	if c.Poll.DrainTimeout <= 0 {
		add("poll.drain_timeout", "%s is not positive", c.Poll.DrainTimeout)
	}
	if c.Dedupe.Window < time.Hour {
		add("dedupe.window", "%s is below 1h", c.Dedupe.Window)
	}
	seen := map[string]bool{}
	for i, src := range c.Dedupe.PreferredSources {
		key := strings.ToLower(strings.TrimSpace(src))
		switch {
		case key == "":
			add("dedupe.preferred_sources", "entry %d is empty", i+1)
		case strings.ContainsAny(key, "/: "):
			add("dedupe.preferred_sources", "entry %d %q: want a feed ID or a host name, not a URL", i+1, src)
		case seen[key]:
			add("dedupe.preferred_sources", "entry %d %q is listed twice", i+1, src)
		}
		seen[key] = true
	}
	if c.Store.Retention < 0 || c.Store.Retention > 0 && c.Store.Retention < c.Dedupe.Window {
		add("store.retention", "%s: want 0 (keep every story) or at least dedupe.window (%s), so that no copy outlives its story",
			c.Store.Retention, c.Dedupe.Window)
	}
	if m := c.Daemon.MemoryLimit; m < 0 || m > 0 && m < MinMemoryLimit {
		add("daemon.memory_limit", "%s: want 0 (no limit) or at least %s", m, ByteSize(MinMemoryLimit))
	}
	if c.Cluster.PollAckWait < time.Second {
		add("cluster.poll_ack_wait", "%s is below 1s", c.Cluster.PollAckWait)
	}
	if c.Cluster.SchedulerTick < 100*time.Millisecond || c.Cluster.SchedulerTick > time.Minute {
		add("cluster.scheduler_tick", "%s is not between 100ms and 1m", c.Cluster.SchedulerTick)
	}
	c.validateWebSub(add)
	c.validateFeeds(add)
}

func (c Config) validateWebSub(add func(key, format string, args ...any)) {
	w := c.WebSub
	if w.Enabled {
		u, err := url.Parse(w.CallbackURL)
		switch {
		case w.CallbackURL == "":
			add("websub.callback_url", "is required when websub.enabled is true")
		case err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https"):
			add("websub.callback_url", "%q is not an absolute http(s) URL", w.CallbackURL)
		case u.RawQuery != "" || u.Fragment != "" || strings.ContainsAny(w.CallbackURL, "?#"):
			add("websub.callback_url", "%q must not have a query or fragment", w.CallbackURL)
		default:
			if msg := checkPort(u.Port(), false); msg != "" {
				add("websub.callback_url", "%q: %s", w.CallbackURL, msg)
			}
		}
	}
	if w.PollIntervalWhenPushed < time.Second {
		add("websub.poll_interval_when_pushed", "%s is below 1s", w.PollIntervalWhenPushed)
	}
	if w.Lease < time.Minute {
		add("websub.lease", "%s is below 1m", w.Lease)
	}
}

func (c Config) validateNATS(add func(key, format string, args ...any)) {
	n := c.NATS
	if n.URL != "" {
		for raw := range strings.SplitSeq(n.URL, ",") {
			u, err := url.Parse(strings.TrimSpace(raw))
			if err != nil || u.Host == "" {
				add("nats.url", "%q is not a URL such as nats://host:4222", redactURL(raw))
				continue
			}
			switch u.Scheme {
			case "nats", "tls", "ws", "wss":
			default:
				add("nats.url", "scheme %q is not nats, tls, ws or wss", u.Scheme)
				continue
			}
			if msg := checkPort(u.Port(), false); msg != "" {
				add("nats.url", "%q: %s", redactURL(raw), msg)
			}
		}
	} else if msg := checkListen(n.EmbeddedListen); msg != "" {
		add("nats.embedded_listen", "%s", msg)
	} else if n.EmbeddedListen == c.HTTP.Listen && !strings.HasSuffix(n.EmbeddedListen, ":0") {
		add("nats.embedded_listen", "%q is also http.listen", n.EmbeddedListen)
	}
	if n.Stream == "" || strings.ContainsAny(n.Stream, " .*>\t\r\n/\\") {
		add("nats.stream", "%q is not a valid stream name", n.Stream)
	}
	if err := story.ValidateTopic(n.SubjectPrefix); err != nil {
		add("nats.subject_prefix", "%v", err)
	}
	if err := story.ValidateTopic(n.DupesPrefix); err != nil {
		add("nats.dupes_prefix", "%v", err)
	}
	if n.SubjectPrefix != "" && (n.DupesPrefix == n.SubjectPrefix || strings.HasPrefix(n.DupesPrefix, n.SubjectPrefix+".")) {
		add("nats.dupes_prefix", "%q must not lie under nats.subject_prefix %q", n.DupesPrefix, n.SubjectPrefix)
	}
	if n.Replicas < 1 || n.Replicas > 5 {
		add("nats.replicas", "%d is not between 1 and 5", n.Replicas)
	}
	if n.DuplicateWindow <= 0 {
		add("nats.duplicate_window", "%s is not positive", n.DuplicateWindow)
	}
	switch {
	case n.MaxAge < 0:
		add("nats.max_age", "%s is negative", n.MaxAge)
	case n.MaxAge > 0 && n.DuplicateWindow > n.MaxAge:
		add("nats.duplicate_window", "%s is longer than nats.max_age %s", n.DuplicateWindow, n.MaxAge)
	}
	switch {
	case n.MaxBytes == 0:
		add("nats.max_bytes", "0 would keep nothing; use -1 for no size limit")
	case n.MaxBytes < -1:
		add("nats.max_bytes", "%d is negative; use -1 for no size limit", n.MaxBytes)
	case n.MaxBytes > 0 && n.MaxBytes < MiB:
		add("nats.max_bytes", "%d bytes is below 1MiB; write a size with its unit, such as \"8GiB\"", n.MaxBytes)
	}
	if (n.TLSCert == "") != (n.TLSKey == "") {
		add("nats.tls_cert", "tls_cert and tls_key go together")
	}
	for _, f := range []struct{ key, path string }{
		{"nats.creds_file", n.CredsFile}, {"nats.nkey_file", n.NKeyFile},
		{"nats.tls_ca", n.TLSCA}, {"nats.tls_cert", n.TLSCert}, {"nats.tls_key", n.TLSKey},
	} {
		if msg := checkFile(f.path); msg != "" {
			add(f.key, "%s", msg)
		}
	}
}

func (c Config) validateFetch(add func(key, format string, args ...any)) {
	f := c.Fetch
	if f.Timeout <= 0 {
		add("fetch.timeout", "%s is not positive", f.Timeout)
	}
	if f.MaxBodyMiB <= 0 {
		add("fetch.max_body_mib", "%d is not positive", f.MaxBodyMiB)
	}
	if f.MaxRedirects < 0 {
		add("fetch.max_redirects", "%d is negative", f.MaxRedirects)
	}
	if f.Workers < 1 {
		add("fetch.workers", "%d is below 1", f.Workers)
	}
	if f.PerHostConcurrency < 1 {
		add("fetch.per_host_concurrency", "%d is below 1", f.PerHostConcurrency)
	}
	if f.PerHostInterval < 0 {
		add("fetch.per_host_interval", "%s is negative", f.PerHostInterval)
	}
	if f.Retries < 0 {
		add("fetch.retries", "%d is negative", f.Retries)
	}
	if strings.ContainsFunc(f.UserAgent, unicode.IsControl) {
		add("fetch.user_agent", "%q has a control character", f.UserAgent)
	}
	for i, n := range f.AllowNetworks {
		if _, err := netip.ParsePrefix(n); err != nil {
			add(fmt.Sprintf("fetch.allow_networks[%d]", i), "%q is not a CIDR prefix such as 127.0.0.0/8", n)
		}
	}
}

func (c Config) validateFeeds(add func(key, format string, args ...any)) {
	ids := make(map[string]int, len(c.Feeds))
	for i, f := range c.Feeds {
		key := fmt.Sprintf("feed[%d]", i)
		u, err := url.Parse(f.URL)
		switch {
		case f.URL == "":
			add(key+".url", "is required")
		case err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https"):
			add(key+".url", "%q is not an http(s) URL", f.URL)
		default:
			if msg := checkPort(u.Port(), false); msg != "" {
				add(key+".url", "%q: %s", f.URL, msg)
			}
		}
		if f.Topic == "" {
			add(key+".topic", "is required")
		} else if err := story.ValidateTopic(f.Topic); err != nil {
			add(key+".topic", "%v", err)
		}
		if f.Interval < time.Second {
			add(key+".interval", "%s is below 1s", f.Interval)
		}
		if f.Selector != "" {
			if err := extract.CheckSelector(f.Selector); err != nil {
				add(key+".selector", "%s", selectorMsg(f.Selector, err))
			}
		}
		for j, ex := range f.Exclude {
			if err := extract.CheckSelector(ex); err != nil {
				add(fmt.Sprintf("%s.exclude[%d]", key, j), "%s", selectorMsg(ex, err))
			}
		}
		if j, dup := ids[f.ID]; dup {
			add(key+".id", "%q is also the id of feed[%d]", f.ID, j)
		}
		ids[f.ID] = i
	}
}

// Feed returns the story.Feed view of a feed entry. Its exclusions are
// joined into one CSS selector group, which matches what any of them does.
func (f FeedConfig) Feed() story.Feed {
	return story.Feed{ID: f.ID, URL: f.URL, Topic: f.Topic, FetchArticle: f.FetchArticle, Interval: f.Interval,
		Selector: f.Selector, Exclude: strings.Join(f.Exclude, ", ")}
}

// selectorMsg says why a selector does not compile, without the package
// prefix of the error.
func selectorMsg(sel string, err error) string {
	msg := err.Error()
	if _, why, ok := strings.Cut(msg, fmt.Sprintf("%q: ", sel)); ok {
		msg = why
	}
	return fmt.Sprintf("%q is not a CSS selector: %s", sel, msg)
}

// AllowPrefixes returns fetch.allow_networks parsed. Validate has checked them.
func (f FetchConfig) AllowPrefixes() []netip.Prefix {
	out := make([]netip.Prefix, 0, len(f.AllowNetworks))
	for _, n := range f.AllowNetworks {
		if p, err := netip.ParsePrefix(n); err == nil {
			out = append(out, p)
		}
	}
	return out
}

// checkListen returns what is wrong with a listen address, "" when
// nothing: it must be host:port, the host empty (every interface), an IP
// address ("[::1]" for IPv6) or a host name, the port a number from 0 (a
// free port) to 65535.
func checkListen(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Sprintf("%q is not host:port", addr)
	}
	if msg := checkPort(port, true); msg != "" {
		return fmt.Sprintf("%q: %s", addr, msg)
	}
	if host != "" {
		if _, err := netip.ParseAddr(host); err != nil && !hostName(host) {
			return fmt.Sprintf("%q: host %q is neither an IP address nor a host name", addr, host)
		}
	}
	return ""
}

// checkPort checks a port number; empty is allowed (the scheme's
// default), 0 only where a listener may pick a free port.
func checkPort(port string, zeroOK bool) string {
	if port == "" {
		if zeroOK {
			return "the port is missing"
		}
		return ""
	}
	n, err := strconv.Atoi(port)
	switch {
	case err != nil:
		return fmt.Sprintf("port %q is not a number", port)
	case zeroOK && (n < 0 || n > 65535):
		return fmt.Sprintf("port %d is out of range (1-65535, or 0 for any free port)", n)
	case !zeroOK && (n < 1 || n > 65535):
		return fmt.Sprintf("port %d is out of range (1-65535)", n)
	}
	return ""
}

// hostName reports whether s is a syntactically valid DNS name.
func hostName(s string) bool {
	if len(s) > 253 {
		return false
	}
	for label := range strings.SplitSeq(strings.TrimSuffix(s, "."), ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := range len(label) {
			if !isBare(label[i]) || label[i] == '_' {
				return false
			}
		}
	}
	return true
}

// checkFile checks that a file the config names can be opened now; ""
// when path is empty or it can.
func checkFile(path string) string {
	if path == "" {
		return ""
	}
	f, err := os.Open(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return fmt.Sprintf("%q cannot be read: %v", path, err)
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		return fmt.Sprintf("%q is a directory, want a file", path)
	}
	return ""
}

// redactURL hides any password in a URL so it can be shown in an error.
func redactURL(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "<unparsable>"
	}
	return u.Redacted()
}
