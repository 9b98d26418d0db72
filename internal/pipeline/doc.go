// Package pipeline is the only place that knows the order of feedsift's
// stages. For each due feed it fetches the feed document, parses it, drops
// items it has seen, fetches and extracts article pages where the feed
// carries only a summary, decides for each new text whether it is a new
// story or a copy of one already published, publishes the result, and only
// then advances the feed's validators.
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
// # Delivery
//
// Delivery is at least once. A feed's ETag and Last-Modified (and with them
// the next poll's 304) advance only after every new item of the poll was
// published and acknowledged by JetStream; a poll with any failure leaves
// them where they were, so the next poll sees the same document again and
// publishes what is missing. Stories carry deterministic ids and message
// ids, so a republish inside the stream's duplicate window is absorbed and
// consumers stay idempotent on the story id.
//
// # Concurrency
//
// Run owns a fixed pool of workers that poll feeds; a feed is polled by at
// most one worker at a time. Article fetches of different feeds run in
// parallel. The decision "new story or copy" and its publication are
// serialised by one mutex, so two copies of one article fetched at the same
// moment by two workers still become one story.
//
// # Shutdown
//
// When Run's context is cancelled, scheduling stops and polls still
// queued for a busy worker are dropped without a request. In-flight polls
// get Options.DrainTimeout to finish (their requests keep running under a
// context that is not yet cancelled), then they are cancelled and Run
// returns after every worker has exited.
package pipeline
