package cli_test

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/feedsift/feedsift/internal/cli"
	"github.com/feedsift/feedsift/internal/daemon"
	"github.com/feedsift/feedsift/internal/httpapi"
	"github.com/feedsift/feedsift/internal/story"
	"github.com/feedsift/feedsift/sink"
)

// checkStoriesOutput runs the stories checks against whatever dir points
// at: a store file only, or a daemon's address.
func checkStoriesOutput(t *testing.T, dir string) {
	t.Helper()
	all := []story.Story{ferry, tram, orbit}
	tests := []struct {
		name string
		args []string
		want []story.Story // newest first
	}{
		{"all", nil, all},
		{"topic world includes world.europe", []string{"--topic", "world"}, []story.Story{ferry, tram}},
		{"topic world.europe", []string{"--topic", "world.europe"}, []story.Story{tram}},
		{"topic tech", []string{"--topic", "tech"}, []story.Story{orbit}},
		{"topic with no stories", []string{"--topic", "sport"}, nil},
		{"since a date", []string{"--since", "2026-03-05"}, []story.Story{ferry, tram}},
		{"since a time", []string{"--since", "2026-03-10T16:45:00Z"}, []story.Story{ferry}},
		{"limit", []string{"--limit", "2"}, []story.Story{ferry, tram}},
		{"limit 0 is all", []string{"--limit", "0"}, all},
	}
	for _, tc := range tests {
		t.Run(tc.name+"/table", func(t *testing.T) {
			out := mustRun(t, append([]string{"stories", "--data", dir}, tc.args...)...)
			lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			if want := len(tc.want) + 2; len(lines) != want {
				t.Fatalf("got %d lines, want %d (header, stories, count):\n%s", len(lines), want, out)
			}
			for _, col := range []string{"PUBLISHED", "TOPIC", "ID", "FEED", "TITLE"} {
				if !strings.Contains(lines[0], col) {
					t.Errorf("header %q lacks %s", lines[0], col)
				}
			}
			for i, s := range tc.want {
				line := lines[i+1]
				for _, field := range []string{s.Published.Format("2006-01-02 15:04"), s.Topic, s.ID[:12], s.FeedID, s.Title} {
					if !strings.Contains(line, field) {
						t.Errorf("line %d %q lacks %q", i+1, line, field)
					}
				}
			}
			if want := fmt.Sprintf("%d stories", len(tc.want)); lines[len(lines)-1] != want {
				t.Errorf("last line %q, want %q", lines[len(lines)-1], want)
			}
			for _, s := range all {
				if !containsStory(tc.want, s) && strings.Contains(out, s.Title) {
					t.Errorf("output holds %q, which the filter excludes:\n%s", s.Title, out)
				}
			}
		})
		t.Run(tc.name+"/json", func(t *testing.T) {
			out := mustRun(t, append([]string{"stories", "--data", dir, "--json"}, tc.args...)...)
			var got []story.Story
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatalf("--json output is not a JSON list of stories: %v\n%s", err, out)
			}
			want := make([]story.Story, len(tc.want))
			for i, s := range tc.want {
				s.Version = story.Version
				want[i] = s
			}
			if got == nil {
				t.Errorf("--json printed %q, want a list", out)
			}
			if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("stories (-want +got):\n%s", diff)
			}
		})
	}
}

func containsStory(list []story.Story, s story.Story) bool {
	for _, x := range list {
		if x.ID == s.ID {
			return true
		}
	}
	return false
}

// checkDupesOutput runs the dupes checks against dir.
func checkDupesOutput(t *testing.T, dir string) {
	t.Helper()
	t.Run("report", func(t *testing.T) {
		out := mustRun(t, "dupes", "--data", dir)
		// Each story is followed by its members, oldest first.
		want := []string{
			ferry.ID[:12], "world", `"` + ferry.Title + `"`, "kept: wire  " + ferry.URL,
			"merged: ledger  " + ferryCopy.URL, "content 0.86: " + ferryCopy.Reason,
			"merged: wire  " + ferryRepost.URL, "url 1.00: " + ferryRepost.Reason,
			orbit.ID[:12], "tech", `"` + orbit.Title + `"`, "kept: digest  " + orbit.URL,
			"merged: mirror  " + orbitCopy.URL, "guid 1.00: " + orbitCopy.Reason,
			"2 stories with 3 merged copies\n",
		}
		rest := out
		for _, w := range want {
			i := strings.Index(rest, w)
			if i < 0 {
				t.Fatalf("report lacks %q after the earlier parts (or has it out of order):\n%s", w, out)
			}
			rest = rest[i+len(w):]
		}
		if strings.Contains(out, tram.Title) {
			t.Errorf("report lists %q, which has no duplicates:\n%s", tram.Title, out)
		}
	})
	t.Run("topic", func(t *testing.T) {
		out := mustRun(t, "dupes", "--data", dir, "--topic", "tech")
		if !strings.Contains(out, orbitCopy.URL) || strings.Contains(out, ferryCopy.URL) {
			t.Errorf("--topic tech report:\n%s", out)
		}
		if !strings.HasSuffix(out, "1 stories with 1 merged copies\n") {
			t.Errorf("--topic tech report does not end with the counts:\n%s", out)
		}
	})
	t.Run("json", func(t *testing.T) {
		out := mustRun(t, "dupes", "--data", dir, "--json")
		var report []sink.ReportEntry
		if err := json.Unmarshal([]byte(out), &report); err != nil {
			t.Fatalf("--json output is not a JSON report: %v\n%s", err, out)
		}
		type entry struct {
			Story   string
			Members []string
		}
		var got []entry
		for _, e := range report {
			g := entry{Story: e.Story.ID}
			for _, m := range e.Members {
				g.Members = append(g.Members, m.URL)
			}
			got = append(got, g)
		}
		want := []entry{
			{ferry.ID, []string{ferryCopy.URL, ferryRepost.URL}},
			{orbit.ID, []string{orbitCopy.URL}},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("report (-want +got):\n%s", diff)
		}
	})
}

