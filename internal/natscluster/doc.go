// Package natscluster runs JetStream-enabled nats-servers inside the
// process, on loopback, for tests that need a real cluster: a three-node
// JetStream cluster by default, or a single standalone node (Nodes: 1) so
// the same harness serves tests that do not need clustering.
//
// # Invariants
//
//   - Every node listens on 127.0.0.1. Its client port and, in a cluster,
//     its route port are picked once by Start (free ports at that moment)
//     and never change: RestartNode brings the node back on the same
//     ports, with the same server name and the same JetStream store
//     directory (<Dir>/<node name>/jetstream), so it recovers its streams
//     and rejoins as the same peer.
//   - ClientURLs lists every node, running or stopped, in node order;
//     a nats.go client given URL() reconnects to whichever nodes are up.
//   - Start returns only a ready cluster (see WaitReady) and shuts down
//     whatever it started when it fails.
//   - Ready means: every running node accepts connections and has
//     JetStream enabled; in a cluster, every running node has a route to
//     every other running node, a meta leader is elected and known to
//     every running node, it sees all running nodes as peers, and every
//     running node's meta state is current. Stopped nodes are left out,
//     so a cluster with one node down can still be ready.
//
// # Concurrency
//
// All methods of Cluster are safe for concurrent use. StopNode,
// RestartNode and Shutdown are serialised; waiting (WaitReady, and the
// wait at the end of RestartNode) happens without holding any lock.
// Shutdown may be called more than once.
//
// Options.Logger receives each node's server lines through
// natslog.ServerLogger, with a "node" attribute: the servers' banners and
// routine notices (routes, leader elections) at DEBUG, their warnings and
// errors, and trouble notices such as slow consumers, at WARN and ERROR.
//
// Nothing here panics on bad input: out-of-range node indices, a node in
// the wrong state and bad options return errors wrapping the sentinels in
// errors.go.
package natscluster
