// Package dedupe decides whether an item is a story feedsift has already
// published: by identity (GUID, canonical URL) or by content (a near-copy of
// the text: the same wire story with another site's header and footer,
// trimmed, lightly edited or abridged).
//
// It is pure computation: no I/O, no logging, no package-level mutable
// state. Every method of Index is safe for concurrent use; Match and Seen
// take a read lock and run in parallel, Add, Remove and Evict take the write
// lock. Tokenising and shingling are done before taking any lock.
//
// # Identity
//
// CanonicalURL normalises a link (see its documentation for the exact
// rules), IdentityKeys lists the keys of a feed item ("guid:<feed>:<guid>",
// "url:<canonical>") and StoryID hashes the first key into a 32-character
// story id.
//
// # Content
//
// Text is decoded (HTML character references, UTF-8 read as Windows-1252),
// lower-cased and cut into Unicode word tokens (letters, numbers, marks and
// "_", like Python's \w). Every run of Shingle words is hashed to a uint64;
// only hashes divisible by Sample are kept (a consistent sample: the same
// shingle is kept in every text, so the overlap of two samples estimates the
// overlap of the full sets).
//
// Each story keeps the sorted sample of its texts (the union over its
// entries, 8 bytes a kept shingle) and the opening shingles of each entry.
// An inverted index maps each kept shingle to the stories holding it; the
// length of that list is the shingle's document frequency. A shingle held
// by MaxDocFreq stories or more is boilerplate (a site template, a
// newsletter frame, a much-quoted sentence) and is ignored on both sides.
// Match walks the inverted lists of the text's distinctive shingles, which
// yields, for every story sharing at least one, the exact size of the
// intersection; candidates need no separate verification step. (A MinHash
// sketch with LSH banding estimates Jaccard similarity, but the copies that
// matter here, trimmed and abridged ones, have high containment and low
// Jaccard, and the inverted lists also give the document frequencies.)
//
// A text is a duplicate of the best story when all of these hold:
//   - containment |A∩B|/min(|A|,|B|) over the distinctive sampled shingles
//     is at least Threshold;
//   - they share at least MinShared distinctive sampled shingles, so short
//     texts never match on content;
//   - the text's opening (its first distinctive shingles) appears among the
//     openings of the story's entries. A text that merely carries one of the
//     story's paragraphs (a quote), or appends it to another article, starts
//     differently and is not merged;
//   - the shared text starts at the very start of one of the two texts
//     (past boilerplate and a few edited words) and near the start of the
//     other, for at least one entry of the story. A header-wrapped copy or
//     a brief passes; a text quoting a story's inner paragraph, or an
//     update that copies a story's opening after paragraphs of its own,
//     has the shared text start late in both or far into one, in either
//     arrival order.
//
// Defaults were tuned on the labelled dev stream of corpus/dedupe (see
// package dedupeeval).
//
// # Lifetime
//
// A story's time is the newest Time of its entries. Evict removes stories
// older than Window; MaxStories, when set, bounds the count by removing the
// oldest story on Add. Memory is about 13 bytes of heap per word of indexed
// text on the dev stream, and about 8.3 kB a story on 1M distinct synthetic
// 365-word stories (BenchmarkIndexMemory): sample, inverted lists, openings.
package dedupe
