// Package pipeline is the only place that knows the order of feedsift's
// stages: schedule, fetch, parse, extract, ledger. For each due feed it
// fetches the feed document, parses it, drops items the ledger has
// decided before, fetches and extracts article pages where the feed
// carries only a summary, hands each new item to the ledger (package
// ledger), which decides whether it is a new story or a copy of one
// already published and publishes the decision, and only then advances
// the feed's validators.
//
// # Site templates
//
// With Options.Templates set, each fetched article page passes through its
// host's site template (package sitetemplate) under one mutex: paragraphs
// the host repeated on enough other pages are dropped, then the page is
// counted and the template saved. Templates are cached in memory by host
// and loaded lazily from the store, so they survive a restart. Texts taken
// from the feed itself are not touched.
//
// # Per-feed selector, page type and confidence
//
// A feed with a Selector (and Exclude) has its article pages extracted
// with them (extract.Options): when the selector matches nothing on a
// page, the automatic extraction is used and one warning is logged for
// the feed (per selector, for the life of the pipeline). Every story whose
// text came from a page carries the page's type and the extraction's
// confidence (story.Story.PageType, Confidence); new stories below
// story.LowConfidence are counted in feedsift_low_confidence_total by
// page type. Story updates and re-extractions refresh both.
//
// A page read only as extract's last resort (extract.BlockLastResort:
// every reader failed, and what is left is the page's region) counts as
// a page without text when the item has text of its own in its content
// or summary: that text is published, as when extraction finds nothing.
// An item without text of its own is published from the last resort,
// with its low confidence.
//
// # Delivery
//
// Delivery is at least once. A feed's ETag and Last-Modified (and with them
// the next poll's 304) advance only after every new item of the poll was
// published and acknowledged by JetStream; a poll with any failure leaves
// them where they were, so the next poll sees the same document again and
// publishes what is missing. When the feed answered and only the stream
// failed to take some stories (a timeout, a leader election), that next
// poll comes soon: 5 s after the poll, doubling with each such poll in a
// row, never later than the feed's normal backoff. The items waiting for
// it are counted in feedsift_items_pending, and the feed's last error
// (feeds list, /api/feeds) says how many failed. When the feed answered
// and an item's page failed for now (a timeout, a 5xx), the next poll
// comes 1 min after, doubling the same way, never later than the
// feed's normal backoff and never before the page's Retry-After: a
// story is minutes late, not an interval late. A feed that did not
// answer waits its normal backoff. Stories carry
// deterministic ids and message
// ids, so a republish inside the stream's duplicate window is absorbed and
// consumers stay idempotent on the story id.
//
// # Scheduling
//
// Run does not time feeds itself: a scheduler looks at the feed list
// (see SetFeeds) every Options.SchedulerTick plus jitter, reads each
// feed's NextCheck from the feed state, and enqueues the feeds that are
// due on a Queue under the due time, and a consumer of the same Queue
// runs the polls it is handed. With a *pollq.Queue (the daemon, embedded
// or clustered) every instance schedules and consumes the one work queue:
// instances that see the same feed due enqueue the same message id, at
// most one poll per feed is pending, and a poll held by an instance that
// died is delivered to another after the queue's ack wait. A poll is
// dropped when the shared state says it is no longer due (a late
// duplicate). A feed overdue by more than Options.RequeueAfter is
// enqueued under a new id, so a poll message lost by the server is
// replaced. The scheduler reads the state of a feed it enqueued again 5 s
// later, then ever less often while the state names the same due time
// (the poll waits in the queue behind others), up to half of
// Options.RequeueAfter and the feed's interval: a read per feed every few
// seconds would cost more than the polls with thousands of feeds queued.
// A look that finds the feed still due under the id it was enqueued with
// does not enqueue it again (the queue would absorb the repeat, and each
// was a round trip): a feed waiting in the queue is published once per
// id, a new one each Options.RequeueAfter while it is overdue. A poll run
// by this instance tells the scheduler the next check it recorded at
// once, or, when it recorded none (the state could not be read or
// written), to look again and enqueue it anew within seconds. Without Options.Queue, Run uses an in-process queue
// with the same contract.
//
// # Concurrency
//
// The queue runs at most Options.Workers polls at once (default 1024); a
// feed is polled by at most one worker at a time. A poll mostly waits: on
// the network, and on the fetcher's per-host spacing between the article
// fetches of its site, so many run at once and one slow or polite host
// holds only its own polls back. The CPU-bound steps, feed parsing and
// page extraction, run at most Options.CPUSlots at once (default
// GOMAXPROCS), so CPU and the memory of parsed pages stay bounded whatever
// the number of polls waiting. An article page takes one of
// Options.PageSlots (default 64 per CPU slot) when its host's turn comes
// and gives it back once the ledger has decided on its item, so when the
// CPU or the ledger is the limit a fetched page waits behind a bounded
// number of others, not behind every poll. Article fetches of different
// feeds run in parallel. The decision "new story or copy" and its publication are the
// ledger's: it serialises them, and across instances makes each one rest
// on the whole stream (see package ledger), so two copies of one article
// fetched at the same moment by two workers or two instances still
// become one story and a copy.
//
// When a poll ends, a *fetcher.Client fetcher closes its kept-alive
// connections to the hosts of the feed and its items that no other
// request is using (fetcher.Client.CloseIdle): the feed's next poll is an
// interval away, and with thousands of sites polled the connections of
// finished polls, each with its buffers and goroutines, would otherwise
// outnumber those in use until their idle timeout.
//
// # Shutdown
//
// When Run's context is cancelled, scheduling stops and the queue stops
// handing out polls (a *pollq.Queue gives back those that arrive after,
// for another instance). In-flight polls get the queue's drain timeout
// (Options.DrainTimeout for the in-process queue) to finish, their
// requests running under a context that is not yet cancelled; then they
// are cancelled and Run returns after every poll has returned.
package pipeline
