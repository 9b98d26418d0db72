package config_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/feedsift/feedsift/internal/config"
)

// TestMistakesGolden loads one file with many mistakes of every kind
// (unknown keys with and without a near miss, values of the wrong type,
// a duration in words, ports out of range, a missing file, invalid feed
// entries) and compares the whole error text with a golden file: every
// mistake at once, in file order, each with its line. The lines marked
// "# mistake" in the file must be exactly the lines reported.
func TestMistakesGolden(t *testing.T) {
	const file = "testdata/mistakes.toml"
	_, err := config.Load(file)
	if err == nil {
		t.Fatal("Load succeeded, want the mistakes")
	}
	want, rerr := os.ReadFile("testdata/mistakes.golden")
	if rerr != nil {
		t.Fatal(rerr)
	}
	if diff := cmp.Diff(string(want), err.Error()+"\n"); diff != "" {
		t.Errorf("error text differs from testdata/mistakes.golden (-want +got):\n%s", diff)
	}

	var ce *config.Error
	if !errors.As(err, &ce) {
		t.Fatalf("error is %T, want *config.Error", err)
	}
	if ce.File != file {
		t.Errorf("Error.File = %q, want %q", ce.File, file)
	}
	data, rerr := os.ReadFile(file)
	if rerr != nil {
		t.Fatal(rerr)
	}
	var marked []int
	for i, l := range strings.Split(string(data), "\n") {
		if strings.Contains(l, "# mistake") {
			marked = append(marked, i+1)
		}
	}
	var reported []int
	for _, p := range ce.Problems {
		if len(reported) > 0 && p.Line < reported[len(reported)-1] {
			t.Errorf("problem %q comes after line %d: not in file order", p.Error(), reported[len(reported)-1])
		}
		reported = append(reported, p.Line)
	}
	if diff := cmp.Diff(marked, slices.Compact(slices.Clone(reported))); diff != "" {
		t.Errorf("lines reported differ from the lines marked \"# mistake\" (-marked +reported):\n%s", diff)
	}
	var p config.Problem
	if !errors.As(err, &p) || p.Line != ce.Problems[0].Line {
		t.Errorf("errors.As(err, *Problem) = %+v, want the first problem", p)
	}
}

