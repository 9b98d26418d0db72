package sink_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/feedsift/feedsift/sink"
)

func page(n int, feed string, at time.Time) sink.Page {
	return sink.Page{
		URL: fmt.Sprintf("https://site.example/a/%d", n), FetchURL: fmt.Sprintf("https://site.example/a/%d?amp=1", n),
		FeedID: feed, Title: fmt.Sprintf("Story %d", n), ContentType: "text/html; charset=iso-8859-1",
		Fetched: at, Body: []byte(fmt.Sprintf("<html><body><p>Caf\xe9 story %d %s</p></body></html>", n, strings.Repeat("text ", 50))),
	}
}

func pageURLs(t *testing.T, s *sink.Store, f sink.PageFilter) []string {
	t.Helper()
	var out []string
	if err := s.Pages(t.Context(), f, func(p sink.Page) error { out = append(out, p.URL); return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestPages(t *testing.T) {
	s := openStore(t, sink.StoreOptions{})
	t0 := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	for i, feed := range []string{"a", "b", "a"} {
		if err := s.SavePage(t.Context(), page(i, feed, t0.Add(time.Duration(i)*time.Minute))); err != nil {
			t.Fatal(err)
		}
	}
	got, ok, err := s.Page(page(1, "b", t0).URL)
	if err != nil || !ok {
		t.Fatalf("Page: %v, found %v", err, ok)
	}
	if diff := cmp.Diff(page(1, "b", t0.Add(time.Minute)), got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("page read back (-want +got):\n%s", diff)
	}
	if _, ok, err := s.Page("https://site.example/none"); ok || err != nil {
		t.Errorf("unknown page: found %v, err %v", ok, err)
	}

	all := []string{page(0, "", t0).URL, page(1, "", t0).URL, page(2, "", t0).URL}
	if diff := cmp.Diff(all, pageURLs(t, s, sink.PageFilter{})); diff != "" {
		t.Errorf("all pages, oldest first (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{all[0], all[2]}, pageURLs(t, s, sink.PageFilter{FeedID: "a"})); diff != "" {
		t.Errorf("feed a (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(all[1:], pageURLs(t, s, sink.PageFilter{Since: t0.Add(time.Minute)})); diff != "" {
		t.Errorf("since +1m (-want +got):\n%s", diff)
	}

	// A new fetch of a page replaces it and moves it to the end.
	if err := s.SavePage(t.Context(), page(0, "a", t0.Add(time.Hour))); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{all[1], all[2], all[0]}, pageURLs(t, s, sink.PageFilter{})); diff != "" {
		t.Errorf("after refetch (-want +got):\n%s", diff)
	}

	// Pages older than the retention go with the next save.
	if err := s.SavePage(t.Context(), page(9, "a", t0.Add(sink.PageRetention+30*time.Minute))); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{all[0], page(9, "", t0).URL}, pageURLs(t, s, sink.PageFilter{})); diff != "" {
		t.Errorf("after retention (-want +got):\n%s", diff)
	}

	if err := s.SavePage(t.Context(), sink.Page{URL: "https://site.example/big", Body: make([]byte, sink.MaxPageSize+1)}); !errors.Is(err, sink.ErrPageTooLarge) {
		t.Errorf("oversized page: %v, want ErrPageTooLarge", err)
	}
	if err := s.SavePage(t.Context(), sink.Page{}); !errors.Is(err, sink.ErrInvalidOption) {
		t.Errorf("page without URL: %v, want ErrInvalidOption", err)
	}
}

func TestPagesMaxCount(t *testing.T) {
	s := openStore(t, sink.StoreOptions{MaxPages: 3})
	t0 := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	for i := range 5 {
		if err := s.SavePage(t.Context(), page(i, "a", t0.Add(time.Duration(i)*time.Second))); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{page(2, "", t0).URL, page(3, "", t0).URL, page(4, "", t0).URL}
	if diff := cmp.Diff(want, pageURLs(t, s, sink.PageFilter{})); diff != "" {
		t.Errorf("kept pages (-want +got):\n%s", diff)
	}
	if n, err := s.CountPages(t.Context(), sink.PageFilter{}); n != 3 || err != nil {
		t.Errorf("CountPages = %d, %v; want 3", n, err)
	}
}

func TestIndexSnapshot(t *testing.T) {
	s := openStore(t, sink.StoreOptions{})
	if data, seq, err := s.LoadIndexSnapshot(); data != nil || seq != 0 || err != nil {
		t.Fatalf("empty store: %d bytes at seq %d, %v; want none", len(data), seq, err)
	}
	for i, want := range []struct {
		data string
		seq  uint64
	}{{"first", 7}, {"second snapshot", 42}} {
		if err := s.SaveIndexSnapshot([]byte(want.data), want.seq); err != nil {
			t.Fatal(err)
		}
		data, seq, err := s.LoadIndexSnapshot()
		if err != nil || string(data) != want.data || seq != want.seq {
			t.Errorf("save %d: read back %q at %d (%v), want %q at %d", i, data, seq, err, want.data, want.seq)
		}
	}
}
