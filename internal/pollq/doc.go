// Package pollq is feedsift's poll work queue on JetStream: every instance
// enqueues the polls it sees due, and every instance pulls polls from one
// shared durable consumer and runs them, so each due poll runs on one
// instance, and a poll held by an instance that dies is run by another.
//
// # Stream and consumer
//
// Open creates (or updates in place) a stream with WorkQueuePolicy on the
// subjects "<prefix>.>" (default stream FEEDSIFT_POLLS, prefix
// feedsift.poll) and one durable pull consumer (default "pollers") with
// explicit acks, unlimited deliveries and Options.AckWait (default 60s).
// The stream keeps at most one message per feed subject and refuses a
// second one (discard new per subject).
//
// # Messages
//
// A poll of feed F due at T is published on "<prefix>.<key of F>" with
// Nats-Msg-Id "poll:<F>:<T in unix seconds>" and a small JSON body
// {"feed": F, "due": T}. The key escapes F into one subject token: bytes
// A-Z, a-z, 0-9, '-' and '_' stay, every other byte becomes '=' and two
// upper-case hex digits ("example.com/rss" -> "example=2Ecom=2Frss"; the
// same escape package kvstate uses for KV keys). Feed IDs must be
// non-empty, valid UTF-8, at most MaxFeedIDLen bytes and free of control
// characters.
//
// # Invariants
//
//   - Enqueue is idempotent: the same (feed, due) enqueued by any number
//     of instances within Options.DuplicateWindow yields one message.
//   - At most one poll per feed is queued or running at a time: while one
//     is, Enqueue of the same feed (any due) is absorbed and returns nil.
//     A nil Enqueue therefore means "a poll of this feed is queued or
//     running".
//   - Delivery is at least once. Run acks a poll only after its handler
//     returned nil; while the handler runs it tells the server every
//     AckWait/3 that the poll is in progress. A poll whose instance dies
//     (no ack, no progress) is delivered again, to any instance, once
//     AckWait has passed. Handlers must therefore tolerate running a poll
//     twice (for example: skip the poll when the shared feed state says it
//     is not due any more).
//   - A handler error naks the poll with Options.NakDelay (default 5s), or
//     at once when Run is shutting down, so another instance takes it. A
//     message that is not a poll is terminated (never redelivered) and
//     logged.
//
// # Concurrency
//
// A Queue is safe for concurrent use. Run may be called by several
// goroutines or processes at once; each call has at most its workers
// handlers running and pulls only as many messages as it has idle
// workers, so no poll waits in a client buffer while its ack timer runs.
//
// # Shutdown
//
// When Run's context ends it stops pulling, naks (for immediate
// redelivery elsewhere) any poll that arrives after that, and waits for
// running handlers. Handlers run under a context that outlives Run's by
// Options.DrainTimeout (default 30s) and is then cancelled; Run returns
// once every handler has returned.
package pollq
