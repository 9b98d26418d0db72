package kvstate_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/feedsift/feedsift/internal/kvstate"
	"github.com/feedsift/feedsift/internal/statetest"
	"github.com/feedsift/feedsift/internal/story"
)

func open(t *testing.T, url string, opts kvstate.Options) *kvstate.Store {
	t.Helper()
	s, err := kvstate.Open(t.Context(), connect(t, url), opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return s
}

// sampleState is a state with every field set (statetest.Sample).
func sampleState(id string) story.FeedState { return statetest.Sample(id) }

func TestStore_PutGetRoundTrip(t *testing.T) {
	url := server(t)
	s := open(t, url, kvstate.Options{})
	other := open(t, url, kvstate.Options{}) // a second instance on its own connection

	ids := []string{
		"bbc-world",
		"example.com/news/rss.xml",
		"a b",
		"ünïcødé/フィード",
		"=3D",
		".", "*", ">", "a..b", "_-_",
		strings.Repeat("é", kvstate.MaxFeedIDLen/2),
	}
	for _, id := range ids {
		t.Run(id[:min(len(id), 20)], func(t *testing.T) {
			if _, found, err := s.FeedState(t.Context(), id); err != nil || found {
				t.Fatalf("FeedState before put = found %v, %v; want not found", found, err)
			}
			want := sampleState(id)
			if err := s.PutFeedState(t.Context(), want); err != nil {
				t.Fatalf("PutFeedState: %v", err)
			}
			got, found, err := other.Get(t.Context(), id)
			if err != nil || !found {
				t.Fatalf("Get from other instance = found %v, %v", found, err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("state (-want +got):\n%s", diff)
			}
		})
	}

	list, err := other.List(t.Context())
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	var gotIDs []string
	for _, st := range list {
		gotIDs = append(gotIDs, st.FeedID)
	}
	wantIDs := append([]string(nil), ids...)
	slices.Sort(wantIDs)
	if diff := cmp.Diff(wantIDs, gotIDs); diff != "" {
		t.Errorf("List ids (-want +got):\n%s", diff)
	}
}

func TestKey(t *testing.T) {
	tests := []struct {
		id, key string
	}{
		{"bbc-world", "bbc-world"},
		{"example.com/rss", "example=2Ecom=2Frss"},
		{"a=b", "a=3Db"},
		{"ü", "=C3=BC"},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			key, err := kvstate.Key(tt.id)
			if err != nil || key != tt.key {
				t.Fatalf("Key(%q) = %q, %v; want %q", tt.id, key, err, tt.key)
			}
			id, err := kvstate.FeedID(key)
			if err != nil || id != tt.id {
				t.Fatalf("FeedID(%q) = %q, %v; want %q", key, id, err, tt.id)
			}
		})
	}
	for _, key := range []string{"", "a.b", "=2e", "=41", "=4", "a=", "=ZZ", "a*", "=0A"} {
		t.Run("bad key "+key, func(t *testing.T) {
			if id, err := kvstate.FeedID(key); !errors.Is(err, kvstate.ErrInvalidFeedID) {
				t.Errorf("FeedID(%q) = %q, %v; want ErrInvalidFeedID", key, id, err)
			}
		})
	}
}

func FuzzKey(f *testing.F) {
	for _, s := range []string{"bbc", "example.com/rss", "=", "ü", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		key, err := kvstate.Key(id)
		if err != nil {
			if !errors.Is(err, kvstate.ErrInvalidFeedID) {
				t.Fatalf("Key(%q): unexpected error %v", id, err)
			}
			return
		}
		for i := 0; i < len(key); i++ {
			c := key[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '=') {
				t.Fatalf("Key(%q) = %q has byte %q", id, key, c)
			}
		}
		back, err := kvstate.FeedID(key)
		if err != nil || back != id {
			t.Fatalf("FeedID(Key(%q)) = %q, %v", id, back, err)
		}
	})
}

func TestStore_InvalidFeedIDs(t *testing.T) {
	s := open(t, server(t), kvstate.Options{})
	bad := map[string]string{
		"empty":        "",
		"newline":      "a\nb",
		"nul":          "a\x00b",
		"c1 control":   "a\u0085b",
		"invalid utf8": "a\xffb",
		"too long":     strings.Repeat("x", kvstate.MaxFeedIDLen+1),
	}
	for name, id := range bad {
		t.Run(name, func(t *testing.T) {
			if _, _, err := s.Get(t.Context(), id); !errors.Is(err, kvstate.ErrInvalidFeedID) {
				t.Errorf("Get: err = %v, want ErrInvalidFeedID", err)
			}
			if err := s.Put(t.Context(), story.FeedState{FeedID: id}); !errors.Is(err, kvstate.ErrInvalidFeedID) {
				t.Errorf("Put: err = %v, want ErrInvalidFeedID", err)
			}
			err := s.Update(t.Context(), id, func(old story.FeedState, _ bool) (story.FeedState, error) { return old, nil })
			if !errors.Is(err, kvstate.ErrInvalidFeedID) {
				t.Errorf("Update: err = %v, want ErrInvalidFeedID", err)
			}
		})
	}
}

