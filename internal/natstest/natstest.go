// Package natstest runs a real JetStream-enabled nats-server inside a test
// process. Each call starts its own server on a random port with its own
// storage directory, so tests can run in parallel; t.Cleanup stops it.
package natstest

import (
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
)

// RunJetStream starts a nats-server with JetStream on 127.0.0.1 and a
// random port, storing in t.TempDir(), without logs or signal handlers.
// It fails the test if the server is not ready within 10s. t.Cleanup
// shuts the server down and waits for it.
func RunJetStream(t testing.TB) *server.Server {
	t.Helper()
	opts := &server.Options{
		ServerName:            "natstest",
		Host:                  "127.0.0.1",
		Port:                  -1,
		NoLog:                 true,
		NoSigs:                true,
		MaxControlLine:        4096,
		DisableShortFirstPing: true,
		JetStream:             true,
		StoreDir:              t.TempDir(),
	}
	s, err := server.NewServer(opts)
	if err != nil {
		t.Fatalf("natstest: new server: %v", err)
	}
	go s.Start()
	if !s.ReadyForConnections(10 * time.Second) {
		s.Shutdown()
		s.WaitForShutdown()
		t.Fatal("natstest: server not ready for connections after 10s")
	}
	t.Cleanup(func() {
		s.Shutdown()
		s.WaitForShutdown()
	})
	return s
}

// Connect connects to s in process, without a socket. t.Cleanup drains
// the connection (at most 5s) and closes it; since cleanups run last in,
// first out, that happens before the server from RunJetStream stops.
func Connect(t testing.TB, s *server.Server) *nats.Conn {
	t.Helper()
	closed := make(chan struct{})
	nc, err := nats.Connect("", nats.InProcessServer(s), nats.Name(t.Name()),
		nats.ClosedHandler(func(*nats.Conn) { close(closed) }))
	if err != nil {
		t.Fatalf("natstest: connect: %v", err)
	}
	t.Cleanup(func() {
		if err := nc.Drain(); err != nil {
			nc.Close()
		}
		select {
		case <-closed:
		case <-time.After(5 * time.Second):
			nc.Close()
		}
	})
	return nc
}
