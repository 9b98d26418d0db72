package sink

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

func segmentPage(i int, at time.Time) Page {
	u := fmt.Sprintf("https://example.org/story-%d", i)
	return Page{URL: u, FetchURL: u, FeedID: "f", Title: fmt.Sprintf("Story %d", i), ContentType: "text/html", Fetched: at,
		Body: []byte(fmt.Sprintf("<html><body><p>Story %d. %s</p></body></html>", i, strings.Repeat("The ferry timetable changes at the new pier. ", 30)))}
}

// segments lists the segment files of the store at path.
func segments(t *testing.T, path string) []string {
	t.Helper()
	entries, err := os.ReadDir(PageDir(path))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if _, ok := segmentNumber(e.Name()); ok {
			out = append(out, e.Name())
		}
	}
	return out
}

// TestPageSegments: a kept page's body is in a segment file, not in the
// bbolt file (whose record holds the metadata and where the body is);
// pages read back after the store is reopened; and once MaxPages drops
// the pages of a segment, the segment goes, so the files on disk stay
// bounded by the pages kept.
func TestPageSegments(t *testing.T) {
	path := filepath.Join(t.TempDir(), "feedsift.db")
	s, err := OpenStore(path, StoreOptions{MaxPages: 4})
	if err != nil {
		t.Fatal(err)
	}
	s.pages.segSize = 2 << 10 // about two pages a segment
	at := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	const saved = 20
	for i := range saved {
		if err := s.SavePage(t.Context(), segmentPage(i, at.Add(time.Duration(i)*time.Minute))); err != nil {
			t.Fatal(err)
		}
	}
	var rec []byte
	if err := s.db.View(func(tx *bolt.Tx) error {
		rec = bytes.Clone(tx.Bucket([]byte(bucketPages)).Get([]byte(segmentPage(saved-1, at).URL)))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(rec) == 0 || rec[0] != pageFormatRef || bytes.Contains(rec, []byte("ferry timetable")) {
		t.Errorf("bbolt record %q: want a body reference without the body", rec)
	}
	if segs := segments(t, path); len(segs) > 4 || len(segs) == 0 {
		t.Errorf("segments on disk after %d saves with 4 pages kept: %v, want at most 4", saved, segs)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s, err = OpenStore(path, StoreOptions{MaxPages: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	var got []string
	if err := s.Pages(t.Context(), PageFilter{}, func(p Page) error {
		if want := segmentPage(0, at).Body; !bytes.Contains(p.Body, want[len(want)-100:]) {
			t.Errorf("page %s: body %q", p.URL, p.Body)
		}
		got = append(got, p.URL)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	var want []string
	for i := saved - 4; i < saved; i++ {
		want = append(want, segmentPage(i, at).URL)
	}
	if !slices.Equal(got, want) {
		t.Errorf("pages after reopening: %v, want %v", got, want)
	}
	// The counts name only segments on disk, and add up to the pages.
	total := 0
	if err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte(bucketPageSegs)).ForEach(func(k, v []byte) error {
			seg := binary.BigEndian.Uint64(k)
			if _, err := os.Stat(s.pages.segPath(seg)); err != nil {
				t.Errorf("segment %d counted but: %v", seg, err)
			}
			total += int(binary.BigEndian.Uint64(v))
			return nil
		})
	}); err != nil {
		t.Fatal(err)
	}
	if total != 4 {
		t.Errorf("segment counts add up to %d, want the 4 pages kept", total)
	}
}

// TestPageSegmentTornTail: a crash can leave the index naming a body
// whose bytes never all reached the segment. That page fails with
// ErrCorruptPage and Pages skips it with a warning; the other pages read,
// and pages saved after it append and read back.
func TestPageSegmentTornTail(t *testing.T) {
	path := filepath.Join(t.TempDir(), "feedsift.db")
	s, err := OpenStore(path, StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	for i := range 3 {
		if err := s.SavePage(t.Context(), segmentPage(i, at.Add(time.Duration(i)*time.Minute))); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	segs := segments(t, path)
	if len(segs) != 1 {
		t.Fatalf("segments %v, want one", segs)
	}
	seg := filepath.Join(PageDir(path), segs[0])
	fi, err := os.Stat(seg)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(seg, fi.Size()-10); err != nil {
		t.Fatal(err)
	}

	var logs bytes.Buffer
	s, err = OpenStore(path, StoreOptions{Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	torn := segmentPage(2, at).URL
	if _, _, err := s.Page(torn); !errors.Is(err, ErrCorruptPage) || !strings.Contains(err.Error(), torn) {
		t.Errorf("Page(%s) = %v, want ErrCorruptPage naming the URL", torn, err)
	}
	if err := s.SavePage(t.Context(), segmentPage(3, at.Add(time.Hour))); err != nil {
		t.Fatal(err)
	}
	var got []string
	if err := s.Pages(t.Context(), PageFilter{}, func(p Page) error {
		if !bytes.Equal(p.Body, segmentPage(0, at).Body) && !bytes.Contains(p.Body, []byte("Story 3.")) && !bytes.Contains(p.Body, []byte("Story 1.")) {
			t.Errorf("page %s: body %q", p.URL, p.Body)
		}
		got = append(got, p.URL)
		return nil
	}); err != nil {
		t.Fatalf("Pages = %v, want the torn page skipped", err)
	}
	want := []string{segmentPage(0, at).URL, segmentPage(1, at).URL, segmentPage(3, at).URL}
	if !slices.Equal(got, want) {
		t.Errorf("Pages gave %v, want %v", got, want)
	}
	if !strings.Contains(logs.String(), `"msg":"sink: stored page unreadable, skipped"`) || !strings.Contains(logs.String(), torn) {
		t.Errorf("no warning naming the torn page; log:\n%s", logs.String())
	}
}
