// Package feedfarm is a small loopback "feed farm": a few invented news
// sites that serve feeds and article pages from memory. The feedsift demo
// runs against it on a machine with no network, and the end-to-end tests
// use it to check that the daemon publishes each story exactly once.
//
// # Scenario
//
// A Scenario lists sites. Each site has one feed in one format (RSS 2.0,
// Atom 1.0, RSS 1.0/RDF or JSON Feed 1.1), one page template that wraps
// every article in realistic boilerplate (menus, breadcrumb, share bar,
// related links, comment form, cookie banner, footer), and a list of
// entries. An entry is an Article as this site shows it: its own GUID,
// headline, page path and the round from which it is listed.
//
// Entries that share an Article.Slug are the same article. The one listed
// first (lowest FromRound) is the original; a later one on the same site is
// a repost, on another site a copy. Scenario.Expected derives from this what
// a correct pipeline must publish. Scenario.Validate rejects a scenario in
// which that is ambiguous.
//
// An entry with Keep > 0 shows only the first Keep paragraphs of its
// article: a trimmed copy.
//
// # Large farms
//
// Generate makes a scenario of hundreds or thousands of feeds (500 by
// default) from a seed: invented articles whose words come from a
// pseudo-word vocabulary, so distinct articles share no run of five words,
// and syndicated copies of some of them on other sites one round later
// (another GUID, URL and often headline, partner header and footer lines,
// sometimes trimmed). Scenario.Stories groups Expected into the stories a
// correct pipeline publishes by a given round, each with the item URLs
// that must collapse into it. Serve it with New like any scenario; Advance
// moves to the next round, FeedList lists the feed URLs in order and
// Requests counts the polls of one path.
//
// # Serving
//
// Farm.Handler serves:
//
//	/                               an index of the sites and their feeds
//	/<site>/feed.xml                RSS, Atom or RDF feed (feed.json for JSON Feed)
//	/<site>/<slug>.html             an article page; the query string is ignored
//
// A feed lists the entries whose FromRound is at most the current round,
// newest first, with absolute links built from the request's Host. A page is
// served once any entry pointing at it is listed; it shows the entry listed
// first, so a repost under the same path with tracking parameters gets the
// original page. Pages do not change between rounds; feeds change when an
// entry is added. Every response carries a strong ETag (a hash of the body)
// and Last-Modified, and conditional requests get 304 Not Modified when
// the body is unchanged. Last-Modified never stays the same across a change
// of body, so If-Modified-Since alone is also reliable.
//
// # Concurrency
//
// A Farm is safe for concurrent use: the handler may serve many requests
// while SetRound, Advance, Stats and Requests are called from other
// goroutines. Generate holds no shared state and may run concurrently. New copies the
// scenario, so the caller may change its own copy afterwards.
//
// Nothing here panics on bad input: New accepts any scenario, and if it
// does not validate, every request gets 500 with the validation error.
package feedfarm