// TestParseProblems checks single mistakes: what is said and on which
// line, from Parse (no file name).
func TestParseProblems(t *testing.T) {
	tests := []struct {
		name string
		toml string
		want string // the whole text after the header line
	}{
		{"syntax error", "[nats]\nmax_age = \"72h\nreplicas = 3\n",
			`line 2: TOML syntax: strings cannot contain newlines`},
		{"unknown table", "[natz]\nurl = \"nats://x:4222\"\n",
			`line 1: natz: unknown key; did you mean nats?`},
		{"key of another table", "[poll]\nmax_age = \"1h\"\n",
			`line 2: poll.max_age: unknown key here; max_age belongs in [nats]`},
		{"top-level key after a table", "[log]\nlevel = \"info\"\ndata_dir = \"/tmp\"\n",
			`line 3: log.data_dir: unknown key here; data_dir belongs at the top of the file, before any [table]`},
		{"nothing near", "[fetch]\ncolour = \"blue\"\n",
			`line 2: fetch.colour: unknown key (the keys here are timeout, max_body_mib, max_redirects, user_agent, workers, per_host_concurrency, per_host_interval, retries, crawl_delay, allow_networks)`},
		{"dotted key", "nats.max_agee = \"1h\"\n",
			`line 1: nats.max_agee: unknown key; did you mean max_age?`},
		{"quoted key", "[nats]\n\"max age\" = \"1h\"\n",
			`line 2: nats."max age": unknown key; did you mean max_age?`},
		{"table for a value", "[log.level]\nx = 1\n",
			`line 1: log.level: a table is given, want a string in quotes`},
		{"value for a table", "nats = 3\n",
			`line 1: nats: 3 is an integer, want a table ([nats])`},
		{"feed as a table", "[feed]\nurl = \"https://a.example/\"\n",
			`line 1: feed: a table is given, want tables ([[feed]] entries)`},
		{"inline feeds", "feed = [{url = \"https://a.example/f\", topic = \"t\", colour = 1}]\n",
			`line 1: feed[0].colour: unknown key (the keys here are id, url, topic, interval, fetch_article, selector, exclude)`},
		{"bool", "[websub]\nenabled = \"yes\"\n",
			`line 2: websub.enabled: "yes" is a string, want true or false`},
		{"float", "[fetch]\nworkers = 2.5\n",
			`line 2: fetch.workers: 2.5 is a float, want an integer`},
		{"duration in words", "[poll]\ninterval = \"90 minutes\"\n",
			`line 2: poll.interval: "90 minutes" is not a duration (use 1h30m)`},
		{"duration gibberish", "[poll]\ninterval = \"soon\"\n",
			`line 2: poll.interval: "soon" is not a duration (use a Go duration such as "90s", "15m" or "72h")`},
		{"rule between keys", "[poll]\ninterval = \"8h\"\n",
			`line 1: poll.max_backoff: 6h0m0s is below poll.interval 8h0m0s`},
		{"default not in the file", "[nats]\nduplicate_window = \"1000h\"\n",
			`line 2: nats.duplicate_window: 1000h0m0s is longer than nats.max_age 720h0m0s`},
		{"max_bytes zero", "[nats]\nmax_bytes = 0\n",
			`line 2: nats.max_bytes: 0 would keep nothing; use -1 for no size limit`},
		{"max_bytes tiny", "[nats]\nmax_bytes = 8\n",
			`line 2: nats.max_bytes: 8 bytes is below 1MiB; write a size with its unit, such as "8GiB"`},
		{"max_bytes unit", "[nats]\nmax_bytes = \"8G\"\n",
			`line 2: nats.max_bytes: "8G" is not a size (use a size such as "8GiB" or "512MiB", or -1 for no limit)`},
		{"embedded and http on one address", "[http]\nlisten = \"127.0.0.1:4222\"\n",
			`nats.embedded_listen: "127.0.0.1:4222" is also http.listen`},
		{"user agent with a newline", "[fetch]\nuser_agent = \"a\\nb\"\n",
			`line 2: fetch.user_agent: "a\nb" has a control character`},
		{"value after a multi-line array", "[fetch]\nallow_networks = [\n  \"10.0.0.0/8\", # a comment with a \" quote\n  '''x''',\n]\nretries = -1\n",
			"line 2: fetch.allow_networks[1]: \"x\" is not a CIDR prefix such as 127.0.0.0/8\nline 6: fetch.retries: -1 is negative"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := config.Parse([]byte(tc.toml), nil)
			if err == nil {
				t.Fatal("Parse succeeded")
			}
			_, got, _ := strings.Cut(err.Error(), "\n")
			if got != tc.want {
				t.Errorf("Parse error:\n%s\nwant after the header:\n%s", err, tc.want)
			}
		})
	}
}

// TestListenAddresses checks http.listen and nats.embedded_listen: host
// and port syntax and the port range, with 0 for a free port.
func TestListenAddresses(t *testing.T) {
	tests := []struct {
		addr string
		want string // "" when valid
	}{
		{"127.0.0.1:8181", ""},
		{"127.0.0.1:0", ""},
		{":8080", ""},
		{"[::1]:8080", ""},
		{"localhost:65535", ""},
		{"feeds.example.org:443", ""},
		{"127.0.0.1:99999", `"127.0.0.1:99999": port 99999 is out of range (1-65535, or 0 for any free port)`},
		{"127.0.0.1:-1", `"127.0.0.1:-1": port -1 is out of range (1-65535, or 0 for any free port)`},
		{"127.0.0.1:http", `"127.0.0.1:http": port "http" is not a number`},
		{"127.0.0.1", `"127.0.0.1" is not host:port`},
		{"::1:8080", `"::1:8080" is not host:port`},
		{"bad_host!:80", `"bad_host!:80": host "bad_host!" is neither an IP address nor a host name`},
		{"127.0.0.1:", `"127.0.0.1:": the port is missing`},
	}
	for _, tc := range tests {
		t.Run(tc.addr, func(t *testing.T) {
			for _, key := range []string{"http.listen", "nats.embedded_listen"} {
				cfg := config.Default()
				if key == "http.listen" {
					cfg.HTTP.Listen = tc.addr
				} else {
					cfg.NATS.EmbeddedListen = tc.addr
				}
				err := cfg.Validate()
				if tc.want == "" {
					if err != nil {
						t.Errorf("%s = %q: %v", key, tc.addr, err)
					}
					continue
				}
				want := key + ": " + tc.want
				if key == "http.listen" && strings.HasSuffix(tc.want, "is not host:port") {
					want += ` or "off"`
				}
				if err == nil || !strings.Contains(err.Error(), "\n"+want) {
					t.Errorf("%s = %q: error %v, want a line %q", key, tc.addr, err, want)
				}
			}
		})
	}
}

