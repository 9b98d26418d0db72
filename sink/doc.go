// Package sink is where stories go: an embedded nats-server for single-node
// deployments, the JetStream publisher that puts each story once on its
// topic subject, and the bbolt store that consumes the stream.
//
// # Subjects and payloads
//
// A story is published on "<SubjectPrefix>.<topic>" (default "news.<topic>"),
// once on each of its topics (story.Story.Topics: its copies came
// through feeds of several topics), and a duplicate record on "<DupesPrefix>.<topic>" (default
// "feedsift.dupes.<topic>"). A person's override (story.Override) goes on
// "<OverridesPrefix(DupesPrefix)>.<topic>" (default
// "feedsift.overrides.<topic>") with Nats-Msg-Id "override:<id>", and the
// story updates it causes on the story subject with "story:<id>:<override
// id>". All subject spaces belong to one stream (default "FEEDSIFT", file
// storage); NewJetStream adds a missing subject to an existing stream. Payloads are the encoding/json form of
// story.Story and story.Duplicate; their struct tags are the contract, pinned
// by a golden test. Version is set to story.Version when zero.
//
// # Delivery
//
// Every message carries a deterministic Nats-Msg-Id: "story:<id>" for a
// story on its own topic, "story:<id>@<topic>" on another of its topics, "dupe:<story id>:<member key>" for a duplicate, where the member key
// is a hash of the duplicate's feed, URL and GUID. A republish inside the
// stream's duplicate window is absorbed by the server and reported as a
// duplicate. Delivery is at least once end to end; the Store is idempotent on
// story ID and duplicate identity, so redelivery and replay are harmless.
//
// # Store
//
// The Store is one bbolt file (mode 0600, parent directory created 0700)
// with the buckets stories (id -> JSON), by_time (topic 0x00 time id -> nil,
// one key per topic the story is announced on),
// dupes (story id 0x00 member key -> JSON; story and copy records are
// zstd-compressed, plain JSON from earlier versions still read, see
// record.go), feeds (feed id -> JSON),
// templates (host -> opaque site template bytes, see LoadTemplate) and meta
// (last applied stream sequence). The fetched article pages kept for
// re-extraction (SavePage) have their metadata in the buckets pages,
// pages_by_time and pages_meta, and their compressed bodies in append-only
// segment files in the directory beside the store file (PageDir: the
// file's path and ".pages"), read with pread, never through bbolt's
// memory mapping; pages_segs counts the pages of each segment, and a
// segment no page names is removed (pagelog.go). bbolt reads the file
// through a shared memory mapping of all of it, and a page read stays
// resident in the process until the mapping lets go of it; a write
// gives the mapping's pages back to the kernel, at most every
// releaseEvery (madvise MADV_DONTNEED on Linux, resident.go), so the process keeps
// resident only the pages read since, not most of the file. The data
// stays in the kernel's page cache. bbolt holds an exclusive file lock, so
// only one process may open the file for writing; a second open fails with
// ErrLocked after StoreOptions.Timeout. A read-only open takes a shared
// lock and therefore also waits while a writer holds the file.
//
// Store.Consume applies the stream through a durable pull consumer, one
// message at a time, and acknowledges a message only after its bbolt
// transaction has committed. A message that cannot be decoded is logged and
// terminated so it never blocks the stream; a failed store write ends
// Consume with an error, because the daemon cannot make progress without its
// store.
//
// # Concurrency
//
// Embedded, JetStream and Store are safe for concurrent use. Readers of the
// Store (Stories, Report, Story, FeedState, FeedStates, LastSeq, WaitSeq) run
// alongside Consume and PutEvent; bbolt gives each read a consistent
// snapshot. Consume owns the goroutine that calls it and starts none that
// outlive it. Run at most one Consume per Store.
//
// Connect returns a *nats.Conn that reconnects forever; closing or draining
// it is the caller's job, and it must happen before the embedded server is
// shut down.
package sink
