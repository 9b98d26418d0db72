// Package sitetemplate learns the blocks a site repeats on its pages
// (navigation, footers, "Related" lists, comment forms, newsletter boxes)
// and strips them from extracted article text.
//
// A Counts holds what is known about one host: for each paragraph
// fingerprint, the number of distinct pages it appeared on. A paragraph
// seen on at least Options.MinPages other pages of the host is template,
// not story, and Strip drops it. The package does no I/O: the caller loads
// and saves a Counts with MarshalBinary and UnmarshalBinary.
//
// # Invariants
//
//   - A fingerprint is the FNV-64a hash of the paragraph lower-cased with
//     its white space collapsed, so it is stable across processes and
//     releases of this package.
//   - Only paragraphs of at most Options.MaxParagraph runes are counted or
//     dropped; story paragraphs are long and unique anyway.
//   - Observe counts a page (by key) once; observing it again changes
//     nothing. At most Options.MaxPages page keys are remembered (oldest
//     forgotten first) and at most Options.MaxFingerprints fingerprints
//     (least seen, then least recently seen, evicted first).
//   - Strip never returns less than half of the text (in runes): when
//     dropping would go below that, it returns the paragraphs unchanged.
//
// # Concurrency
//
// A Counts is not safe for concurrent use; callers serialise access.
package sitetemplate
