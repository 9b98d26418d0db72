package natscluster

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats-server/v2/server"

	"github.com/feedsift/feedsift/internal/natskey"
	"github.com/feedsift/feedsift/internal/natslog"
)

// Defaults for Options.
const (
	DefaultNodes        = 3
	DefaultName         = "feedsift"
	DefaultReadyTimeout = 30 * time.Second
)

// maxNodes bounds Options.Nodes; more would not be a test cluster.
const maxNodes = 9

// pollInterval is how often readiness is checked while waiting.
const pollInterval = 50 * time.Millisecond

// loopback is the only address nodes listen on.
const loopback = "127.0.0.1"

// Options configures Start. Zero values mean the documented defaults.
type Options struct {
	// Nodes is the number of servers: 1 starts a standalone JetStream
	// server (no cluster listener, no routes), 2 or more a JetStream
	// cluster. Default 3; at most 9.
	Nodes int
	// Dir holds one sub-directory per node (named after the node, e.g.
	// "n1") with its JetStream store. It is created with mode 0700 if
	// missing. Empty means a new temporary directory, removed by
	// Shutdown; a given Dir is left in place.
	Dir string
	// Name is the cluster name, and the prefix of the server names
	// ("<Name>-n0", ...). Default "feedsift". Letters, digits, '-' and '_'.
	Name string
	// ReadyTimeout bounds each wait for readiness (in Start, RestartNode
	// and WaitReady) in addition to the context. Default 30s.
	ReadyTimeout time.Duration
	// Logger receives the servers' log lines, with a "node" attribute.
	// Nil discards them.
	Logger *slog.Logger
}

// Cluster is a set of nats-servers running in this process. Create it with
// Start and stop it with Shutdown.
type Cluster struct {
	opts    Options
	tempDir bool // Dir was created by Start and is removed by Shutdown

	ops sync.Mutex // serialises StopNode, RestartNode and Shutdown

	mu    sync.Mutex // guards the fields below and node.srv
	nodes []*node
	down  bool // Shutdown was called
}

// node is one server's fixed identity and its current process, if any.
type node struct {
	name        string
	port        int // client port
	clusterPort int // route port; 0 when standalone
	dir         string
	srv         *server.Server // nil while stopped
}

// Start starts opts.Nodes servers on free loopback ports and waits until
// the cluster is ready (see WaitReady), at most until ctx ends or
// ReadyTimeout passes. On error nothing is left running.
func Start(ctx context.Context, opts Options) (*Cluster, error) {
	switch {
	case opts.Nodes < 0 || opts.Nodes > maxNodes:
		return nil, fmt.Errorf("%w: Nodes %d not in 1..%d", ErrInvalidOption, opts.Nodes, maxNodes)
	case opts.ReadyTimeout < 0:
		return nil, fmt.Errorf("%w: negative ReadyTimeout %s", ErrInvalidOption, opts.ReadyTimeout)
	case opts.Name != "" && !natskey.Plain(opts.Name):
		return nil, fmt.Errorf("%w: Name %q: want letters, digits, '-' and '_'", ErrInvalidOption, opts.Name)
	}
	opts.Nodes = cmp.Or(opts.Nodes, DefaultNodes)
	opts.Name = cmp.Or(opts.Name, DefaultName)
	opts.ReadyTimeout = cmp.Or(opts.ReadyTimeout, DefaultReadyTimeout)
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("natscluster: start: %w", err)
	}

	c := &Cluster{opts: opts}
	if opts.Dir == "" {
		dir, err := os.MkdirTemp("", "natscluster-")
		if err != nil {
			return nil, fmt.Errorf("natscluster: create temporary dir: %w", err)
		}
		c.opts.Dir, c.tempDir = dir, true
	}
	ports, err := freePorts(2 * opts.Nodes)
	if err != nil {
		c.removeTemp()
		return nil, err
	}
	for i := range opts.Nodes {
		n := &node{
			name: fmt.Sprintf("%s-n%d", opts.Name, i),
			port: ports[2*i],
		}
		if opts.Nodes > 1 {
			n.clusterPort = ports[2*i+1]
		}
		n.dir = filepath.Join(c.opts.Dir, fmt.Sprintf("n%d", i))
		c.nodes = append(c.nodes, n)
	}

	// Start every server first, then wait for each: a clustered server is
	// ready for connections before its peers are up, but electing a meta
	// leader needs a quorum of them running.
	servers := make([]*server.Server, len(c.nodes))
	for i, n := range c.nodes {
		s, err := c.newServer(ctx, n)
		if err != nil {
			c.stopServers(servers)
			c.removeTemp()
			return nil, err
		}
		servers[i] = s
		go s.Start()
	}
	for i, s := range servers {
		if err := waitListening(ctx, s, c.nodes[i], opts.ReadyTimeout); err != nil {
			c.stopServers(servers)
			c.removeTemp()
			return nil, err
		}
	}
	c.mu.Lock()
	for i, n := range c.nodes {
		n.srv = servers[i]
	}
	c.mu.Unlock()
	if err := c.WaitReady(ctx); err != nil {
		c.Shutdown()
		return nil, err
	}
	return c, nil
}