// TestFilesMustExist checks that the files [nats] names are looked for
// before anything starts, including one named by the environment.
func TestFilesMustExist(t *testing.T) {
	dir := t.TempDir()
	present := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(present, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "gone.creds")
	doc := "[nats]\nurl = \"tls://nats.example:4222\"\ntls_ca = " + strconv.Quote(present) +
		"\ntls_cert = " + strconv.Quote(dir) + "\ntls_key = " + strconv.Quote(present) + "\n"
	_, err := config.Parse([]byte(doc), func(k string) string {
		if k == "FEEDSIFT_NATS_CREDS" {
			return missing
		}
		return ""
	})
	want := "config: 2 problems:\n" +
		"line 4: nats.tls_cert: " + strconv.Quote(dir) + " is a directory, want a file\n" +
		"nats.creds_file: " + strconv.Quote(missing) + " cannot be read: no such file or directory (from $FEEDSIFT_NATS_CREDS)"
	if err == nil || err.Error() != want {
		t.Errorf("Parse error:\n%v\nwant:\n%s", err, want)
	}
}

func TestMaxBytes(t *testing.T) {
	tests := []struct {
		value string
		want  config.ByteSize
	}{
		{`"8GiB"`, 8 << 30},
		{`"10 GiB"`, 10 << 30},
		{`"512mib"`, 512 << 20},
		{`"1.5GiB"`, 3 << 29},
		{`"2GB"`, 2e9},
		{`"1TiB"`, 1 << 40},
		{`"1048576"`, 1 << 20},
		{`"4194304B"`, 4 << 20},
		{`1073741824`, 1 << 30},
		{`-1`, -1},
		{`"-1"`, -1},
	}
	for _, tc := range tests {
		t.Run(tc.value, func(t *testing.T) {
			cfg, err := config.Parse([]byte("[nats]\nmax_bytes = "+tc.value+"\n"), nil)
			if err != nil {
				t.Fatalf("Parse = %v", err)
			}
			if cfg.NATS.MaxBytes != tc.want {
				t.Errorf("max_bytes = %d, want %d", cfg.NATS.MaxBytes, tc.want)
			}
		})
	}
	if got := config.Default().NATS.MaxBytes; got != 8*config.GiB || got.String() != "8GiB" {
		t.Errorf("default max_bytes = %d (%s), want 8GiB", got, got)
	}
	for size, want := range map[config.ByteSize]string{-1: "-1", 1 << 20: "1MiB", 3 << 29: "1536MiB", 1500: "1500B", 5 << 40: "5TiB"} {
		if got := size.String(); got != want {
			t.Errorf("ByteSize(%d).String() = %q, want %q", int64(size), got, want)
		}
	}
}

// TestLineNumbers checks the line found for keys in the shapes TOML
// allows: tables, dotted keys, quoted keys, arrays of tables, keys after
// multi-line strings and arrays, and comments holding quotes.
func TestLineNumbers(t *testing.T) {
	doc := `# a comment with "quotes" and 'more' and [brackets]
data_dir = 'C:\data' # literal string
[log]
level = """
multi
line""" # still line 4
format = 'text'
[ nats ]
"stream" = "S"
fetch.workers = 1
url = '''
'''
[[feed]]
url = "x"
[[ feed ]]
topic = "a # not a comment"
interval = [
  1,
  { x = "]" },
]
fetch_article = "no"
`
	_, err := config.Parse([]byte(doc), nil)
	if err == nil {
		t.Fatal("Parse succeeded")
	}
	got := map[string]int{}
	var ce *config.Error
	if !errors.As(err, &ce) {
		t.Fatalf("error %T", err)
	}
	for _, p := range ce.Problems {
		got[p.Key] = p.Line
	}
	want := map[string]int{
		"log.level":             4,  // "multi\nline" is not a level
		"nats.fetch":            10, // a dotted key in the wrong table
		"feed[0].topic":         13, // required: the entry's header line
		"feed[0].url":           14, // not a URL
		"feed[1].url":           15, // required
		"feed[1].topic":         16, // "a # not a comment" has spaces
		"feed[1].interval":      17, // an array
		"feed[1].fetch_article": 21, // a string
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("lines (-want +got):\n%s\n%v", diff, err)
	}
}

