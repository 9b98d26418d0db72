// Package clustertest holds feedsift's fault tests (issue 5); it has no
// code of its own outside tests.
//
// The tests build the feedsift binary once per run (TestMain) and start it
// as real processes, so that SIGKILL is real. A harness starts a
// three-node JetStream cluster in process (package natscluster), a
// generated loopback feed farm of at least 500 feeds whose articles,
// copies and expected stories are known (package feedfarm), and three
// feedsift instances, each with its own data directory and a config that
// points at the cluster with replicas 3. Each test injects one fault
// while the instances ingest:
//
//   - TestKillInstance: SIGKILL one instance mid-ingest, start it again;
//   - TestStopNATSNode: stop one NATS node, then bring it back;
//   - TestKillEmbedded: a single instance on its embedded server, killed
//     with SIGKILL while stories are published and not yet all stored,
//     then restarted.
//
// The fourth fault of the issue (the NATS connection cut for 60s) is not
// here yet: a loopback proxy in front of one node is bypassed, because
// the client learns the other nodes' addresses from the cluster and
// reconnects to them directly.
//
// After each, the test reads the whole story stream and counts by story
// id: every expected story must be on it exactly once, every copy merged
// into its story, no story published twice; and every instance's store
// must hold every story. Each test logs its figures (stories expected,
// published, duplicates, lost, copies merged, time to recover) on one
// line starting "FIGURES".
//
// The default run uses 500 feeds and two rounds and takes a few minutes
// on two cores; FEEDSIFT_SOAK=1 runs a larger farm with more rounds.
// Every wait is bounded, so a test that cannot recover fails instead of
// hanging.
package clustertest
