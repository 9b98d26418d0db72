package natscluster_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/feedsift/feedsift/internal/natscluster"
	"github.com/feedsift/feedsift/internal/testwait"
)

// start starts a cluster in t.TempDir() and shuts it down at cleanup.
func start(t *testing.T, nodes int) *natscluster.Cluster {
	t.Helper()
	c, err := natscluster.Start(t.Context(), natscluster.Options{Nodes: nodes, Dir: t.TempDir()})
	if err != nil {
		t.Fatalf("Start(%d nodes): %v", nodes, err)
	}
	t.Cleanup(c.Shutdown)
	return c
}

// connect connects to every node of c; cleanup closes the connection
// (registered after start's, so it runs before the cluster stops).
func connect(t *testing.T, c *natscluster.Cluster) (*nats.Conn, jetstream.JetStream) {
	t.Helper()
	nc, err := nats.Connect(c.URL(), nats.Name(t.Name()), nats.MaxReconnects(-1),
		nats.ReconnectWait(50*time.Millisecond))
	if err != nil {
		t.Fatalf("connect %s: %v", c.URL(), err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return nc, js
}

// publishBound is how long publish retries one message: only a failure
// bound, as generous as the 50 attempts of up to 2.1s it replaces, because
// an election on a busy machine can take many seconds.
const publishBound = 2 * time.Minute

// publish publishes n messages numbered from first on subject, retrying
// each (with the same message id, so a retry is never stored twice)
// while the cluster settles after a node change.
func publish(t *testing.T, js jetstream.JetStream, subject string, first, n int) {
	t.Helper()
	for i := first; i < first+n; i++ {
		testwait.UntilNil(t, fmt.Sprintf("publish %d", i), publishBound, func() error {
			ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
			defer cancel()
			_, err := js.Publish(ctx, subject, fmt.Appendf(nil, "msg %d", i), jetstream.WithMsgID(fmt.Sprint(i)))
			return err
		})
	}
}

// waitStream polls the stream's info until check returns "" or 15s pass.
func waitStream(t *testing.T, s jetstream.Stream, check func(*jetstream.StreamInfo) string) *jetstream.StreamInfo {
	t.Helper()
	var (
		info *jetstream.StreamInfo
		why  string
	)
	if !testwait.Poll(15*time.Second, func() bool {
		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
		defer cancel()
		var err error
		if info, err = s.Info(ctx); err != nil {
			why = err.Error()
		} else {
			why = check(info)
		}
		return why == ""
	}) {
		t.Fatalf("stream never got there: %s", why)
	}
	return info
}

// replicaState returns "" when the stream has a leader and want current
// replicas in total (leader included) and no offline ones.
func replicaState(want int) func(*jetstream.StreamInfo) string {
	return func(info *jetstream.StreamInfo) string {
		ci := info.Cluster
		if ci == nil || ci.Leader == "" {
			return "no stream leader"
		}
		current := 1
		for _, r := range ci.Replicas {
			if r.Current && !r.Offline {
				current++
			}
		}
		if current != want {
			return fmt.Sprintf("%d current replicas, want %d (leader %s, replicas %d)", current, want, ci.Leader, len(ci.Replicas))
		}
		return ""
	}
}

func TestCluster_StopRestartKeepsR3Stream(t *testing.T) {
	c := start(t, 3)
	_, js := connect(t, c)
	ctx := t.Context()

	if got := len(c.ClientURLs()); got != 3 {
		t.Fatalf("ClientURLs: %d URLs, want 3", got)
	}
	urlsBefore := c.ClientURLs()
	if c.MetaLeader() < 0 {
		t.Fatal("no meta leader after Start")
	}

	s, err := js.CreateStream(ctx, jetstream.StreamConfig{
		Name: "STORIES", Subjects: []string{"stories.>"}, Replicas: 3, Storage: jetstream.FileStorage,
	})
	if err != nil {
		t.Fatalf("create R3 stream: %v", err)
	}
	publish(t, js, "stories.world", 0, 20)

	// Stop a node that leads neither the meta group nor the stream, so
	// no election is needed (elections take seconds); the harness works
	// either way, the test just stays fast.
	info := waitStream(t, s, replicaState(3))
	victim := -1
	for i := range c.Nodes() {
		if i != c.MetaLeader() && c.ServerName(i) != info.Cluster.Leader {
			victim = i
			break
		}
	}
	if victim < 0 {
		t.Fatal("no follower node to stop")
	}
	if err := c.StopNode(victim); err != nil {
		t.Fatalf("StopNode(%d): %v", victim, err)
	}
	if c.Running(victim) || c.Server(victim) != nil {
		t.Fatalf("node %d still running after StopNode", victim)
	}
	if err := c.WaitReady(ctx); err != nil {
		t.Fatalf("WaitReady with 2 of 3 nodes: %v", err)
	}

	publish(t, js, "stories.world", 20, 20)
	waitStream(t, s, func(info *jetstream.StreamInfo) string {
		if info.State.Msgs != 40 {
			return fmt.Sprintf("%d messages with a node down, want 40", info.State.Msgs)
		}
		return ""
	})

	if err := c.RestartNode(ctx, victim); err != nil {
		t.Fatalf("RestartNode(%d): %v", victim, err)
	}
	if !slices.Equal(c.ClientURLs(), urlsBefore) {
		t.Errorf("ClientURLs changed across restart: %v, then %v", urlsBefore, c.ClientURLs())
	}
	if got := c.Server(victim).ClientURL(); got != urlsBefore[victim] {
		t.Errorf("restarted node listens on %s, want %s", got, urlsBefore[victim])
	}
	waitStream(t, s, func(info *jetstream.StreamInfo) string {
		if why := replicaState(3)(info); why != "" {
			return why
		}
		if info.State.Msgs != 40 || info.State.LastSeq != 40 {
			return fmt.Sprintf("%d messages, last seq %d, want 40", info.State.Msgs, info.State.LastSeq)
		}
		return ""
	})

	// The restarted node must hold every message itself: read the stream
	// through a connection to that node alone, from a direct get.
	nc1, err := nats.Connect(urlsBefore[victim], nats.Name(t.Name()+"-victim"))
	if err != nil {
		t.Fatal(err)
	}
	defer nc1.Close()
	js1, err := jetstream.New(nc1)
	if err != nil {
		t.Fatal(err)
	}
	s1, err := js1.Stream(ctx, "STORIES")
	if err != nil {
		t.Fatalf("stream via restarted node: %v", err)
	}
	for seq := uint64(1); seq <= 40; seq++ {
		m, err := s1.GetMsg(ctx, seq)
		if err != nil {
			t.Fatalf("get seq %d via restarted node: %v", seq, err)
		}
		if want := fmt.Sprintf("msg %d", seq-1); string(m.Data) != want {
			t.Fatalf("seq %d = %q, want %q", seq, m.Data, want)
		}
	}
	// The store directory of the node is the one it had before.
	if _, err := os.Stat(filepath.Join(c.Dir(), fmt.Sprintf("n%d", victim), "jetstream")); err != nil {
		t.Errorf("store dir of node %d: %v", victim, err)
	}
}

func TestCluster_SingleNode(t *testing.T) {
	c := start(t, 1)
	nc, js := connect(t, c)
	ctx := t.Context()
	if got := c.URL(); strings.Contains(got, ",") || !strings.HasPrefix(got, "nats://127.0.0.1:") {
		t.Fatalf("URL() = %q, want one loopback URL", got)
	}
	if c.MetaLeader() != -1 {
		t.Errorf("MetaLeader() = %d on a standalone node, want -1", c.MetaLeader())
	}
	s, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "ONE", Subjects: []string{"one.>"}})
	if err != nil {
		t.Fatalf("create stream: %v", err)
	}
	publish(t, js, "one.x", 0, 5)

	if err := c.StopNode(0); err != nil {
		t.Fatal(err)
	}
	if err := c.RestartNode(ctx, 0); err != nil {
		t.Fatalf("RestartNode: %v", err)
	}
	// The client reconnects by itself to the same port. Not reconnected
	// within 10s is no failure yet: publish retries until it is.
	testwait.Poll(10*time.Second, nc.IsConnected)
	publish(t, js, "one.x", 5, 5)
	info := waitStream(t, s, func(info *jetstream.StreamInfo) string {
		if info.State.Msgs != 10 {
			return fmt.Sprintf("%d messages, want 10 (5 from before the restart)", info.State.Msgs)
		}
		return ""
	})
	if info.Cluster != nil && len(info.Cluster.Replicas) != 0 {
		t.Errorf("standalone stream has replicas: %+v", info.Cluster.Replicas)
	}
}

