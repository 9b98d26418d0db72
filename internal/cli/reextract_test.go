package cli_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/feedsift/feedsift/internal/httpapi"
	"github.com/feedsift/feedsift/internal/pipeline"
)

// pagesRun stands in for the pipeline behind the daemon's API: it reports
// progress for n pages and records what it was asked. The pipeline's own
// Reextract is tested in internal/pipeline against NATS and bbolt; this
// test is about the API's stream of lines and the command that reads it.
type pagesRun struct {
	n    int
	fail string
	got  pipeline.ReextractFilter
}

func (r *pagesRun) Reextract(_ context.Context, f pipeline.ReextractFilter, progress func(pipeline.ReextractProgress)) (pipeline.ReextractProgress, error) {
	r.got = f
	p := pipeline.ReextractProgress{Total: r.n}
	for range r.n {
		p.Done++
		p.Updated++
		progress(p)
	}
	if r.fail != "" {
		return p, pipeline.ErrNoPages
	}
	return p, nil
}

func TestReextractCommand(t *testing.T) {
	pr := &pagesRun{n: 3}
	srv := httptest.NewServer(httpapi.New(httpapi.Options{Reextract: pr}))
	t.Cleanup(srv.Close)
	addr := strings.TrimPrefix(srv.URL, "http://")
	dir := t.TempDir()

	r := run(t, "reextract", "--data", dir, "--addr", addr, "--feed", "wire", "--since", "2026-03-01", "--dry-run")
	if r.err != nil {
		t.Fatalf("reextract: %v\n%s", r.err, r.stderr)
	}
	if want := "dry run: 3 pages: 3 stories updated, 0 copies split out, 0 unchanged, 0 skipped (story aged out), 0 failed\n"; r.stdout != want {
		t.Errorf("stdout %q, want %q", r.stdout, want)
	}
	if !strings.Contains(r.stderr, "reextract: 3/3 pages, 3 updated") {
		t.Errorf("no plain progress line on a non-terminal stderr:\n%s", r.stderr)
	}
	if pr.got.FeedID != "wire" || !pr.got.DryRun || pr.got.Since.IsZero() {
		t.Errorf("daemon asked for %+v, want feed wire, dry run, a since time", pr.got)
	}

	js := run(t, "reextract", "--data", dir, "--addr", addr, "--json")
	var got pipeline.ReextractProgress
	if err := json.Unmarshal([]byte(js.stdout), &got); err != nil || got.Done != 3 || got.Updated != 3 {
		t.Errorf("--json printed %q (%v), want the final counts", js.stdout, err)
	}

	pr.fail = "x"
	if r := run(t, "reextract", "--data", dir, "--addr", addr); r.err == nil || !strings.Contains(r.err.Error(), "no page store") {
		t.Errorf("a failing run: err %v, want the daemon's reason", r.err)
	}
	if r := run(t, "reextract", "--data", dir, "--addr", addr, "--since", "not-a-time"); r.err == nil || !strings.Contains(r.err.Error(), "400") {
		t.Errorf("bad --since: err %v, want the daemon's 400", r.err)
	}
	if r := run(t, "reextract", "--data", dir); r.err == nil || !strings.Contains(r.err.Error(), "needs the running daemon") {
		t.Errorf("no daemon: err %v", r.err)
	}
}
