// Package httpapi serves the daemon's HTTP listener: liveness (/healthz),
// readiness (/readyz), Prometheus metrics (/metrics), Go's runtime
// profiles (/debug/pprof/, net/http/pprof), a JSON API under
// /api that the CLI uses while the daemon holds the store, and pages for
// people: the overview (/), one story (/stories/{id}), the dedupe report
// (/dupes) and the login page (/login).
//
// The listener binds to loopback by default. A Server is safe for
// concurrent use.
//
// # Authentication
//
// Without Options.Token everything is open. With it, /healthz, /readyz,
// /login, /logout, the overview's script (/assets/home.js, which holds no
// data) and the WebSub callback stay open; every other route needs one
// of two credentials:
//
//   - "Authorization: Bearer <token>", for scripts and the CLI. The token
//     is compared in constant time (both sides hashed first, so neither
//     its contents nor its length show in the timing).
//   - The cookie of a session, for browsers. POST /login with the form
//     field token (the same token) starts a session: a random 256-bit ID
//     in the cookie feedsift_session (HttpOnly, SameSite=Strict, Path=/,
//     Secure when the request came over TLS, Max-Age the session's
//     lifetime). The server holds only the SHA-256 of each ID, with its
//     expiry, in memory: a session lasts Options.SessionTTL
//     (DefaultSessionTTL, 12 h) from its login, POST /logout ends it on
//     the server and clears the cookie, and a restart of the daemon ends
//     them all. At most 1000 sessions are held; a login past that ends
//     the one closest to its expiry.
//
// Without a credential, the API answers 401 with a JSON error and a
// Bearer challenge, never a redirect; /metrics and /debug/pprof/ answer
// 401 as text; a page asked for by a browser (no Authorization header)
// is a 303 to /login?next=<the page>, and a page asked for with a wrong
// bearer token answers 401. The login page returns to next only when it is a path of
// this site (one leading "/", no scheme, host, backslash or control
// character, not /login or /logout); anything else returns to /. With a
// live session GET /login goes straight to next.
//
// Failed logins are slowed per client address: after 5 failures within
// a minute, POST /login answers 429 with Retry-After until the oldest of
// them is a minute old, whatever the token. A successful login clears
// the address's failures.
//
// Every POST and DELETE that changes something, and the login and logout
// forms, refuse a request whose browser says it comes from another site
// (Sec-Fetch-Site other than same-origin or none, or an Origin of another
// host) with 403; clients that send neither header (the CLI, curl) pass.
// With SameSite=Strict the session cookie is not sent on requests from
// other sites at all, so a link to a page followed from elsewhere lands
// on the login form once.
//
// # The API
//
// /api/stories and /api/dupes take the query parameters topic, since
// (see ParseSince) and limit; a bad one answers 400 naming it. Every error
// under /api, including 401, 404 for an unknown path and 405 (with Allow)
// for a method a path does not take, is an APIError: {"error": "...",
// "status": N} with Content-Type application/json. The pages answer
// errors as text. DELETE /api/feeds/{id} answers the removed feed's
// FeedInfo with its last poll state, as GET /api/feeds listed it.
//
// # The pages
//
// The overview lists the feeds and their health, a page of the newest
// stories grouped by topic (topics without stories are not listed), and
// the dedupe counts. It searches titles (q, a substring in any case, on
// the server), pages with a cursor (the "older" link sets before and
// before_id to the last story shown, so pages neither skip nor repeat a
// story when new ones arrive), and reloads its first page every 60 s
// (refresh=N sets the period, refresh=0 turns it off, and so does
// unticking the page's box, remembered in the browser) unless the reader
// is typing. A story's page lists its copies (URL, feed, similarity,
// method, when seen), the stories merged into it and its related
// stories, each linked. Times within 30 days of now read relative ("3h
// ago", "in 5m", "5d ago"), older ones as dates; each is a <time> element
// with the exact time as its title. The pages load no script but the
// overview's own (Content-Security-Policy script-src 'self').
package httpapi
