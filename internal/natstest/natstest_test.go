package natstest_test

import (
	"testing"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/feedsift/feedsift/internal/natstest"
)

func TestRunJetStream(t *testing.T) {
	s := natstest.RunJetStream(t)
	if !s.JetStreamEnabled() {
		t.Fatal("JetStream not enabled")
	}
	var nc *nats.Conn
	t.Cleanup(func() {
		// Registered before Connect, so it runs after Connect's cleanup
		// (last in, first out) and before the server stops.
		if !nc.IsClosed() {
			t.Error("connection still open after its cleanup")
		}
	})
	nc = natstest.Connect(t, s)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := js.AccountInfo(t.Context()); err != nil {
		t.Errorf("AccountInfo: %v", err)
	}
}
