// Package websub is a WebSub (formerly PubSubHubbub) subscriber: it finds
// the hub a feed advertises, subscribes to the feed's topic there, answers
// the hub's verification of intent, and receives the content the hub
// pushes, checking its signature before handing it on.
//
// # Discovery
//
// Hub reads rel="hub" and rel="self" from the HTTP Link headers of a feed
// response and, for what those do not give, from the feed-level link
// elements of the document (Atom link, atom:link in RSS, HTML link). The
// self URL is the topic; without one, the URL the feed was fetched from is
// used.
//
// # Subscriptions
//
// A Subscriber holds at most one subscription per topic. Each has an
// opaque random ID, which makes its callback URL CallbackBase + "/" + ID,
// and a random secret (32 random bytes, hex) sent as hub.secret, so every
// delivery can be authenticated with X-Hub-Signature. A subscription moves
// pending -> active when the hub verifies the intent, active -> active on
// renewal, active -> unsubscribing -> removed on Unsubscribe, and to denied
// when the hub denies it. Only verified content reaches Options.OnContent;
// unsigned and badly signed deliveries are acknowledged with 202 (so an
// attacker learns nothing) and dropped, logged at warn and counted in
// State.
//
// # What the daemon does
//
// The daemon owns every goroutine; the Subscriber starts none.
//
//   - Serve the Subscriber on its HTTP listener under the path of
//     CallbackBase (for example "/websub/"), outside any token guard, since
//     hubs call it. CallbackBase must be the public URL that reaches it.
//   - After each poll, call Hub on the response; when a hub is found and
//     the topic has no subscription, call Subscribe. Subscribe's error
//     means polling simply goes on.
//   - Run a renewal loop (every few minutes) that calls Renew for each
//     topic of Due(time.Now()).
//   - Persist Marshal's output (it holds the secrets) in the store whenever
//     Options.OnChange fires, and Unmarshal it at startup before serving.
//   - Call Unsubscribe when a feed leaves the configuration.
//
// Polling is the fallback and stays the daemon's concern: while a topic's
// subscription is active the daemon keeps polling the feed at a longer
// interval, which catches anything a hub failed to push, and it polls at
// the normal interval while the subscription is pending, denied or
// expired. Content pushed by a hub goes to OnContent, which must only
// queue it (the pipeline parses it as a feed): it runs before the hub gets
// its answer.
//
// # Concurrency
//
// A Subscriber is safe for concurrent use: Subscribe, Unsubscribe, Due,
// State, Marshal and ServeHTTP may run at the same time. One mutex guards
// the subscriptions and is never held during I/O or callbacks; the
// counters are atomic. There is no package-level mutable state.
package websub
