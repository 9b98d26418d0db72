package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/feedsift/feedsift/internal/config"
)

func TestExampleConfig(t *testing.T) {
	cfg, err := config.Load(filepath.Join("..", "..", "config.example.toml"))
	if err != nil {
		t.Fatalf("Load(config.example.toml) = %v", err)
	}
	if len(cfg.Feeds) == 0 {
		t.Fatal("config.example.toml declares no feeds")
	}
	if !cfg.NATS.Embedded() {
		t.Errorf("example config should use the embedded server, nats.url = %q", cfg.NATS.URL)
	}
	// Every default written in the example must equal the built-in default,
	// so the file documents the truth.
	def := config.Default()
	cfg.Feeds = nil
	cfg.Poll.MaxItemAge = 0
	if len(cfg.Fetch.AllowNetworks) == 0 {
		cfg.Fetch.AllowNetworks = nil
	}
	if diff := cmp.Diff(def, cfg); diff != "" {
		t.Errorf("example config differs from Default() (-default +example):\n%s", diff)
	}
}

func TestParseDefaultsAndDerived(t *testing.T) {
	cfg, err := config.Parse([]byte(`
[[feed]]
url = "https://example.com/news/rss.xml"
topic = "world.europe"
`), nil)
	if err != nil {
		t.Fatalf("Parse = %v", err)
	}
	f := cfg.Feeds[0]
	if f.ID != "example.com/news/rss.xml" {
		t.Errorf("derived id = %q", f.ID)
	}
	if f.Interval != 15*time.Minute {
		t.Errorf("interval = %s, want poll.interval default", f.Interval)
	}
	if cfg.Poll.MaxItemAge != cfg.Dedupe.Window {
		t.Errorf("max_item_age = %s, want dedupe.window %s", cfg.Poll.MaxItemAge, cfg.Dedupe.Window)
	}
}

func TestParseWebSub(t *testing.T) {
	tests := []struct {
		name string
		toml string
		want config.WebSubConfig
	}{
		{"defaults", "", config.WebSubConfig{PollIntervalWhenPushed: 6 * time.Hour, Lease: 240 * time.Hour}},
		{"enabled", `[websub]
enabled = true
callback_url = "https://feeds.example.org/base"
poll_interval_when_pushed = "2h"
lease = "48h"
`, config.WebSubConfig{Enabled: true, CallbackURL: "https://feeds.example.org/base", PollIntervalWhenPushed: 2 * time.Hour, Lease: 48 * time.Hour}},
		{"disabled without callback", "[websub]\nenabled = false\n", config.WebSubConfig{PollIntervalWhenPushed: 6 * time.Hour, Lease: 240 * time.Hour}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := config.Parse([]byte(tc.toml), nil)
			if err != nil {
				t.Fatalf("Parse = %v", err)
			}
			if diff := cmp.Diff(tc.want, cfg.WebSub); diff != "" {
				t.Errorf("websub (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseEnvOverrides(t *testing.T) {
	env := map[string]string{"FEEDSIFT_NATS_PASSWORD": "s3cret", "FEEDSIFT_HTTP_TOKEN": "tok"}
	cfg, err := config.Parse([]byte("[nats]\npassword = \"in-file\"\n"), func(k string) string { return env[k] })
	if err != nil {
		t.Fatalf("Parse = %v", err)
	}
	if cfg.NATS.Password != "s3cret" || cfg.HTTP.Token != "tok" {
		t.Errorf("env overrides not applied: password %q token %q", cfg.NATS.Password, cfg.HTTP.Token)
	}
}

// TestInvalid checks that every problem in each testdata/invalid file is
// reported, naming its key.
func TestInvalid(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "invalid", "*.toml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no invalid cases: %v", err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".toml")
		t.Run(name, func(t *testing.T) {
			want, err := os.ReadFile(strings.TrimSuffix(file, ".toml") + ".want")
			if err != nil {
				t.Fatal(err)
			}
			_, err = config.Load(file)
			if err != nil && strings.Contains(err.Error(), "panic") {
				t.Fatalf("Load panicked: %v", err)
			}
			if err == nil {
				t.Fatal("Load succeeded, want an error")
			}
			for line := range strings.Lines(string(want)) {
				line = strings.TrimSpace(line)
				if line != "" && !strings.Contains(err.Error(), line) {
					t.Errorf("error does not mention %q:\n%v", line, err)
				}
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	for _, file := range []string{"../../config.example.toml"} {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	matches, _ := filepath.Glob(filepath.Join("testdata", "invalid", "*.toml"))
	for _, m := range matches {
		data, err := os.ReadFile(m)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := config.Parse(data, nil)
		if err != nil {
			return
		}
		// Whatever parses must validate again and have usable values.
		if err := cfg.Validate(); err != nil {
			t.Fatalf("Parse accepted a config that Validate rejects: %v", err)
		}
		for _, fd := range cfg.Feeds {
			if fd.ID == "" || fd.Interval < time.Second {
				t.Fatalf("accepted feed with id %q interval %s", fd.ID, fd.Interval)
			}
		}
	})
}

// TestFeedSelector: a feed's selector and exclusions reach its
// story.Feed, the exclusions as one selector group.
func TestFeedSelector(t *testing.T) {
	doc := `[[feed]]
url = "https://quay.example/rss"
topic = "local"
selector = "main .story p"
exclude = [".share-bar", "figure.promo"]

[[feed]]
url = "https://wire.example/rss"
topic = "world"
`
	cfg, err := config.Parse([]byte(doc), nil)
	if err != nil {
		t.Fatal(err)
	}
	f := cfg.Feeds[0].Feed()
	if f.Selector != "main .story p" || f.Exclude != ".share-bar, figure.promo" {
		t.Errorf("Feed() selector %q, exclude %q", f.Selector, f.Exclude)
	}
	if g := cfg.Feeds[1].Feed(); g.Selector != "" || g.Exclude != "" {
		t.Errorf("feed without a selector: selector %q, exclude %q", g.Selector, g.Exclude)
	}
}
