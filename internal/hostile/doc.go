// Package hostile holds feedsift's hostile-input suite (issue 5). It has no
// code of its own: everything is in its tests, which start misbehaving
// servers on loopback and drive the real fetcher, internal/charset, parser
// and extract packages against them.
//
// # Cases
//
// TestHostile has one subtest per case: a body sent one byte per second,
// headers never sent, an endless body, a gzip bomb (1 MiB decoding to
// 1 GiB) and a streamed brotli bomb, a redirect loop, redirects to private
// targets (10.0.0.1, 169.254.169.254 plain and IPv4-mapped, [::1] and
// 0.0.0.0, the last two with a decoy server that must never be reached), a
// 10 MB title, invalid UTF-8 in a feed and in an article page, a "billion
// laughs" DTD with an external entity, 50,000 nested elements in an RSS
// item, in an extension element and in a JSON Feed, 50,000 nested divs and
// 20,000 unclosed formatting elements in an article page, and a feed whose
// GUIDs all change at every poll.
//
// # Invariants checked
//
//   - Every case ends within its own deadline (20s) with either a per-feed
//     error that names the feed and its URL and matches the package
//     sentinel with errors.Is (fetcher.ErrTimeout, ErrTooLarge,
//     ErrTooManyRedirects, ErrPrivateAddress, parser.ErrMalformed,
//     extract.ErrTooComplex), or a sane result: valid UTF-8, bounded
//     titles, unexpanded entities, the expected items.
//   - The live heap grows by less than 200 MiB during a case, sampled
//     every millisecond through runtime/metrics.
//   - A normal feed on another loopback host, polled through the same
//     fetcher.Client while the hostile request is in flight, still gets its
//     items within 3s, less than the slow cases take.
//
// # Farm
//
// Each server listens on its own address in 127.0.0.0/8, so the fetcher's
// per-host limits treat it as a separate site. The shared client allows
// 127.0.0.0/8 only; every other private range, ::1 included, stays
// refused. Timeouts (2s per attempt, one retry) are shorter than in
// production so that the suite runs in well under 30s with -race.
//
// The cases share no state and the suite needs no network beyond loopback.
package hostile
