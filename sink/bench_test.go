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

// BenchmarkPublish compares a plain publish (the baseline) with the
// conditional publish every decision of a clustered ledger makes
// (Nats-Expected-Last-Sequence), to show what the exactly-once condition
// costs.
func BenchmarkPublish(b *testing.B) {
	for _, conditional := range []bool{false, true} {
		name := "plain"
		if conditional {
			name = "expect-last-seq"
		}
		b.Run(name, func(b *testing.B) {
			j := benchJetStream(b)
			s := newStory(1, "world")
			b.SetBytes(payloadSize(b, s))
			b.ReportAllocs()
			var last uint64
			for b.Loop() {
				s.ID = fmt.Sprintf("bench-%d", last+1)
				o := sink.PublishOptions{ExpectLastSeq: last, CheckLastSeq: conditional}
				seq, dup, err := j.Publish(b.Context(), sink.StoryEvent(s), o)
				if err != nil || dup {
					b.Fatalf("Publish: dup=%v err=%v", dup, err)
				}
				last = seq
			}
		})
	}
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

// BenchmarkPutEvents compares the stream consumer's batched writes (one
// transaction, and one fsync, per batch of up to 128 events) with one
// transaction per event, the way it wrote before (the baseline). One op is
// one event.
func BenchmarkPutEvents(b *testing.B) {
	for _, batch := range []int{1, 128} {
		name := fmt.Sprintf("batch=%d", batch)
		if batch == 1 {
			name = "per-event (baseline)"
		}
		b.Run(name, func(b *testing.B) {
			st, err := sink.OpenStore(filepath.Join(b.TempDir(), "bench.db"), sink.StoreOptions{})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { st.Close() })
			base := newStory(1, "world")
			b.SetBytes(payloadSize(b, base))
			b.ReportAllocs()
			var seq uint64
			evs := make([]sink.Event, 0, batch)
			flush := func() {
				if _, err := st.PutEvents(evs); err != nil {
					b.Fatal(err)
				}
				evs = evs[:0]
			}
			for b.Loop() {
				seq++
				s := base
				s.ID = fmt.Sprintf("bench-%d", seq)
				evs = append(evs, sink.Event{Seq: seq, Story: &s})
				if len(evs) == batch {
					flush()
				}
			}
			if len(evs) > 0 {
				flush()
			}
		})
	}
}