func TestOpen_Options(t *testing.T) {
	url := server(t)
	js := connect(t, url)
	bad := map[string]kvstate.Options{
		"bucket with dot":   {Bucket: "a.b"},
		"bucket with space": {Bucket: "a b"},
		"replicas 6":        {Replicas: 6},
		"negative replicas": {Replicas: -1},
		"history 65":        {History: 65},
		"negative timeout":  {Timeout: -time.Second},
		"negative attempts": {UpdateAttempts: -1},
	}
	for name, opts := range bad {
		t.Run(name, func(t *testing.T) {
			if _, err := kvstate.Open(t.Context(), js, opts); !errors.Is(err, kvstate.ErrInvalidOption) {
				t.Errorf("Open(%+v) err = %v, want ErrInvalidOption", opts, err)
			}
		})
	}
	if _, err := kvstate.Open(t.Context(), nil, kvstate.Options{}); !errors.Is(err, kvstate.ErrInvalidOption) {
		t.Errorf("Open(nil js) err = %v, want ErrInvalidOption", err)
	}

	t.Run("reopen updates history", func(t *testing.T) {
		s := open(t, url, kvstate.Options{Bucket: "H"})
		if err := s.Put(t.Context(), sampleState("f")); err != nil {
			t.Fatal(err)
		}
		if _, err := kvstate.Open(t.Context(), js, kvstate.Options{Bucket: "H", History: 5}); err != nil {
			t.Fatalf("reopen with history 5: %v", err)
		}
		kv, err := js.KeyValue(t.Context(), "H")
		if err != nil {
			t.Fatal(err)
		}
		st, err := kv.Status(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if st.History() != 5 {
			t.Errorf("history = %d, want 5", st.History())
		}
		if _, found, err := s.Get(t.Context(), "f"); err != nil || !found {
			t.Errorf("state lost by reopen: found %v, %v", found, err)
		}
	})
}

func TestStore_Update(t *testing.T) {
	s := open(t, server(t), kvstate.Options{})
	ctx := t.Context()

	// Creates a missing key, with found false and FeedID filled in.
	err := s.Update(ctx, "f", func(old story.FeedState, found bool) (story.FeedState, error) {
		if found || old != (story.FeedState{}) {
			t.Errorf("first update saw found=%v old=%+v", found, old)
		}
		return story.FeedState{Failures: 1}, nil
	})
	if err != nil {
		t.Fatalf("Update (create): %v", err)
	}
	// Modifies an existing key.
	err = s.Update(ctx, "f", func(old story.FeedState, found bool) (story.FeedState, error) {
		if !found || old.Failures != 1 || old.FeedID != "f" {
			t.Errorf("second update saw found=%v old=%+v", found, old)
		}
		old.Failures++
		return old, nil
	})
	if err != nil {
		t.Fatalf("Update (modify): %v", err)
	}
	// An error from fn writes nothing.
	boom := errors.New("boom")
	err = s.Update(ctx, "f", func(old story.FeedState, _ bool) (story.FeedState, error) {
		old.Failures = 99
		return old, boom
	})
	if !errors.Is(err, boom) {
		t.Errorf("Update with failing fn: err = %v, want boom", err)
	}
	// A result for another feed is refused.
	err = s.Update(ctx, "f", func(old story.FeedState, _ bool) (story.FeedState, error) {
		old.FeedID = "g"
		return old, nil
	})
	if !errors.Is(err, kvstate.ErrInvalidFeedID) {
		t.Errorf("Update returning another feed: err = %v, want ErrInvalidFeedID", err)
	}
	got, _, err := s.Get(ctx, "f")
	if err != nil || got.Failures != 2 {
		t.Errorf("after updates: state %+v, %v; want Failures 2", got, err)
	}
	if _, found, _ := s.Get(ctx, "g"); found {
		t.Errorf("refused update wrote feed g")
	}
}

// TestStore_UpdateConcurrent has two instances (own connections) with
// several goroutines each increment one counter; every increment must
// survive.
func TestStore_UpdateConcurrent(t *testing.T) {
	url := server(t)
	stores := []*kvstate.Store{
		open(t, url, kvstate.Options{UpdateAttempts: 1000}),
		open(t, url, kvstate.Options{UpdateAttempts: 1000}),
	}
	const perWorker, workersPerStore = 20, 3
	var wg sync.WaitGroup
	errs := make(chan error, len(stores)*workersPerStore)
	for _, s := range stores {
		for range workersPerStore {
			wg.Go(func() {
				for range perWorker {
					err := s.Update(t.Context(), "counter", func(old story.FeedState, _ bool) (story.FeedState, error) {
						old.Failures++
						return old, nil
					})
					if err != nil {
						errs <- err
						return
					}
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("Update: %v", err)
	}
	got, _, err := stores[0].Get(t.Context(), "counter")
	if err != nil {
		t.Fatal(err)
	}
	if want := len(stores) * workersPerStore * perWorker; got.Failures != want {
		t.Errorf("counter = %d, want %d (lost updates)", got.Failures, want)
	}
}

func TestStore_UpdateConflictExhausted(t *testing.T) {
	url := server(t)
	s := open(t, url, kvstate.Options{UpdateAttempts: 3})
	rival := open(t, url, kvstate.Options{})
	calls := 0
	err := s.Update(t.Context(), "f", func(old story.FeedState, _ bool) (story.FeedState, error) {
		calls++
		// Another writer gets in between every read and write.
		if err := rival.Put(t.Context(), story.FeedState{FeedID: "f", Failures: calls}); err != nil {
			return old, err
		}
		old.LastError = "mine"
		return old, nil
	})
	if !errors.Is(err, kvstate.ErrConflict) {
		t.Fatalf("Update: err = %v, want ErrConflict", err)
	}
	if calls != 3 {
		t.Errorf("fn ran %d times, want 3", calls)
	}
	got, _, err := s.Get(t.Context(), "f")
	if err != nil || got.LastError != "" || got.Failures != 3 {
		t.Errorf("state = %+v, %v; want the rival's last write", got, err)
	}
}

func TestStore_DeletedAndForeignEntries(t *testing.T) {
	url := server(t)
	var logs logBuffer
	js := connect(t, url)
	s, err := kvstate.Open(t.Context(), js, kvstate.Options{Logger: logs.logger()})
	if err != nil {
		t.Fatal(err)
	}
	kv, err := js.KeyValue(t.Context(), kvstate.DefaultBucket)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	for _, id := range []string{"keep", "gone", "bad-json", "wrong-feed"} {
		if err := s.Put(ctx, sampleState(id)); err != nil {
			t.Fatal(err)
		}
	}
	if err := kv.Delete(ctx, "gone"); err != nil {
		t.Fatal(err)
	}
	if _, err := kv.Put(ctx, "bad-json", []byte("{not json")); err != nil {
		t.Fatal(err)
	}
	if _, err := kv.Put(ctx, "wrong-feed", []byte(`{"feed":"keep"}`)); err != nil {
		t.Fatal(err)
	}
	if _, err := kv.Put(ctx, "not.a.feed.key", []byte(`{}`)); err != nil {
		t.Fatal(err)
	}

	if _, found, err := s.Get(ctx, "gone"); err != nil || found {
		t.Errorf("Get(deleted) = found %v, %v; want not found", found, err)
	}
	for _, id := range []string{"bad-json", "wrong-feed"} {
		if _, _, err := s.Get(ctx, id); !errors.Is(err, kvstate.ErrInvalidValue) {
			t.Errorf("Get(%s) err = %v, want ErrInvalidValue", id, err)
		}
	}
	// Update of a deleted key recreates it.
	err = s.Update(ctx, "gone", func(old story.FeedState, found bool) (story.FeedState, error) {
		if found {
			t.Errorf("Update saw a deleted key as found")
		}
		return story.FeedState{Failures: 7}, nil
	})
	if err != nil {
		t.Fatalf("Update(deleted): %v", err)
	}

	list, err := s.List(ctx)
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	want := []story.FeedState{{FeedID: "gone", Failures: 7}, sampleState("keep")}
	if diff := cmp.Diff(want, list); diff != "" {
		t.Errorf("List (-want +got):\n%s", diff)
	}
	for _, line := range []string{"skipping bad value", "skipping foreign key"} {
		if !strings.Contains(logs.String(), line) {
			t.Errorf("log lacks %q:\n%s", line, logs.String())
		}
	}
}

func TestStore_ListEmpty(t *testing.T) {
	s := open(t, server(t), kvstate.Options{})
	list, err := s.List(t.Context())
	if err != nil || len(list) != 0 {
		t.Errorf("List on empty bucket = %v, %v; want empty", list, err)
	}
}

func TestStore_FeedStateTimeout(t *testing.T) {
	url := server(t)
	js := connect(t, url)
	s, err := kvstate.Open(t.Context(), js, kvstate.Options{Timeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	// Removing the bucket's stream underneath the store makes every call
	// fail; the context-free calls must fail rather than hang.
	if err := js.DeleteKeyValue(t.Context(), kvstate.DefaultBucket); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.FeedState(t.Context(), "f"); err == nil {
		t.Error("FeedState on a deleted bucket succeeded")
	}
	if err := s.PutFeedState(t.Context(), sampleState("f")); err == nil {
		t.Error("PutFeedState on a deleted bucket succeeded")
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, _, err := s.Get(ctx, "f"); !errors.Is(err, context.Canceled) {
		t.Errorf("Get with cancelled ctx: err = %v, want context.Canceled", err)
	}
}
