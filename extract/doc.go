// Package extract pulls the main text out of an article page and strips the
// boilerplate around it: navigation, share bars, related links, comment
// forms, cookie notices, bylines, repeated titles and the like.
//
// Extract works in four steps:
//
//  1. Parse the page (golang.org/x/net/html through goquery) and read the
//     metadata: title, author, publication time and language from meta
//     tags, JSON-LD and <time> elements.
//  2. Put React's streamed segments (hidden <div id="S:x">) in place of
//     their placeholders. Remove elements that never hold the story
//     (script, style, forms, nav, aside, footer, figures other than those
//     wrapping a table, …) and elements whose class, id, role or
//     aria-label name boilerplate (share, comment, related, sidebar, …),
//     or that are hidden. The element chosen as the article, every <main>,
//     the element holding the most <p> text, and their ancestors are never
//     removed, so a wrapper such as "content-sidebar-wrap" survives. Names
//     of small widgets (menu, toc, skip, screen-reader, tags, …) do not
//     remove an element holding paragraphs of text with few links, nor
//     does hiding remove a folded accordion or tab panel of such text.
//  3. Pick the main block: [itemprop=articleBody], then the best <article>,
//     then a readability-style scored container (text length, commas, link
//     density, class hints; loose text between <br>s scores its own
//     element). The container then grows to ancestors that add mostly
//     paragraph text with few links, looking past up to three levels that
//     add only headings or images, so a story split into sections is kept
//     whole. The feed item's title and summary, when given, favour the
//     candidate whose text overlaps them best.
//  4. Emit each paragraph, heading, list item, block quote or table cell of
//     the block as one paragraph, normalise it (mojibake repair, removal of
//     soft hyphens and zero-width characters, NFC, collapsed white space)
//     and run the line-level junk filters that CleanText also applies. An
//     author or reviewer bio heading in the second half of the text drops
//     itself and everything after it.
//
// # Invariants
//
//   - Every returned paragraph is valid UTF-8, in NFC, non-empty, without
//     leading or trailing white space and without line breaks.
//   - Junk patterns match whole short lines only: a phrase such as
//     "Leave a Reply" inside a story sentence is never removed.
//   - Paragraphs keep their document order.
//   - Zero-width joiner and non-joiner (U+200D, U+200C) are kept: they carry
//     meaning in Persian, Indic scripts and emoji. Other zero-width
//     characters and soft hyphens are removed.
//   - Input larger than MaxInputSize is refused with ErrTooLarge; more than
//     Options.MaxNodes elements gives ErrTooComplex.
//
// # Concurrency
//
// The package holds no mutable state. Extract and CleanText may be called
// from any number of goroutines at once.
package extract
