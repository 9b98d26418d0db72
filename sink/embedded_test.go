package sink_test

import (
	"context"
	"errors"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/feedsift/feedsift/internal/testwait"
	"github.com/feedsift/feedsift/sink"
)

func startEmbedded(t *testing.T, opts sink.EmbeddedOptions) *sink.Embedded {
	t.Helper()
	e, err := sink.StartEmbedded(t.Context(), opts)
	if err != nil {
		t.Fatalf("StartEmbedded: %v", err)
	}
	return e
}

func TestStartEmbedded(t *testing.T) {
	emb := startEmbedded(t, sink.EmbeddedOptions{StoreDir: t.TempDir(), Port: -1})
	defer emb.Shutdown()
	u, err := url.Parse(emb.ClientURL())
	if err != nil || u.Hostname() != "127.0.0.1" || u.Port() == "4222" || u.Port() == "" {
		t.Errorf("ClientURL() = %q, want 127.0.0.1 on a random port", emb.ClientURL())
	}
	nc, err := sink.Connect(t.Context(), sink.ConnOptions{URL: emb.ClientURL(), Name: "test"})
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	defer nc.Close()
	j, err := sink.NewJetStream(t.Context(), nc, sink.JetStreamOptions{})
	if err != nil {
		t.Fatalf("NewJetStream: %v", err)
	}
	seq, dup, err := j.Publish(t.Context(), sink.StoryEvent(newStory(1, "world")), sink.PublishOptions{})
	if err != nil || dup || seq != 1 {
		t.Errorf("Publish(story) = (%d, %v, %v), want (1, false, nil)", seq, dup, err)
	}

	// In-process connections need no socket.
	inproc, err := nats.Connect("", nats.InProcessServer(emb))
	if err != nil {
		t.Fatalf("in-process connect: %v", err)
	}
	defer inproc.Close()
	if !inproc.IsConnected() {
		t.Error("in-process connection not connected")
	}
}

func TestStartEmbedded_InvalidOptions(t *testing.T) {
	for _, opts := range []sink.EmbeddedOptions{
		{},
		{StoreDir: t.TempDir(), Port: -2},
		{StoreDir: t.TempDir(), Port: 70000},
	} {
		if _, err := sink.StartEmbedded(t.Context(), opts); !errors.Is(err, sink.ErrInvalidOption) {
			t.Errorf("StartEmbedded(%+v) = %v, want ErrInvalidOption", opts, err)
		}
	}
}

func TestStartEmbedded_PortInUse(t *testing.T) {
	first := startEmbedded(t, sink.EmbeddedOptions{StoreDir: t.TempDir(), Port: -1})
	defer first.Shutdown()
	port, _ := strconv.Atoi(strings.TrimPrefix(first.ClientURL()[strings.LastIndex(first.ClientURL(), ":"):], ":"))
	ctx, cancel := context.WithTimeout(t.Context(), time.Second)
	defer cancel()
	second, err := sink.StartEmbedded(ctx, sink.EmbeddedOptions{StoreDir: t.TempDir(), Port: port})
	if err == nil {
		second.Shutdown()
		t.Fatalf("second server on port %d started", port)
	}
	if !errors.Is(err, sink.ErrServerStart) {
		t.Errorf("StartEmbedded on a used port = %v, want ErrServerStart", err)
	}
}

func TestConnect_InvalidOptions(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts sink.ConnOptions
	}{
		{"two auth methods", sink.ConnOptions{User: "u", Password: "p", Token: "t"}},
		{"cert without key", sink.ConnOptions{TLSCert: "c.pem"}},
		{"missing nkey seed", sink.ConnOptions{NKeySeedFile: "/nonexistent/seed.nk"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := sink.Connect(t.Context(), tc.opts); !errors.Is(err, sink.ErrInvalidOption) {
				t.Errorf("Connect = %v, want ErrInvalidOption", err)
			}
		})
	}
}

func TestConnect_UnreachableUntilContextEnds(t *testing.T) {
	// Start and stop a server to get a port that nobody listens on.
	emb := startEmbedded(t, sink.EmbeddedOptions{StoreDir: t.TempDir(), Port: -1})
	addr := emb.ClientURL()
	emb.Shutdown()

	var logs strings.Builder
	log := slog.New(slog.NewTextHandler(&logs, nil))
	ctx, cancel := context.WithTimeout(t.Context(), 500*time.Millisecond)
	defer cancel()
	u := strings.Replace(addr, "nats://", "nats://alice:s3cret@", 1)
	nc, err := sink.Connect(ctx, sink.ConnOptions{URL: u, Logger: log})
	if err == nil {
		nc.Close()
		t.Fatal("Connect to a stopped server succeeded")
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Connect = %v, want it to wrap context.DeadlineExceeded", err)
	}
	if strings.Contains(err.Error(), "s3cret") || strings.Contains(logs.String(), "s3cret") {
		t.Errorf("password leaked: error %q, logs %q", err, logs.String())
	}
	if !strings.Contains(logs.String(), "retrying") {
		t.Errorf("logs do not mention the retry: %q", logs.String())
	}
}

// TestConsume_SurvivesServerRestart stops the embedded server under a
// running consumer and starts it again on the same port and storage.
func TestConsume_SurvivesServerRestart(t *testing.T) {
	dir := t.TempDir()
	emb := startEmbedded(t, sink.EmbeddedOptions{StoreDir: dir, Port: -1})
	clientURL := emb.ClientURL()
	port, err := strconv.Atoi(clientURL[strings.LastIndex(clientURL, ":")+1:])
	if err != nil {
		t.Fatal(err)
	}
	nc, err := sink.Connect(t.Context(), sink.ConnOptions{URL: clientURL})
	if err != nil {
		t.Fatal(err)
	}
	j, err := sink.NewJetStream(t.Context(), nc, sink.JetStreamOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s := openStore(t, sink.StoreOptions{})
	stop := runConsume(t, s, j, "")
	seq, _, err := j.Publish(t.Context(), sink.StoryEvent(newStory(1, "world")), sink.PublishOptions{})
	if err != nil {
		t.Fatal(err)
	}
	waitSeq(t, s, seq)

	emb.Shutdown()
	emb = startEmbedded(t, sink.EmbeddedOptions{StoreDir: dir, Port: port})
	defer func() {
		stop()
		nc.Close()
		emb.Shutdown()
	}()

	testwait.UntilNil(t, "Publish(story) after restart", 15*time.Second, func() error {
		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
		defer cancel()
		var err error
		seq, _, err = j.Publish(ctx, sink.StoryEvent(newStory(2, "world")), sink.PublishOptions{})
		if err != nil && !sink.Retryable(err) {
			t.Fatalf("Publish(story) after restart: %v (not retryable)", err)
		}
		return err
	})
	waitSeq(t, s, seq)
	if _, found, err := s.Story(t.Context(), "s002"); !found || err != nil {
		t.Errorf("story published after the restart not in store: found=%v err=%v", found, err)
	}
}
