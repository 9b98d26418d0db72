package sink

import (
	"bytes"
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
		damage func(t *testing.T, v []byte) []byte
	}{
		{"record cut short", func(_ *testing.T, v []byte) []byte { return v[:len(v)/2] }},
		{"gzip body cut short", func(t *testing.T, v []byte) []byte {
			var r pageRecord
			if err := json.Unmarshal(v, &r); err != nil {
				t.Fatal(err)
			}
			r.Gzip = r.Gzip[:len(r.Gzip)/2]
			out, err := json.Marshal(r)
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
			err = s.db.Update(func(tx *bolt.Tx) error {
				b := tx.Bucket([]byte(bucketPages))
				return b.Put([]byte(bad), tc.damage(t, bytes.Clone(b.Get([]byte(bad)))))
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
