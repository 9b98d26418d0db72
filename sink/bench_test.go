package sink_test

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/nats-io/nats.go"

	"github.com/feedsift/feedsift/internal/story"
	"github.com/feedsift/feedsift/sink"
)

// benchJetStream runs an embedded server and a publisher on an in-process
// connection.
func benchJetStream(b *testing.B) *sink.JetStream {
	b.Helper()
	emb, err := sink.StartEmbedded(b.Context(), sink.EmbeddedOptions{StoreDir: b.TempDir(), Port: -1})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(emb.Shutdown)
	nc, err := nats.Connect("", nats.InProcessServer(emb))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(nc.Close)
	j, err := sink.NewJetStream(b.Context(), nc, sink.JetStreamOptions{})
	if err != nil {
		b.Fatal(err)
	}
	return j
}

func payloadSize(b *testing.B, s story.Story) int64 {
	data, err := json.Marshal(s)
	if err != nil {
		b.Fatal(err)
	}
	return int64(len(data))
}

func BenchmarkPublish(b *testing.B) {
	b.Run("sync", func(b *testing.B) {
		j := benchJetStream(b)
		s := newStory(1, "world")
		b.SetBytes(payloadSize(b, s))
		b.ReportAllocs()
		n := 0
		for b.Loop() {
			n++
			s.ID = fmt.Sprintf("bench-%d", n)
			if _, dup, err := j.PublishStory(b.Context(), s); err != nil || dup {
				b.Fatalf("PublishStory: dup=%v err=%v", dup, err)
			}
		}
	})
	const batch = 100
	b.Run(fmt.Sprintf("async-batch-%d", batch), func(b *testing.B) {
		j := benchJetStream(b)
		stories := make([]story.Story, batch)
		for i := range stories {
			stories[i] = newStory(i, "world")
		}
		// One op is one story, so ns/op compares with the sync case.
		b.SetBytes(payloadSize(b, stories[0]))
		b.ReportAllocs()
		n := 0
		for b.Loop() {
			i := n % batch
			n++
			stories[i].ID = fmt.Sprintf("bench-%d", n)
			if i == batch-1 {
				if _, err := j.PublishStories(b.Context(), stories); err != nil {
					b.Fatalf("PublishStories: %v", err)
				}
			}
		}
		if rest := n % batch; rest != 0 {
			if _, err := j.PublishStories(b.Context(), stories[:rest]); err != nil {
				b.Fatalf("PublishStories: %v", err)
			}
		}
	})
}

func BenchmarkPutEvent(b *testing.B) {
	// Writers per GOMAXPROCS: Batch pays off only once enough writers
	// wait at the same time; a lone batch waits MaxBatchDelay (10ms).
	for _, mode := range []struct {
		name    string
		batch   bool
		writers int
	}{
		{"update/writers=4xP", false, 4}, {"batch/writers=4xP", true, 4},
		{"update/writers=64xP", false, 64}, {"batch/writers=64xP", true, 64},
	} {
		b.Run(mode.name, func(b *testing.B) {
			st, err := sink.OpenStore(filepath.Join(b.TempDir(), "bench.db"), sink.StoreOptions{Batch: mode.batch})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { st.Close() })
			base := newStory(1, "world")
			b.SetBytes(payloadSize(b, base))
			b.ReportAllocs()
			var seq atomic.Uint64
			b.SetParallelism(mode.writers)
			b.RunParallel(func(pb *testing.PB) {
				s := base
				for pb.Next() {
					n := seq.Add(1)
					s.ID = fmt.Sprintf("bench-%d", n)
					if err := st.PutEvent(sink.Event{Seq: n, Story: &s}); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