// TestDurationIntegers: a bare 0 is zero; any other bare number is a
// mistake (it used to mean nanoseconds).
func TestDurationIntegers(t *testing.T) {
	cfg, err := config.Parse([]byte("[poll]\nmax_item_age = 0\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Poll.MaxItemAge != cfg.Dedupe.Window {
		t.Errorf("max_item_age 0 gave %s, want dedupe.window", cfg.Poll.MaxItemAge)
	}
	cfg, err = config.Parse([]byte("[poll]\ninterval = \" 20m \"\n"), nil)
	if err != nil || cfg.Poll.Interval != 20*time.Minute {
		t.Errorf("interval with spaces = %s, %v", cfg.Poll.Interval, err)
	}
}

// TestStoreRetention checks store.retention: 0 keeps every story, and a
// retention is at least the dedupe window.
func TestStoreRetention(t *testing.T) {
	for _, tc := range []struct {
		retention time.Duration
		ok        bool
	}{{0, true}, {168 * time.Hour, true}, {720 * time.Hour, true}, {24 * time.Hour, false}, {-time.Hour, false}} {
		cfg := config.Default()
		cfg.Dedupe.Window = 168 * time.Hour
		cfg.Store.Retention = tc.retention
		err := cfg.Validate()
		if tc.ok != (err == nil) {
			t.Errorf("store.retention = %s: error %v, want ok %v", tc.retention, err, tc.ok)
		}
		if err != nil && !strings.Contains(err.Error(), "store.retention") {
			t.Errorf("store.retention = %s: error %q does not name the key", tc.retention, err)
		}
	}
}

// TestPreferredSources checks dedupe.preferred_sources: feed IDs and hosts
// are taken; an empty entry, a URL and an entry listed twice are named.
func TestPreferredSources(t *testing.T) {
	for _, tc := range []struct {
		sources []string
		want    string // substring of the error; "" means valid
	}{
		{nil, ""},
		{[]string{"northern-ledger", "apnews.com", "www.Example.org"}, ""},
		{[]string{"ledger", " "}, "entry 2 is empty"},
		{[]string{"https://apnews.com/"}, "not a URL"},
		{[]string{"apnews.com", "APNews.com"}, `entry 2 "APNews.com" is listed twice`},
	} {
		cfg := config.Default()
		cfg.Dedupe.PreferredSources = tc.sources
		err := cfg.Validate()
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%q: %v, want valid", tc.sources, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "dedupe.preferred_sources")):
			t.Errorf("%q: error %v, want one naming dedupe.preferred_sources and saying %q", tc.sources, err, tc.want)
		}
	}
}

// TestMemoryLimit: daemon.memory_limit takes a size or 0 (no limit), and
// refuses a negative size or one below MinMemoryLimit.
func TestMemoryLimit(t *testing.T) {
	for value, want := range map[string]config.ByteSize{`"512MiB"`: 512 << 20, `"0"`: 0, `"1GiB"`: 1 << 30} {
		cfg, err := config.Parse([]byte("[daemon]\nmemory_limit = "+value+"\n"), nil)
		if err != nil || cfg.Daemon.MemoryLimit != want {
			t.Errorf("memory_limit = %s: %d, %v; want %d", value, cfg.Daemon.MemoryLimit, err, want)
		}
	}
	for _, value := range []string{`"1MiB"`, `-1`} {
		_, err := config.Parse([]byte("[daemon]\nmemory_limit = "+value+"\n"), nil)
		if err == nil || !strings.Contains(err.Error(), "daemon.memory_limit") {
			t.Errorf("memory_limit = %s: %v, want an error naming daemon.memory_limit", value, err)
		}
	}
	if got := config.Default().Daemon.MemoryLimit; got != 288*config.MiB {
		t.Errorf("default memory_limit = %s, want 288MiB", got)
	}
}