// Nodes returns the number of nodes, running or stopped.
func (c *Cluster) Nodes() int { return len(c.nodes) }

// Dir returns the directory holding the nodes' stores.
func (c *Cluster) Dir() string { return c.opts.Dir }

// ClientURLs returns each node's client URL ("nats://127.0.0.1:<port>"),
// in node order, whether or not the node is running.
func (c *Cluster) ClientURLs() []string {
	out := make([]string, len(c.nodes))
	for i, n := range c.nodes {
		out[i] = clientURL(n.port)
	}
	return out
}

// URL returns ClientURLs joined with commas, as nats.Connect accepts.
func (c *Cluster) URL() string { return strings.Join(c.ClientURLs(), ",") }

// ServerName returns node i's server name, as JetStream reports it in
// stream and meta cluster information, or "" for an index out of range.
func (c *Cluster) ServerName(i int) string {
	if i < 0 || i >= len(c.nodes) {
		return ""
	}
	return c.nodes[i].name
}

// Server returns node i's running server, for in-process connections
// (nats.InProcessServer) and monitoring calls, or nil when the node is
// stopped or i is out of range. The server is replaced by RestartNode.
func (c *Cluster) Server(i int) *server.Server {
	if i < 0 || i >= len(c.nodes) {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.nodes[i].srv
}

// Running reports whether node i is running.
func (c *Cluster) Running(i int) bool { return c.Server(i) != nil }

// MetaLeader returns the index of the node that is the JetStream meta
// leader, or -1 when there is none (or the cluster is a single node,
// which has no meta group).
func (c *Cluster) MetaLeader() int {
	if len(c.nodes) == 1 {
		return -1
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, n := range c.nodes {
		if n.srv != nil && n.srv.JetStreamIsLeader() {
			return i
		}
	}
	return -1
}

// StopNode shuts node i down and waits until it has stopped. Its ports
// and store are kept for RestartNode. Clients connected to it reconnect
// to the other nodes.
func (c *Cluster) StopNode(i int) error {
	if i < 0 || i >= len(c.nodes) {
		return fmt.Errorf("%w: %d (have %d)", ErrNoSuchNode, i, len(c.nodes))
	}
	c.ops.Lock()
	defer c.ops.Unlock()
	c.mu.Lock()
	n, down := c.nodes[i], c.down
	s := n.srv
	n.srv = nil
	c.mu.Unlock()
	switch {
	case down:
		return ErrShutdown
	case s == nil:
		return fmt.Errorf("%w: %s", ErrNodeStopped, n.name)
	}
	s.Shutdown()
	s.WaitForShutdown()
	c.logger().Info("natscluster: node stopped", "node", n.name)
	return nil
}

// RestartNode starts the stopped node i again on its ports, with its
// server name and store directory, then waits until the cluster is ready
// with it (it has rejoined and a meta leader exists; see WaitReady), at
// most until ctx ends or ReadyTimeout passes. If the wait fails the node
// is left running and the error wraps ErrNotReady.
func (c *Cluster) RestartNode(ctx context.Context, i int) error {
	if i < 0 || i >= len(c.nodes) {
		return fmt.Errorf("%w: %d (have %d)", ErrNoSuchNode, i, len(c.nodes))
	}
	if err := c.restart(ctx, i); err != nil {
		return err
	}
	return c.WaitReady(ctx)
}

func (c *Cluster) restart(ctx context.Context, i int) error {
	c.ops.Lock()
	defer c.ops.Unlock()
	c.mu.Lock()
	n, down := c.nodes[i], c.down
	running := n.srv != nil
	c.mu.Unlock()
	switch {
	case down:
		return ErrShutdown
	case running:
		return fmt.Errorf("%w: %s", ErrNodeRunning, n.name)
	}
	// The ports were ours a moment ago; wait briefly in case the kernel
	// (or another process) still holds one.
	if err := waitPortsFree(ctx, n, c.opts.ReadyTimeout); err != nil {
		return err
	}
	s, err := c.newServer(ctx, n)
	if err != nil {
		return err
	}
	go s.Start()
	if err := waitListening(ctx, s, n, c.opts.ReadyTimeout); err != nil {
		s.Shutdown()
		s.WaitForShutdown()
		return err
	}
	c.mu.Lock()
	n.srv = s
	c.mu.Unlock()
	c.logger().Info("natscluster: node restarted", "node", n.name)
	return nil
}

// WaitReady waits until the running nodes form a ready cluster: each
// accepts connections with JetStream enabled and, when clustered, has a
// route to every other running node, one meta leader is elected, every
// running node agrees on it and is current, and the leader counts every
// running node among its peers. It waits at most until ctx ends or
// ReadyTimeout passes; the error then wraps ErrNotReady and says what was
// missing. Stopped nodes are not waited for.
func (c *Cluster) WaitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, c.opts.ReadyTimeout)
	defer cancel()
	t := time.NewTicker(pollInterval)
	defer t.Stop()
	for {
		reason, err := c.notReady()
		if err != nil {
			return err
		}
		if reason == "" {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w: %s (%w)", ErrNotReady, reason, context.Cause(ctx))
		case <-t.C:
		}
	}
}

