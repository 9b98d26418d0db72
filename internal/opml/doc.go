// Package opml reads and writes OPML 2.0 subscription lists, the format
// feed readers use to import and export the feeds a person follows.
//
// # Reading
//
// Read (and Parse, its short form) flattens the outline tree into a list of
// feed subscriptions in document order. An outline with an xmlUrl attribute
// is a feed; an outline without one is a category (folder) whose children
// are read in turn. Each feed gets a Topic hint from the nearest enclosing
// category: its text (or title) lower-cased, kept as it is when
// story.ValidateTopic accepts it, otherwise turned into a slug (see
// TopicFromName). Feeds outside any category have an empty Topic.
//
// Outlines with neither an xmlUrl nor children, or whose xmlUrl is not an
// absolute http or https URL, are skipped and counted in
// Document.Skipped; a feed whose xmlUrl was already seen is dropped and
// counted in Document.Duplicates.
//
// # Limits and hostile input
//
//   - Input is capped at MaxSize bytes; a larger input fails with
//     ErrTooLarge without being read past the cap.
//   - Outlines nest at most MaxDepth deep (ErrTooDeep).
//   - A DOCTYPE (or any other <!...> directive) is refused with ErrDoctype,
//     so entity-declaration tricks never reach the decoder; encoding/xml
//     does not expand external or custom entities in any case. The named
//     HTML entities (&nbsp; and friends) are accepted, as feed readers
//     emit them.
//   - The encoding is found by internal/charset (byte order mark, XML
//     declaration, then the bytes), so UTF-16, ISO-8859-1 and windows-1252
//     exports read correctly. Every string returned is valid UTF-8 with
//     surrounding white space trimmed.
//   - Bad input never panics; errors start with "opml: " and match the
//     sentinels in errors.go.
//
// # Writing
//
// Write emits an OPML 2.0 document: feeds without a Topic at the top level
// in the order given, then one category outline per Topic, in the order
// topics first appear, holding that topic's feeds in the order given.
// Output is deterministic (no dateCreated), so it can be compared with a
// golden file. Parse(Write(x)) gives back x, except that an empty Type is
// written as "rss" and an empty Text or Title is filled from the other.
// FeedType gives the type for a feed's format: "rss", "atom" or "json".
//
// # Concurrency
//
// The package has no state; every function is safe for concurrent use.
package opml
