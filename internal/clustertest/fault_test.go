package clustertest_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/feedsift/feedsift/internal/natscluster"
	"github.com/feedsift/feedsift/internal/testwait"
)

// startThree starts three instances on the cluster at natsURL.
func startThree(t *testing.T, f *farm, natsURL string) []*instance {
	t.Helper()
	ins := make([]*instance, 3)
	for i := range ins {
		ins[i] = newInstance(t, fmt.Sprintf("feedsift-%d", i), f, natsURL, 3, 0)
		ins[i].launch(t)
	}
	for _, in := range ins {
		in.waitReady(t)
	}
	return ins
}

// waitIngest waits until a fifth of round 0's stories are on the stream:
// the moment to strike. It logs how far ingest got.
func waitIngest(t *testing.T, natsURL string, f *farm) {
	t.Helper()
	total := len(f.sc.Stories(0))
	var n int
	if !testwait.ProgressEvery(f.scale.roundWait, time.Second, func() (bool, int) {
		n = storyCount(t.Context(), natsURL, f)
		return n >= total/5, n
	}) {
		t.Fatalf("%d of %d stories on the stream, and no more for %s; instances: %s",
			n, total/5, f.scale.roundWait, instanceStates(t, f.ins...))
	}
	t.Logf("striking with %d of round 0's %d stories on the stream", n, total)
}

// finish waits for round 0 (measuring recovery from the fault at struck),
// then plays the later rounds, waits for every store and reports.
func finish(t *testing.T, name, natsURL string, f *farm, struck time.Time, ins ...*instance) {
	t.Helper()
	waitRound(t, natsURL, f, 0)
	recovery := time.Since(struck)
	for r := 1; r <= f.scale.rounds; r++ {
		f.farm.Advance()
		waitRound(t, natsURL, f, r)
	}
	v, err := readStream(t.Context(), natsURL, f)
	if err != nil {
		t.Fatal(err)
	}
	missing := waitStores(t, v, ins...)
	// Anything published after the wait (a late duplicate) shows here.
	time.Sleep(2 * f.scale.interval)
	if v, err = readStream(t.Context(), natsURL, f); err != nil {
		t.Fatal(err)
	}
	t.Logf("instances since each last started: %s", instanceStates(t, ins...))
	report(t, name, v, f, missing, recovery)
}

// TestKillInstance kills one of three instances with SIGKILL while they
// ingest round 0, and starts it again at once.
func TestKillInstance(t *testing.T) {
	s := testScale(t)
	c := startCluster(t)
	f := startFarm(t, s)
	ins := startThree(t, f, c.URL())
	waitIngest(t, c.URL(), f)
	struck := time.Now()
	ins[0].kill(t)
	ins[0].start(t)
	finish(t, "kill-instance", c.URL(), f, struck, ins...)
}

// TestStopNATSNode stops the cluster's meta leader while three instances
// ingest round 0, lets them work on two nodes for a while, and brings it
// back.
func TestStopNATSNode(t *testing.T) {
	s := testScale(t)
	c := startCluster(t)
	f := startFarm(t, s)
	ins := startThree(t, f, c.URL())
	waitIngest(t, c.URL(), f)
	node := max(c.MetaLeader(), 0)
	struck := time.Now()
	if err := c.StopNode(node); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * s.interval)
	if err := c.RestartNode(t.Context(), node); err != nil {
		t.Fatal(err)
	}
	finish(t, fmt.Sprintf("stop-nats-node-%d", node), c.URL(), f, struck, ins...)
}

// TestKillEmbedded runs one instance on its embedded server and kills it
// with SIGKILL in the middle of ingest, while stories are being published
// and stored, then restarts it.
func TestKillEmbedded(t *testing.T) {
	s := testScale(t)
	f := startFarm(t, s)
	port := freePort(t)
	natsURL := fmt.Sprintf("nats://127.0.0.1:%d", port)
	in := newInstance(t, "feedsift-embedded", f, "", 1, port)
	in.start(t)
	want := len(f.sc.Stories(0)) / 5
	var onStream, stored int
	// Strike while the stream is ahead of the store: stories published
	// and not yet stored. The store is read first, then the stream, so a
	// gap seen is one the process had at that moment; ingest goes on
	// between the reads and the kill, so a gap is seen almost at once.
	gap := func() (bool, int) {
		ids, err := in.storedIDs(t)
		if err != nil {
			return false, onStream
		}
		stored = len(ids)
		onStream = storyCount(t.Context(), natsURL, f)
		return onStream >= want && onStream > stored, onStream
	}
	if !testwait.Progress(f.scale.roundWait, gap) {
		t.Fatalf("no moment with a fifth of round 0 on the stream and ahead of the store: %d on the stream, %d stored, and no more published for %s",
			onStream, stored, f.scale.roundWait)
	}
	struck := time.Now()
	in.kill(t)
	t.Logf("killed between publish and store: %d of round 0's %d stories on the stream, %d in the store a moment before", onStream, 5*want, stored)
	in.start(t)
	finish(t, "kill-embedded", natsURL, f, struck, in)
}

// TestCutConnection cuts one of three instances off the three-node NATS
// cluster while they ingest round 0: a loopback TCP proxy between that
// instance and one node drops every connection and refuses new ones for
// scale.cut (FEEDSIFT_CUT; 60s by default), while every instance keeps
// polling; then it lets the instance reconnect. The cut instance connects
// with ignore_discovered_servers, so it cannot go around the proxy to the
// other nodes.
func TestCutConnection(t *testing.T) {
	s := testScale(t)
	c, err := natscluster.Start(t.Context(), natscluster.Options{Nodes: 3, Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Shutdown)
	f := startFarm(t, s)
	px := startProxy(t, hostPort(c.ClientURLs()[0]))
	ins := make([]*instance, 3)
	for i := range ins {
		url := c.URL()
		if i == 0 {
			url = px.URL()
		}
		ins[i] = newInstance(t, fmt.Sprintf("feedsift-%d", i), f, url, 3, 0)
		ins[i].launch(t)
	}
	for _, in := range ins {
		in.waitReady(t)
	}
	waitIngest(t, c.URL(), f)
	struck := time.Now()
	px.Cut()
	ctx, cancel := context.WithTimeout(t.Context(), s.cut)
	<-ctx.Done()
	cancel()
	px.Restore()
	restored := time.Now()
	v, err := readStream(t.Context(), c.URL(), f)
	if err != nil {
		t.Fatal(err)
	}
	waitStores(t, v, ins[0])
	t.Logf("connection of %s cut for %s; its store held every story on the stream %s after the cut ended",
		ins[0].name, s.cut, time.Since(restored).Round(100*time.Millisecond))
	finish(t, fmt.Sprintf("cut-connection-%s", s.cut), c.URL(), f, struck, ins...)
}

func hostPort(url string) string {
	const scheme = "nats://"
	if len(url) > len(scheme) && url[:len(scheme)] == scheme {
		return url[len(scheme):]
	}
	return url
}
