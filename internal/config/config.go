package config

import (
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

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
	Feeds   []FeedConfig  `toml:"feed"`
}

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
	Workers            int           `toml:"workers"`              // feeds polled at once; default 8
	PerHostConcurrency int           `toml:"per_host_concurrency"` // default 2
	PerHostInterval    time.Duration `toml:"per_host_interval"`    // default 1s
	Retries            int           `toml:"retries"`              // default 2
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
		},
		Fetch: FetchConfig{
			Timeout:            20 * time.Second,
			MaxBodyMiB:         15,
			MaxRedirects:       5,
			Workers:            8,
			PerHostConcurrency: 2,
			PerHostInterval:    time.Second,
			Retries:            2,
		},
		Poll: PollConfig{
			Interval:     15 * time.Minute,
			MaxBackoff:   6 * time.Hour,
			DrainTimeout: 30 * time.Second,
		},
		Dedupe:  DedupeConfig{Window: 7 * 24 * time.Hour},
		Cluster: ClusterConfig{PollAckWait: time.Minute, SchedulerTick: time.Second},
		WebSub:  WebSubConfig{PollIntervalWhenPushed: 6 * time.Hour, Lease: 10 * 24 * time.Hour},
	}
}

// Load reads, decodes and validates the file at path.
func Load(path string) (Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("config: %w", err)
	}
	cfg, err := Parse(data, os.Getenv)
	if err != nil {
		return Config{}, fmt.Errorf("config %s: %w", path, err)
	}
	return cfg, nil
}

// Parse decodes TOML data on top of the defaults, applies the environment
// overrides read through getenv (nil for none), fills derived defaults and
// validates the result.
func Parse(data []byte, getenv func(string) string) (Config, error) {
	cfg := Default()
	md, err := toml.Decode(string(data), &cfg)
	if err != nil {
		return Config{}, fmt.Errorf("config: %w", err)
	}
	if undecoded := md.Undecoded(); len(undecoded) > 0 {
		errs := make([]error, 0, len(undecoded))
		for _, key := range undecoded {
			errs = append(errs, fmt.Errorf("%s: unknown key", key))
		}
		return Config{}, errors.Join(errs...)
	}
	if getenv != nil {
		cfg.applyEnv(getenv)
	}
	cfg.fillDefaults()
	if err := cfg.Validate(); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

func (c *Config) applyEnv(getenv func(string) string) {
	for name, dst := range map[string]*string{
		"FEEDSIFT_NATS_USER":     &c.NATS.User,
		"FEEDSIFT_NATS_PASSWORD": &c.NATS.Password,
		"FEEDSIFT_NATS_TOKEN":    &c.NATS.Token,
		"FEEDSIFT_NATS_CREDS":    &c.NATS.CredsFile,
		"FEEDSIFT_HTTP_TOKEN":    &c.HTTP.Token,
	} {
		if v := getenv(name); v != "" {
			*dst = v
		}
	}
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

// Validate reports every invalid field, each prefixed with its key.
func (c Config) Validate() error {
	var errs []error
	add := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", key, fmt.Sprintf(format, args...)))
	}
	if c.DataDir == "" {
		add("data_dir", "must not be empty")
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
		if _, err := netip.ParseAddrPort(c.HTTP.Listen); err != nil && !hostPortLike(c.HTTP.Listen) {
			add("http.listen", "%q is not host:port or \"off\"", c.HTTP.Listen)
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
		add("poll.max_item_age", "must not be negative")
	}
	if c.Poll.DrainTimeout <= 0 {
		add("poll.drain_timeout", "must be positive")
	}
	if c.Dedupe.Window < time.Hour {
		add("dedupe.window", "%s is below 1h", c.Dedupe.Window)
	}
	if c.Cluster.PollAckWait < time.Second {
		add("cluster.poll_ack_wait", "%s is below 1s", c.Cluster.PollAckWait)
	}
	if c.Cluster.SchedulerTick < 100*time.Millisecond || c.Cluster.SchedulerTick > time.Minute {
		add("cluster.scheduler_tick", "%s is not between 100ms and 1m", c.Cluster.SchedulerTick)
	}
	c.validateWebSub(add)
	c.validateFeeds(add)
	return errors.Join(errs...)
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
			}
		}
	} else if !hostPortLike(n.EmbeddedListen) {
		add("nats.embedded_listen", "%q is not host:port", n.EmbeddedListen)
	}
	if n.Stream == "" || strings.ContainsAny(n.Stream, " .*>\t\n") {
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
		add("nats.duplicate_window", "must be positive")
	}
	if n.MaxAge < 0 {
		add("nats.max_age", "must not be negative")
	}
	if (n.TLSCert == "") != (n.TLSKey == "") {
		add("nats.tls_cert", "tls_cert and tls_key go together")
	}
}

func (c Config) validateFetch(add func(key, format string, args ...any)) {
	f := c.Fetch
	if f.Timeout <= 0 {
		add("fetch.timeout", "must be positive")
	}
	if f.MaxBodyMiB <= 0 {
		add("fetch.max_body_mib", "must be positive")
	}
	if f.MaxRedirects < 0 {
		add("fetch.max_redirects", "must not be negative")
	}
	if f.Workers < 1 {
		add("fetch.workers", "must be at least 1")
	}
	if f.PerHostConcurrency < 1 {
		add("fetch.per_host_concurrency", "must be at least 1")
	}
	if f.PerHostInterval < 0 {
		add("fetch.per_host_interval", "must not be negative")
	}
	if f.Retries < 0 {
		add("fetch.retries", "must not be negative")
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
		}
		if f.Topic == "" {
			add(key+".topic", "is required")
		} else if err := story.ValidateTopic(f.Topic); err != nil {
			add(key+".topic", "%v", err)
		}
		if f.Interval < time.Second {
			add(key+".interval", "%s is below 1s", f.Interval)
		}
		if j, dup := ids[f.ID]; dup {
			add(key+".id", "%q is also the id of feed[%d]", f.ID, j)
		}
		ids[f.ID] = i
	}
}

// Feed returns the story.Feed view of a feed entry.
func (f FeedConfig) Feed() story.Feed {
	return story.Feed{ID: f.ID, URL: f.URL, Topic: f.Topic, FetchArticle: f.FetchArticle, Interval: f.Interval}
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

func hostPortLike(s string) bool {
	i := strings.LastIndexByte(s, ':')
	if i < 0 || i == len(s)-1 {
		return false
	}
	for _, r := range s[i+1:] {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// redactURL hides any password in a URL so it can be shown in an error.
func redactURL(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "<unparsable>"
	}
	return u.Redacted()
}