func TestCluster_Errors(t *testing.T) {
	c := start(t, 1)
	ctx := t.Context()
	tests := []struct {
		name string
		run  func() error
		want error
	}{
		{"stop negative index", func() error { return c.StopNode(-1) }, natscluster.ErrNoSuchNode},
		{"stop index too large", func() error { return c.StopNode(1) }, natscluster.ErrNoSuchNode},
		{"restart running node", func() error { return c.RestartNode(ctx, 0) }, natscluster.ErrNodeRunning},
		{"restart index too large", func() error { return c.RestartNode(ctx, 3) }, natscluster.ErrNoSuchNode},
		{"too many nodes", func() error {
			_, err := natscluster.Start(ctx, natscluster.Options{Nodes: 10, Dir: t.TempDir()})
			return err
		}, natscluster.ErrInvalidOption},
		{"negative nodes", func() error {
			_, err := natscluster.Start(ctx, natscluster.Options{Nodes: -1})
			return err
		}, natscluster.ErrInvalidOption},
		{"bad name", func() error {
			_, err := natscluster.Start(ctx, natscluster.Options{Nodes: 1, Name: "a b"})
			return err
		}, natscluster.ErrInvalidOption},
		{"cancelled context", func() error {
			cctx, cancel := context.WithCancel(ctx)
			cancel()
			_, err := natscluster.Start(cctx, natscluster.Options{Nodes: 1, Dir: t.TempDir()})
			return err
		}, context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.run()
			if !errors.Is(err, tt.want) {
				t.Fatalf("error = %v, want %v", err, tt.want)
			}
			if !strings.HasPrefix(err.Error(), "natscluster: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
		})
	}
	t.Run("stop twice", func(t *testing.T) {
		c := start(t, 1)
		if err := c.StopNode(0); err != nil {
			t.Fatal(err)
		}
		if err := c.StopNode(0); !errors.Is(err, natscluster.ErrNodeStopped) {
			t.Fatalf("second StopNode = %v, want ErrNodeStopped", err)
		}
	})
	t.Run("after shutdown", func(t *testing.T) {
		c := start(t, 1)
		c.Shutdown()
		c.Shutdown() // a second call does nothing
		if err := c.RestartNode(ctx, 0); !errors.Is(err, natscluster.ErrShutdown) {
			t.Errorf("RestartNode after Shutdown = %v, want ErrShutdown", err)
		}
		if err := c.WaitReady(ctx); !errors.Is(err, natscluster.ErrShutdown) {
			t.Errorf("WaitReady after Shutdown = %v, want ErrShutdown", err)
		}
	})
}

