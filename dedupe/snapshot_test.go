package dedupe_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/feedsift/feedsift/dedupe"
	"github.com/google/go-cmp/cmp"
)

func snapshotIndex(t testing.TB) (*dedupe.Index, []string) {
	t.Helper()
	ix := newIndex(t, dedupe.Options{})
	var texts []string
	for i := range 20 {
		txt := genText(uint64(700+i), 5)
		texts = append(texts, txt)
		ix.Add(dedupe.Entry{StoryID: fmt.Sprint("s", i), Keys: []string{fmt.Sprint("guid:f:", i), fmt.Sprint("url:https://example.com/", i)},
			Text: txt, Time: t0.Add(time1(i))})
	}
	// A member with text of its own, and a removed story.
	ix.Add(dedupe.Entry{StoryID: "s3", Keys: []string{"guid:g:3"}, Text: "Wire copy\n\n" + texts[3], Time: t0})
	ix.Remove("s7")
	return ix, texts
}

func TestSnapshotRoundTrip(t *testing.T) {
	ix, texts := snapshotIndex(t)
	var buf bytes.Buffer
	n, err := ix.WriteTo(&buf)
	if err != nil || n != int64(buf.Len()) {
		t.Fatalf("WriteTo = %d, %v; buffer holds %d", n, err, buf.Len())
	}
	snap := bytes.Clone(buf.Bytes())
	got, err := dedupe.ReadIndex(&buf, dedupe.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got.Len() != ix.Len() || got.Len() != 19 {
		t.Errorf("Len after restore %d, before %d, want 19", got.Len(), ix.Len())
	}
	queries := append([]string{"Wire copy\n\n" + texts[3], genText(999, 5)}, texts...)
	for i, q := range queries {
		if diff := cmp.Diff(ix.Match(q), got.Match(q)); diff != "" {
			t.Errorf("query %d: Match differs after restore (-before +after):\n%s", i, diff)
		}
	}
	for _, k := range []string{"guid:f:2", "guid:g:3", "url:https://example.com/7", "guid:f:19"} {
		a1, b1, ok1 := ix.Seen([]string{k})
		a2, b2, ok2 := got.Seen([]string{k})
		if a1 != a2 || b1 != b2 || ok1 != ok2 {
			t.Errorf("Seen(%q) = %q %q %v before, %q %q %v after", k, a1, b1, ok1, a2, b2, ok2)
		}
	}
	// Times survive: evicting at the same moment removes the same count.
	if a, b := ix.Evict(t0.Add(dedupe.DefaultWindow+time1(10))), got.Evict(t0.Add(dedupe.DefaultWindow+time1(10))); a != b || a == 0 {
		t.Errorf("Evict removed %d before, %d after restore", a, b)
	}
	var again bytes.Buffer
	if _, err := got.WriteTo(&again); err != nil {
		t.Fatal(err)
	}
	if len(again.Bytes()) == 0 || len(snap) == 0 {
		t.Fatal("empty snapshot")
	}
}

func TestReadIndexErrors(t *testing.T) {
	ix, _ := snapshotIndex(t)
	var buf bytes.Buffer
	if _, err := ix.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	flip := bytes.Clone(good)
	flip[len(flip)/2] ^= 0x40
	version := bytes.Clone(good)
	version[7] = 9
	tests := []struct {
		name string
		data []byte
		opts dedupe.Options
	}{
		{"empty", nil, dedupe.Options{}},
		{"not a snapshot", []byte("hello, this is not an index snapshot"), dedupe.Options{}},
		{"truncated", good[:len(good)-9], dedupe.Options{}},
		{"bit flipped", flip, dedupe.Options{}},
		{"other version", version, dedupe.Options{}},
		{"other sample", good, dedupe.Options{Sample: 8}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := dedupe.ReadIndex(bytes.NewReader(tc.data), tc.opts)
			if !errors.Is(err, dedupe.ErrSnapshot) || !strings.HasPrefix(err.Error(), "dedupe: ") {
				t.Errorf("ReadIndex = %v, want ErrSnapshot", err)
			}
		})
	}
}

func FuzzReadIndex(f *testing.F) {
	ix, _ := snapshotIndex(f)
	var buf bytes.Buffer
	if _, err := ix.WriteTo(&buf); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte("FSDEDUP\x01\x05\x04\x04\x01"))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := dedupe.ReadIndex(bytes.NewReader(data), dedupe.Options{})
		if err != nil {
			if !errors.Is(err, dedupe.ErrSnapshot) {
				t.Fatalf("error %v is not ErrSnapshot", err)
			}
			return
		}
		// A snapshot that reads must work as an index.
		got.Match(genText(1, 2))
		got.Add(dedupe.Entry{StoryID: "fuzz", Text: genText(2, 2), Time: t0})
		if got.Len() < 1 {
			t.Fatalf("Len %d after Add", got.Len())
		}
	})
}