// TestStoreDirect runs stories and dupes with a store file and no daemon:
// the commands open the store themselves.
func TestStoreDirect(t *testing.T) {
	t.Parallel()
	dir := storeDir(t)
	t.Run("stories", func(t *testing.T) { checkStoriesOutput(t, dir) })
	t.Run("dupes", func(t *testing.T) { checkDupesOutput(t, dir) })
}

// TestStaleAddress checks an http.addr left behind by a daemon that is
// gone does not stop the commands from reading the store.
func TestStaleAddress(t *testing.T) {
	t.Parallel()
	dir := storeDir(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, daemon.HTTPAddrFile), addr+"\n")
	out := mustRun(t, "stories", "--data", dir)
	if !strings.Contains(out, ferry.Title) || !strings.HasSuffix(out, "3 stories\n") {
		t.Errorf("stories with a stale http.addr:\n%s", out)
	}
}

// TestDaemonAPI runs stories and dupes against a daemon's HTTP API found
// through http.addr in the data directory. The test holds the store open
// read-write, as a daemon does, so the commands cannot open it directly.
func TestDaemonAPI(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	st := fillStore(t, dir)
	srv := httptest.NewServer(httpapi.New(httpapi.Options{Store: st}))
	t.Cleanup(srv.Close)
	writeFile(t, filepath.Join(dir, daemon.HTTPAddrFile), srv.Listener.Addr().String()+"\n")

	t.Run("stories", func(t *testing.T) { checkStoriesOutput(t, dir) })
	t.Run("dupes", func(t *testing.T) { checkDupesOutput(t, dir) })
	t.Run("--addr", func(t *testing.T) {
		out := mustRun(t, "stories", "--data", t.TempDir(), "--addr", srv.Listener.Addr().String(), "--topic", "tech")
		if !strings.Contains(out, orbit.Title) || !strings.HasSuffix(out, "1 stories\n") {
			t.Errorf("stories --addr:\n%s", out)
		}
	})
}

// TestDaemonAPIToken checks the commands send the configured token, and
// explain a 401 when they have none.
func TestDaemonAPIToken(t *testing.T) {
	t.Setenv("FEEDSIFT_HTTP_TOKEN", "") // the commands read it; the test needs it unset
	const token = "t0ken-for-the-test"
	dir := t.TempDir()
	st := fillStore(t, dir)
	srv := httptest.NewServer(httpapi.New(httpapi.Options{Store: st, Token: token}))
	t.Cleanup(srv.Close)
	writeFile(t, filepath.Join(dir, daemon.HTTPAddrFile), srv.Listener.Addr().String())
	withToken := filepath.Join(t.TempDir(), "feedsift.toml")
	writeFile(t, withToken, fmt.Sprintf("[http]\ntoken = %q\n", token))
	wrongToken := filepath.Join(t.TempDir(), "feedsift.toml")
	writeFile(t, wrongToken, "[http]\ntoken = \"nope\"\n")

	t.Run("no token", func(t *testing.T) {
		r := run(t, "stories", "--data", dir)
		if r.err == nil || !strings.Contains(r.err.Error(), "401") || !strings.Contains(r.err.Error(), "FEEDSIFT_HTTP_TOKEN") {
			t.Errorf("stories without a token: err %v, want a 401 explained", r.err)
		}
	})
	t.Run("wrong token", func(t *testing.T) {
		r := run(t, "dupes", "--data", dir, "--config", wrongToken)
		if r.err == nil || !strings.Contains(r.err.Error(), "401") {
			t.Errorf("dupes with a wrong token: err %v, want 401", r.err)
		}
	})
	t.Run("token from config", func(t *testing.T) {
		out := mustRun(t, "stories", "--data", dir, "--config", withToken)
		if !strings.Contains(out, ferry.Title) {
			t.Errorf("stories with the token:\n%s", out)
		}
	})
	t.Run("token from environment", func(t *testing.T) {
		t.Setenv("FEEDSIFT_HTTP_TOKEN", token)
		out := mustRun(t, "dupes", "--data", dir)
		if !strings.Contains(out, ferryCopy.URL) {
			t.Errorf("dupes with the token:\n%s", out)
		}
	})
}

// TestNoStore checks the commands explain what is missing when there is
// neither a daemon nor a store, and when the store is held by a daemon
// whose HTTP API cannot be reached.
func TestNoStore(t *testing.T) {
	t.Parallel()
	t.Run("nothing", func(t *testing.T) {
		dir := t.TempDir()
		r := run(t, "stories", "--data", dir)
		if r.err == nil {
			t.Fatal("stories succeeded without a store")
		}
		for _, w := range []string{filepath.Join(dir, daemon.StoreFile), "feedsift run"} {
			if !strings.Contains(r.err.Error(), w) {
				t.Errorf("error %q does not contain %q", r.err, w)
			}
		}
		if cli.ExitCode(r.err) != 1 {
			t.Errorf("ExitCode = %d, want 1", cli.ExitCode(r.err))
		}
	})
	t.Run("held store", func(t *testing.T) {
		dir := t.TempDir()
		fillStore(t, dir) // held open, and no http.addr
		r := run(t, "dupes", "--data", dir)
		if r.err == nil {
			t.Fatal("dupes succeeded on a store another handle holds")
		}
		if !strings.Contains(r.err.Error(), "--addr") {
			t.Errorf("error %q does not point at --addr", r.err)
		}
	})
}
