// Package parser turns a fetched feed document (RSS 0.9x/2.0, RSS 1.0/RDF,
// Atom 0.3/1.0 or JSON Feed) into story.Items.
//
// Parse first converts the body to UTF-8 with internal/charset, then parses
// it with gofeed and normalises every item:
//
//   - URL is absolute (http or https) or empty. Relative links are resolved
//     against xml:base, then, for RSS and JSON Feed, against the feed's own
//     link, and against the fetch URL; Atom resolves against the fetch URL
//     before the feed's link, as RFC 4287 asks. Among several links an
//     alternate (HTML) link is preferred; with no link at all, a GUID that
//     is an http(s) URL (and, in RSS, not isPermaLink="false") is used.
//   - Published and Updated are in UTC, or zero when the feed gives no date
//     gofeed can read.
//   - Every string is valid UTF-8 and trimmed of surrounding white space;
//     titles have HTML entities decoded and inner white space collapsed.
//     Titles, author names and categories longer than MaxTitleLen bytes
//     are cut to that length, ending with "…".
//   - Items with neither GUID nor URL nor title are dropped; a feed with no
//     items is not an error.
//
// Parse keeps no state between calls and builds its own gofeed.Parser per
// call, so it is safe for concurrent use. A panic inside gofeed on hostile
// input is recovered and returned as ErrMalformed.
package parser