// notReady returns why the cluster is not ready, or "" when it is.
func (c *Cluster) notReady() (string, error) {
	c.mu.Lock()
	if c.down {
		c.mu.Unlock()
		return "", ErrShutdown
	}
	type running struct {
		name string
		srv  *server.Server
	}
	var up []running
	for _, n := range c.nodes {
		if n.srv != nil {
			up = append(up, running{n.name, n.srv})
		}
	}
	c.mu.Unlock()

	if len(up) == 0 {
		return "no node is running", nil
	}
	for _, r := range up {
		if !r.srv.Running() || !r.srv.JetStreamEnabled() {
			return r.name + " is not running with JetStream", nil
		}
	}
	if len(c.nodes) == 1 {
		return "", nil
	}

	names := make([]string, len(up))
	for i, r := range up {
		names[i] = r.name
	}
	leader := ""
	for _, r := range up {
		rz, err := r.srv.Routez(&server.RoutezOptions{})
		if err != nil {
			return r.name + ": routez: " + err.Error(), nil
		}
		remotes := map[string]bool{}
		for _, ri := range rz.Routes {
			remotes[ri.RemoteName] = true
		}
		for _, other := range names {
			if other != r.name && !remotes[other] {
				return fmt.Sprintf("%s has no route to %s", r.name, other), nil
			}
		}
		if r.srv.JetStreamIsLeader() {
			if leader != "" {
				return fmt.Sprintf("two meta leaders: %s and %s", leader, r.name), nil
			}
			leader = r.name
		}
	}
	if leader == "" {
		return "no meta leader", nil
	}
	for _, r := range up {
		jsz, err := r.srv.Jsz(nil)
		if err != nil {
			return r.name + ": jsz: " + err.Error(), nil
		}
		if jsz.Meta == nil || jsz.Meta.Leader != leader {
			return fmt.Sprintf("%s does not know meta leader %s yet", r.name, leader), nil
		}
		if !r.srv.JetStreamIsCurrent() {
			return r.name + " is not current with the meta leader", nil
		}
		if r.name == leader {
			peers := r.srv.JetStreamClusterPeers()
			for _, other := range names {
				if !slices.Contains(peers, other) {
					return fmt.Sprintf("meta leader %s does not count %s as a peer", leader, other), nil
				}
			}
		}
	}
	return "", nil
}

// Shutdown stops every running node and waits until they have stopped,
// then removes Dir if Start created it. Clients should be closed first.
// Calling it again does nothing.
func (c *Cluster) Shutdown() {
	c.ops.Lock()
	defer c.ops.Unlock()
	c.mu.Lock()
	if c.down {
		c.mu.Unlock()
		return
	}
	c.down = true
	servers := make([]*server.Server, len(c.nodes))
	for i, n := range c.nodes {
		servers[i], n.srv = n.srv, nil
	}
	c.mu.Unlock()
	c.stopServers(servers)
	c.removeTemp()
}

