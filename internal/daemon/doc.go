// Package daemon wires feedsift together from a config.Config: the local
// store, NATS (the embedded server or an existing cluster, on the same code
// path), the JetStream publisher, the ledger and its stream follower, the
// fetcher, the pipeline, the store's stream consumer and the HTTP
// listener. It holds no decision logic: what is a story and what is a
// copy, and how that stays true across instances, is package ledger's.
//
// Embedded or on a cluster, the daemon takes the same path: after
// connecting it starts the ledger's stream follower (ledger.Follow), which
// restores the near-duplicate index and the overrides from the index
// snapshot kept in the store and the stream after it, and keeps applying
// the stream as it grows, whoever published; Start goes on only once the
// follower has caught up with the stream as it was. It opens the feed
// state bucket (package kvstate, with a best-effort copy of each write in
// the local store for offline `feeds list`) and the poll work queue
// (package pollq), both with [nats].replicas, and gives the pipeline the
// queue and a ledger that publishes decisions on the condition that the
// stream has not moved. With store.retention it ages stories out of the
// store at start; every 10 minutes it ages stories out of the index and
// the store, and saves the index snapshot.
//
// Start sets the Go runtime's soft memory limit to daemon.memory_limit
// (unless GOMEMLIMIT is set), and the daemon's close puts the earlier
// limit back (memlimit.go).
//
// Start brings everything up and returns once the daemon is ready to poll;
// Run polls until its context ends and then shuts down in order:
//
//  1. stop scheduling and drain in-flight polls (pipeline, poll queue);
//  2. with [websub] on, stop the push loops (a pushed document being
//     ingested gets the drain timeout; see websub.go);
//  3. stop the index follower and save the index snapshot;
//  4. let the store consumer apply what was published, then stop it;
//  5. stop the HTTP listener;
//  6. drain the NATS connection, then stop the embedded server if any;
//  7. save the WebSub subscriptions and close the store;
//  8. log "stopped" at INFO (WARN with the error when a step failed) with
//     the uptime, the last sequence published (published_seq), the last
//     one the store applied (store_seq) and the one the saved index
//     snapshot covers (snapshot_seq). It is the daemon's last log line.
//
// The embedded server's own notices (its banner, shutdown) are logged at
// DEBUG; the daemon logs one INFO line "embedded NATS server listening"
// with its client URL and JetStream store directory. The server listens
// there for other clients (the tail, stories and dupes commands, other
// tools); the daemon's own connection to it is in-process (an in-memory
// pipe, sink.ConnOptions.InProcess), so its JetStream round trips, several
// per poll, cost no system calls.
//
// The daemon writes the addresses it listens on to files in the data
// directory (nats.url, http.addr) so that the tail, stories and dupes
// commands find it without configuration, and removes them on shutdown
// (nats.url only when it names the embedded server, which stops with it).
package daemon
