package sink

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/feedsift/feedsift/internal/story"
)

// mappedRSS returns the resident bytes of this process's mappings of the
// file at path (/proc/self/smaps).
func mappedRSS(t *testing.T, path string) int64 {
	t.Helper()
	data, err := os.ReadFile("/proc/self/smaps")
	if err != nil {
		t.Fatalf("read smaps: %v", err)
	}
	var total int64
	inFile := false
	for line := range strings.SplitSeq(string(data), "\n") {
		fields := strings.Fields(line)
		switch {
		case len(fields) >= 5 && strings.Contains(fields[0], "-") && !strings.HasSuffix(fields[0], ":"):
			inFile = len(fields) >= 6 && fields[5] == path
		case inFile && len(fields) == 3 && fields[0] == "Rss:":
			kb, err := strconv.ParseInt(fields[1], 10, 64)
			if err != nil {
				t.Fatalf("smaps line %q: %v", line, err)
			}
			total += kb << 10
		}
	}
	return total
}

// openReleasingStore opens a store at path, closed when t ends, that
// gives its mapped pages back after every write.
func openReleasingStore(t *testing.T, path string) *Store {
	t.Helper()
	s, err := OpenStore(path, StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	s.releaseEvery = 0
	return s
}

// TestReleaseDropsMappedPages: once a read has brought the store file's
// pages into the process's mapping, release takes them out of its
// resident memory, and the next read still sees the same data.
func TestReleaseDropsMappedPages(t *testing.T) {
	path := filepath.Join(t.TempDir(), "store.db")
	s := openReleasingStore(t, path)
	want := make([]byte, 8<<20)
	for i := range want {
		want[i] = byte(rand.Uint32())
	}
	if err := s.SaveIndexSnapshot(want, 7); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.LoadIndexSnapshot(); err != nil {
		t.Fatal(err)
	}
	if got := mappedRSS(t, path); got < int64(len(want)) {
		t.Fatalf("after a read of %d bytes, the store's mapping has %d bytes resident; want at least as many", len(want), got)
	}
	s.release()
	if got := mappedRSS(t, path); got > 1<<20 {
		t.Errorf("after release, the store's mapping has %d bytes resident; want under 1 MiB", got)
	}
	got, seq, err := s.LoadIndexSnapshot()
	if err != nil {
		t.Fatal(err)
	}
	if seq != 7 || !bytes.Equal(got, want) {
		t.Errorf("LoadIndexSnapshot after release = %d bytes, seq %d; want the %d bytes saved, seq 7", len(got), seq, len(want))
	}
}

// TestReleaseUnderLoad: with a release after every write, concurrent
// writers and readers (in batches, one at a time, and with bbolt growing
// and remapping the file) lose nothing and read nothing wrong.
func TestReleaseUnderLoad(t *testing.T) {
	s := openReleasingStore(t, filepath.Join(t.TempDir(), "store.db"))
	const writers, perWriter = 4, 50
	body := strings.Repeat("words of a story that the store keeps ", 100)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, writers*2)
	for w := range writers {
		wg.Go(func() {
			for i := range perWriter {
				id := fmt.Sprintf("s%d-%d", w, i)
				st := story.Story{ID: id, Topic: "news", Title: id, Text: body + id}
				invalid, err := s.PutEvents([]Event{{Story: &st, Seq: uint64(w*perWriter + i + 1)}})
				if err == nil && len(invalid) > 0 {
					err = invalid[0]
				}
				if err != nil {
					errs <- err
					return
				}
				if err := s.PutFeedState(ctx, story.FeedState{FeedID: id}); err != nil {
					errs <- err
					return
				}
			}
		})
		wg.Go(func() {
			for i := range perWriter {
				id := fmt.Sprintf("s%d-%d", w, i)
				if _, _, err := s.Story(ctx, id); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for w := range writers {
		for i := range perWriter {
			id := fmt.Sprintf("s%d-%d", w, i)
			got, ok, err := s.Story(ctx, id)
			if err != nil || !ok || got.Text != body+id {
				t.Fatalf("Story(%s) = %d bytes of text, found %t, error %v; want the text written", id, len(got.Text), ok, err)
			}
			if _, ok, err := s.FeedState(ctx, id); err != nil || !ok {
				t.Fatalf("FeedState(%s) found %t, error %v; want it found", id, ok, err)
			}
		}
	}
}