// stopServers shuts the non-nil servers down together and waits for all.
func (c *Cluster) stopServers(servers []*server.Server) {
	var wg sync.WaitGroup
	for _, s := range servers {
		if s != nil {
			wg.Go(func() {
				s.Shutdown()
				s.WaitForShutdown()
			})
		}
	}
	wg.Wait()
}

func (c *Cluster) removeTemp() {
	if c.tempDir {
		if err := os.RemoveAll(c.opts.Dir); err != nil {
			c.logger().Warn("natscluster: remove temporary dir", "dir", c.opts.Dir, "err", err)
		}
	}
}

func (c *Cluster) logger() *slog.Logger {
	if c.opts.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return c.opts.Logger
}

// newServer configures (but does not start) the server of node n. It
// builds fresh server.Options each time: nats-server must not be given
// the same Options twice.
func (c *Cluster) newServer(ctx context.Context, n *node) (*server.Server, error) {
	if err := os.MkdirAll(n.dir, 0o700); err != nil {
		return nil, fmt.Errorf("natscluster: create store dir of %s: %w", n.name, err)
	}
	so := &server.Options{
		ServerName:            n.name,
		Host:                  loopback,
		Port:                  n.port,
		JetStream:             true,
		StoreDir:              n.dir,
		NoSigs:                true,
		NoLog:                 c.opts.Logger == nil,
		DisableShortFirstPing: true,
	}
	if n.clusterPort != 0 {
		so.Cluster = server.ClusterOpts{Name: c.opts.Name, Host: loopback, Port: n.clusterPort}
		routes := make([]string, 0, len(c.nodes)-1)
		for _, o := range c.nodes {
			if o != n {
				routes = append(routes, "nats-route://"+net.JoinHostPort(loopback, strconv.Itoa(o.clusterPort)))
			}
		}
		so.Routes = server.RoutesFromStr(strings.Join(routes, ","))
	}
	s, err := server.NewServer(so)
	if err != nil {
		return nil, fmt.Errorf("%w: configure %s: %w", ErrStart, n.name, err)
	}
	if c.opts.Logger != nil {
		debug := c.opts.Logger.Enabled(ctx, slog.LevelDebug)
		s.SetLoggerV2(natslog.ServerLogger(c.opts.Logger.With("node", n.name)), debug, false, false)
	}
	return s, nil
}

// waitListening waits until s accepts connections (and routes, when
// clustered), at most until ctx ends or timeout passes.
func waitListening(ctx context.Context, s *server.Server, n *node, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for !s.ReadyForConnections(100 * time.Millisecond) {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("%w: %s: %w", ErrStart, n.name, err)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%w: %s not listening on %s after %s", ErrStart, n.name, clientURL(n.port), timeout)
		}
	}
	return nil
}

// waitPortsFree waits until node n's ports can be bound again.
func waitPortsFree(ctx context.Context, n *node, timeout time.Duration) error {
	deadline := time.Now().Add(min(timeout, 5*time.Second))
	for {
		err := portsFree(n.port, n.clusterPort)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil || time.Now().After(deadline) {
			return fmt.Errorf("%w: %s: %w", ErrStart, n.name, errors.Join(err, ctx.Err()))
		}
		time.Sleep(pollInterval)
	}
}

// portsFree reports an error when one of the non-zero ports cannot be
// bound on loopback.
func portsFree(ports ...int) error {
	for _, p := range ports {
		if p == 0 {
			continue
		}
		l, err := net.Listen("tcp", net.JoinHostPort(loopback, strconv.Itoa(p)))
		if err != nil {
			return fmt.Errorf("port %d in use: %w", p, err)
		}
		l.Close()
	}
	return nil
}

// freePorts returns n distinct loopback ports that were free a moment ago.
// All listeners are held until every port is chosen, so none repeats.
func freePorts(n int) ([]int, error) {
	ls := make([]net.Listener, 0, n)
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	ports := make([]int, 0, n)
	for range n {
		l, err := net.Listen("tcp", net.JoinHostPort(loopback, "0"))
		if err != nil {
			return nil, fmt.Errorf("natscluster: pick a free port: %w", err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

func clientURL(port int) string {
	return "nats://" + net.JoinHostPort(loopback, strconv.Itoa(port))
}