func TestStart_TemporaryDirRemoved(t *testing.T) {
	c, err := natscluster.Start(t.Context(), natscluster.Options{Nodes: 1})
	if err != nil {
		t.Fatal(err)
	}
	dir := c.Dir()
	if _, err := os.Stat(filepath.Join(dir, "n0")); err != nil {
		t.Fatalf("store dir: %v", err)
	}
	c.Shutdown()
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("temporary dir %s still there after Shutdown (%v)", dir, err)
	}
}

func TestCluster_StopMetaLeader(t *testing.T) {
	c := start(t, 3)
	_, js := connect(t, c)
	ctx := t.Context()
	s, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "S", Subjects: []string{"s.>"}, Replicas: 3})
	if err != nil {
		t.Fatal(err)
	}
	publish(t, js, "s.a", 0, 3)

	old := c.MetaLeader()
	if old < 0 {
		t.Fatal("no meta leader")
	}
	if err := c.StopNode(old); err != nil {
		t.Fatal(err)
	}
	// The two others elect a new meta leader.
	if err := c.WaitReady(ctx); err != nil {
		t.Fatalf("WaitReady after stopping the meta leader: %v", err)
	}
	if now := c.MetaLeader(); now < 0 || now == old {
		t.Fatalf("meta leader after stopping node %d is %d", old, now)
	}
	publish(t, js, "s.a", 3, 3)
	if err := c.RestartNode(ctx, old); err != nil {
		t.Fatalf("RestartNode(%d): %v", old, err)
	}
	waitStream(t, s, func(info *jetstream.StreamInfo) string {
		if why := replicaState(3)(info); why != "" {
			return why
		}
		if info.State.Msgs != 6 {
			return fmt.Sprintf("%d messages, want 6", info.State.Msgs)
		}
		return ""
	})
}
