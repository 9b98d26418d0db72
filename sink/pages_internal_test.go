package sink

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// TestPagesSkipCorrupt: a stored page whose record or gzipped body was
// cut short or damaged (a crash on a file system that does not order
// writes, a bad sector) fails Page with ErrCorruptPage, and Pages skips
// it with a warning naming it and goes on with the others.
func TestPagesSkipCorrupt(t *testing.T) {
	for _, tc := range []struct {
		name   string
		damage func(t *testing.T, p Page, v []byte) []byte
	}{
		{"record cut short", func(_ *testing.T, _ Page, v []byte) []byte { return v[:len(v)/2] }},
		{"metadata length past the record", func(_ *testing.T, _ Page, v []byte) []byte {
			return append([]byte{pageFormatS2}, binary.AppendUvarint(nil, uint64(len(v)))...)
		}},
		{"body reference cut short", func(_ *testing.T, _ Page, v []byte) []byte { return v[:3] }},
		{"legacy record with its gzip body cut short", func(t *testing.T, p Page, _ []byte) []byte {
			rec := legacyRecord(t, p)
			rec.Gzip = rec.Gzip[:len(rec.Gzip)/2]
			out, err := json.Marshal(rec)
			if err != nil {
				t.Fatal(err)
			}
			return out
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var logs bytes.Buffer
			s, err := OpenStore(filepath.Join(t.TempDir(), "feedsift.db"), StoreOptions{
				Logger: slog.New(slog.NewJSONHandler(&logs, nil)),
			})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = s.Close() })
			at := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
			body := []byte("<html><body><p>" + strings.Repeat("The harbour tide gauge moved to the new pier. ", 40) + "</p></body></html>")
			for i, u := range []string{"https://example.org/a", "https://example.org/b", "https://example.org/c"} {
				if err := s.SavePage(t.Context(), Page{URL: u, FetchURL: u, FeedID: "f", Fetched: at.Add(time.Duration(i) * time.Minute), Body: body}); err != nil {
					t.Fatal(err)
				}
			}
			const bad = "https://example.org/b"
			p, _, err := s.Page(bad)
			if err != nil {
				t.Fatal(err)
			}
			var v []byte
			if err := s.db.View(func(tx *bolt.Tx) error {
				v = bytes.Clone(tx.Bucket([]byte(bucketPages)).Get([]byte(bad)))
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			damaged := tc.damage(t, p, v)
			err = s.db.Update(func(tx *bolt.Tx) error {
				return tx.Bucket([]byte(bucketPages)).Put([]byte(bad), damaged)
			})
			if err != nil {
				t.Fatal(err)
			}

			if _, _, err := s.Page(bad); !errors.Is(err, ErrCorruptPage) || !strings.Contains(err.Error(), bad) {
				t.Errorf("Page(%s) = %v, want ErrCorruptPage naming the URL", bad, err)
			}
			var got []string
			if err := s.Pages(t.Context(), PageFilter{}, func(p Page) error {
				if !bytes.Equal(p.Body, body) {
					t.Errorf("page %s body differs", p.URL)
				}
				got = append(got, p.URL)
				return nil
			}); err != nil {
				t.Fatalf("Pages = %v, want the damaged page skipped", err)
			}
			if strings.Join(got, " ") != "https://example.org/a https://example.org/c" {
				t.Errorf("Pages gave %v, want a and c", got)
			}
			if !strings.Contains(logs.String(), `"msg":"sink: stored page unreadable, skipped"`) || !strings.Contains(logs.String(), bad) {
				t.Errorf("no warning naming the damaged page; log:\n%s", logs.String())
			}
		})
	}
}

// legacyRecord is p as stores before the S2 format kept it.
func legacyRecord(t testing.TB, p Page) legacyPageRecord {
	t.Helper()
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	if _, err := zw.Write(p.Body); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return legacyPageRecord{Page: p, Gzip: gz.Bytes()}
}

// TestLegacyPageRecord: a page stored by an earlier version (JSON with a
// gzipped body) is still read, and saving the page again replaces it.
func TestLegacyPageRecord(t *testing.T) {
	s, err := OpenStore(filepath.Join(t.TempDir(), "feedsift.db"), StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	at := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	p := Page{URL: "https://example.org/a", FetchURL: "https://example.org/a?x=1", FeedID: "f", Title: "A", Fetched: at,
		ContentType: "text/html", Body: []byte("<p>" + strings.Repeat("Tide tables for the new pier. ", 50) + "</p>")}
	// Save it once the current way (bucket, index and count), then put
	// the legacy record in its place.
	if err := s.SavePage(t.Context(), p); err != nil {
		t.Fatal(err)
	}
	legacy, err := json.Marshal(legacyRecord(t, p))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.db.Update(func(tx *bolt.Tx) error { return tx.Bucket([]byte(bucketPages)).Put([]byte(p.URL), legacy) }); err != nil {
		t.Fatal(err)
	}
	got, found, err := s.Page(p.URL)
	if err != nil || !found || !bytes.Equal(got.Body, p.Body) || got.FetchURL != p.FetchURL || !got.Fetched.Equal(at) {
		t.Fatalf("legacy record read as %+v, found %v, %v; want the page", got, found, err)
	}
	p.Fetched = at.Add(time.Hour)
	if err := s.SavePage(t.Context(), p); err != nil {
		t.Fatal(err)
	}
	n, err := s.CountPages(t.Context(), PageFilter{})
	if err != nil || n != 1 {
		t.Errorf("after saving over the legacy record: %d pages (%v), want 1", n, err)
	}
	got, _, err = s.Page(p.URL)
	if err != nil || !got.Fetched.Equal(p.Fetched) || !bytes.Equal(got.Body, p.Body) {
		t.Errorf("page after saving again: fetched %v, %v; want %v", got.Fetched, err, p.Fetched)
	}
}
