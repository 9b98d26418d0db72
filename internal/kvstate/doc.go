// Package kvstate keeps feedsift's per-feed state (story.FeedState:
// validators, schedule, failures) in a JetStream key-value bucket, so every
// instance of a cluster sees the same state. It offers the pipeline's
// StateStore methods (FeedState, PutFeedState) plus context-aware Get, Put,
// an optimistic read-modify-write Update and List.
//
// # Keys
//
// A feed ID becomes a KV key by a reversible escape (see Key): the bytes
// A-Z, a-z, 0-9, '-' and '_' stay as they are, every other byte is written
// as '=' followed by two upper-case hex digits. So "bbc-world" stays
// "bbc-world" and "example.com/rss" becomes "example=2Ecom=2Frss". Keys are
// one NATS subject token and always valid KV keys. Feed IDs must be
// non-empty, valid UTF-8, at most MaxFeedIDLen bytes and free of control
// characters; others fail with ErrInvalidFeedID.
//
// # Values
//
// A value is the JSON encoding of story.FeedState, whose FeedID always
// equals the feed ID of its key (Put and Update enforce it; Get rejects a
// value that names another feed with ErrInvalidValue).
//
// # Consistency
//
// Get and List read the bucket's latest revision. Buckets allow direct
// gets, which any current replica may answer, so in a replicated bucket a
// read may briefly miss a write another instance just made; Update is not
// affected (its write fails on a stale read and it reads again). Put
// overwrites unconditionally (last writer
// wins). Update reads the latest revision, applies its function and
// writes with the revision as a compare-and-set precondition; on a
// conflict it re-reads and tries again, at most Options.UpdateAttempts
// times, then fails with ErrConflict. Its function may therefore run
// several times and must have no side effects beyond its result.
//
// FeedState and PutFeedState have no context (the pipeline's StateStore
// interface has none): each bounds its call with Options.Timeout
// (default 5s).
//
// # Concurrency
//
// A Store is safe for concurrent use by many goroutines, and any number of
// Stores, in any number of processes, may share one bucket.
package kvstate
