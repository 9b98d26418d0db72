// Package ledger owns the one decision feedsift adds to a feed reader: is
// this item a new story, a copy of a story already published, or an
// update of one, and which version is kept. It holds the near-duplicate
// index and people's overrides, publishes each decision on the story
// stream exactly once, follows the stream so that every instance decides
// on what every instance published, and carries out splits, merges and
// re-extractions.
//
// # Why a copy joins a story (decide.go)
//
// The pipeline hands Decide a Candidate: a feed item with its identity
// keys (dedupe.IdentityKeys: the feed GUID, the canonical URL) and, unless
// the index already knows one of those keys, its clean text.
//
//  1. Every key known: the item was decided before (by this worker,
//     another, or another instance). Nothing is published (Known).
//  2. A repost (one key known, no text needed): a copy of the story that
//     holds the key, method "guid" or "url", similarity 1. A page that
//     declares another address on its own site (rel=canonical, og:url)
//     adds that address to the item's keys; a page that names a known
//     story's address on another site as the original is a copy of it,
//     method "canonical" (credit.go).
//  3. Otherwise the text is matched against the index (dedupe.Index.Match,
//     whose package doc gives the rule; the daemon gives the index the
//     stored texts of stories for its second stage, so a heavy rewrite
//     can be told from another story by its sentences): a match is a copy of the story,
//     with the method, the containment as similarity and the index's
//     reason; when the copy is the story's text plus new paragraphs, the
//     story also gets a new revision with the copy's text (revision.go).
//  4. No match: a new story, whose ID is derived from its first identity
//     key, carrying the near but distinct stories as Related.
//
// In 2 and 3 people's overrides come first (overrides.go): a key that was
// split out of a story follows the story it was split into; a text at
// least as close to a split-off story as to the one it matched joins the
// split-off; a story merged into another sends its copies there. The
// copy's reason says so. An update only revises the kept version's text.
//
// # Which version is kept (canonical.go)
//
// The first copy to arrive founds the story. A copy that arrives later
// replaces it as the story's kept version when the kept version names it
// as the original (Story.Credits: rel=canonical or og:url to its
// address, or a <source> on its site; a copy that names the kept version
// never replaces it), when its outlet ranks higher in
// Options.PreferredSources, or, without a ranking between them, when its
// item was published more than 12 hours before: the former version's
// record is published as a copy (method "replaced"), then the story as an
// update under the same ID with the new version's fields and Story.Kept
// saying why. Stories a person split, merged or chose the version of
// (Keep) keep their version.
//
// # Every topic gets the story once (topics.go)
//
// A copy that came through a feed of another topic than its story's
// announces the story on that topic: the story, with the topic added to
// Story.Topics, is published on that topic's subject only, with
// Nats-Msg-Id "story:<id>@<topic>". Whether the story is announced there
// already is read from the Review store once it has applied the stream
// sequence the copy's decision rested on, which covers every earlier
// announcement, by any instance. Every later version of a story (an
// update, a new kept version, an override's update, a re-extraction) is
// published on each of its topics, its own first. The follower applies a
// story from its own topic only: the others repeat it.
//
// # Why each story is published once (sequence.go, follow.go)
//
// Decisions are serialised by one mutex in a process. Across instances,
// each instance's StreamFollower applies every story, copy and override
// on the stream, in order, to its index and overrides; it moves past the
// decisions of its own instance's ledger, which added them to the index
// when it published them (Follower.AppliedLocally). A decision rests on
// the stream sequence the index covers (what the follower applied, or the
// ledger's own last publish if newer), and is published with
// Nats-Expected-Last-Sequence set to it. If another instance published in
// between, the server refuses the message; the ledger waits until its
// follower has applied the newer message, decides again (the item may now
// be a copy, or known) and publishes again, up to 100 times. Every
// message carries a deterministic Nats-Msg-Id (story:<id>,
// dupe:<story>:<member key>, ...), so a retry after a lost ack is absorbed
// by the stream's duplicate window, and a subscriber that sees a story
// twice sees the same id. A publish is bounded by 10s so a lost ack never
// holds the mutex long. An error from Decide means nothing was recorded:
// the pipeline keeps the feed's validators and the item is decided again
// at the next poll.
//
// # What a restarted or second instance sees (follow.go, snapshot.go)
//
// Follow restores the index before any decision: from the snapshot in the
// store when one fits the stream (only the messages after it are read,
// and the overrides up to it are replayed), or else from the stream's
// first message; it returns once the index has applied the stream's last
// sequence as of the start. A second instance therefore decides on every
// story the first published, and on every split and merge people asked
// for. Entries older than the dedupe window are not applied.
//
// # Splits, merges, kept versions and re-extraction (review.go, revise.go)
//
// Split, Merge and Keep publish a story.Override, then the story updates
// it causes (story.SplitStory, story.MergeStories, story.KeepMember: the
// store applies the same rules when it reads the override, so both
// agree), apply it to the overrides, and wait up to 10s for the local
// store to have applied it.
// The override is published first, so a failure after it leaves the store
// consistent and a retry only announces again. Revise takes a kept page
// extracted again: the story's own page gives a story update when its
// text changed; a copy's page that no longer matches its story is split
// out, as a split by "reextract".
package ledger
