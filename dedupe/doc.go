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
// # Content: what is kept
//
// Text is decoded (HTML character references, UTF-8 read as Windows-1252),
// lower-cased and cut into Unicode word tokens (letters, numbers, marks and
// "_", like Python's \w). Every run of Shingle words is hashed to 64 bits
// and two consistent samples are taken by hash value (the same shingle is
// kept in every text, so sampled overlaps estimate full overlaps): the body
// sample, one in Sample (default 16), and the opening sample, one in
// Sample/4 (a superset). A kept shingle keeps the high 32 bits of its hash.
//
// A shingle held by MaxDocFreq live stories or more is boilerplate (a site
// template, a newsletter frame, a much-quoted sentence) and is ignored on
// both sides; a story's "distinctive" text starts at its first kept shingle
// that is not boilerplate, and word offsets count from there. A new story
// stores its distinctive opening-sample shingles in its opening (its first
// 64 words of distinctive text) and, past it, its distinctive body-sample
// shingles, at most Sketch of them (the smallest hashes, a bottom-k sketch;
// the cut "tau" is stored and texts are compared with it on the same hash
// range). A member merged into a story (Add with an existing StoryID) adds
// its body-sample shingles for containment only: they carry no offset, so
// a member's quoted paragraph can never satisfy the lead or alignment
// checks and stories do not chain through members.
//
// # Content: the decision
//
// Sizes and overlaps are estimated by weighting each kept shingle by the
// inverse of its sampling rate (Sample/4 in the openings, Sample scaled by
// the story's sketch cut past them). The text's shingles shared with a
// story form blocks: a block ends where a run of the text's distinctive
// shingles not shared with the story is at least 30% of the shorter text's
// distinctive length (at least 24, at most 6 body samples' worth) and the
// story also moves on by at least half that run between the shared
// shingles around it. The run counts only what the story could share: past
// a long story's sketch cut the text's body shingles are not counted, so a
// long copy is not split at random where several of them fall in a row. An edit, or a paragraph inserted in one text only,
// does not split a copy; two briefs that share only a new template's
// header and footer around different bodies share two small blocks.
// Containment and the shared count use the largest block; alignment the
// largest block or, for a copy whose lead was broken by edits (a small
// block at the top, the largest far in), the first block. A text is a
// duplicate of a story when:
//   - containment |A∩B|/min(|A|,|B|) (A∩B: the largest block) is at least
//     Threshold;
//   - the block holds at least MinShared kept shingles, so short texts
//     never match;
//   - alignment of the largest block or, when all blocks together hold at
//     least 60% of the shorter text, of the first block holding at least 2
//     shared shingles, by one of two routes. Near start: with a and b the word
//     offsets of the block's first shingle in the text and in the story,
//     min(a,b) <= 36, max(a,b) <= 56 and at least 2 shared shingles lie in
//     the text's first 72 words and the story's first 250 (1 is enough
//     for the largest block when it spans at least half of the shorter
//     text's estimated distinctive length: a copy re-spun in its first
//     sentences keeps few 5-word runs there, but its shared text runs
//     through most of it; Match.Reason then says "one shared shingle in
//     the lead"). Own header:
//     one text starts the shared part almost at once (within 8 words; or
//     the story has an own header of 64 words or more and the text's
//     first body-sample shingle, within 1.5 Sample words, is shared) and
//     the other within 100 words, with 2 shared shingles in the 72 words
//     from the block's start. A quote of an inner paragraph, or an update
//     that copies a story's opening after paragraphs of its own, starts
//     late in both and is kept apart, in either arrival order.
//
// A text is also a duplicate, whatever the containment threshold, when it
// shares the story's opening: the largest block starts within 8 words of
// one text's distinctive start and 36 of the other's, spans at least 56
// words of the text, is word for word (it holds at least 60% of the text's
// estimated distinctive shingles over its span) and holds at least
// MinShared kept shingles and 10% of the shorter text (an update that
// keeps a story's first paragraphs and appends another story's, or the
// story arriving after such an update; the other story, whose paragraphs
// come late in the update, is refused). A new template's header shared by
// different briefs is shorter than that.
//
// A heavy rewrite (words replaced, sentences dropped, the text trimmed and
// padded with its own) keeps few 5-word runs of the story, in stretches
// from near the start of both. A text is also a duplicate when its largest
// block starts within 36 words of both texts' distinctive start, passes
// the lead check (2 shared shingles in the text's first 72 words and the
// story's first 250), holds MinShared kept shingles and at least 25% of
// the shorter text, and spans at least 30% of the shorter text's estimated
// distinctive length. A quoted paragraph or a template header is usually
// one short stretch of the text; a quote that is itself a quarter of a
// short text, near the start of both, is not told apart (issue 13,
// category 4). Match.Reason names either route ("a shared opening", "a
// rewrite") when the text passed by it alone.
//
// No route passes a shared header only: a largest block that starts
// within 8 words of both texts' distinctive start, spans fewer than 56
// words, holds at least 80% of the opening-sample shingles of its span
// (word for word) while under half of either text is in the other: a new
// template's header over different bodies, before MaxDocFreq stories
// make it boilerplate.
//
// No route passes a template's frame either (issue 13, category 6):
// briefs of different originals in one new template share its header and
// its footer around bodies of their own, and a header of 56 words or more
// passes the shared opening, a short brief's frame the containment
// threshold. The text and a story share a frame when their shared text
// starts within 8 words of both texts' distinctive start and, at the
// widest gap between two shared shingles, each text holds text of its own
// (at least 48 words and 20% of the shorter text's estimated distinctive
// length; for the story, the words it moves on by less the shared words
// the text moves on by, so a long story's sparse body sample does not
// count as its own text) before they share text again, the shared
// stretches before and after the gap each spanning at most 100 words,
// word for word (80% of the text's estimated shingles over each). A copy
// shares its body with no gap of its own in both (an inserted paragraph
// or quote is in one text only), a trimmed copy stops where the story
// goes on, an update that keeps a story's opening and appends other text
// shares nothing after it, a copy under the same long header shares a
// header that runs on into the body, and a heavy rewrite is not word for
// word around its gaps. A frame whose footer left no shared shingle in
// the story's sample (a footer past a long header is sampled one word in
// Sample) is not seen: the two texts then share a header only. Match.Reason
// says "a template frame" with where the header ends and the footer
// starts.
//
// A brief's body of a few sampled shingles shows no such gap (its
// estimate falls short of 48 words), and the frame then holds most of
// each brief. With Options.Texts set, the frame is read in the texts, as
// the last check: a duplicate by any route whose first shared shingle
// lies within 36 words of both texts' distinctive start, and after whose
// last shared shingle the text holds no body-sample shingle (a shared
// footer ends it) or whose shorter text is at most 320 estimated words
// (a site's footer may be boilerplate already, its other sections'
// stories holding it, while a new section's header is not), is refused
// when both texts start with the same text and end with the same text
// (word for word, at least 8 words each: the header and the footer) and
// each holds at least 20 words between them (its body), the two bodies
// sharing at most 10% of the shorter one's 5-word runs. A copy shares
// its body, edited or not; a trimmed copy or an update shares no footer
// after its body; a copy under another site's wrapper shares neither. A
// template whose header opens with a line that varies (a date above the
// site's name) is not read as a frame. Match.Reason says "a template
// frame read in the texts" with the lengths of the header, the footer
// and the bodies.
//
// A header shared with a story is not a copy either, whatever its length,
// once a third story holds it: the largest block starts within 8 words of
// both texts' distinctive start, at least 80% of it (estimated) is held
// by another story as well, and each text is mostly its own (containment
// under 50% either way): a new template's header over different bodies
// seen in a third brief. A copy is mostly the story's text, even when an
// earlier copy of the story (its own story, the cluster split) holds the
// same text. Match.Reason says "a header seen in another story".
//
// Until a third story holds it, a header of 56 words or more over
// different bodies, with no footer seen, passes the shared opening on
// the shingles alone: the pair does not tell it from an update that
// keeps a story's opening. With Options.Texts set, the texts do (issue
// 13, category 2): a duplicate whose largest block starts within 8 words
// of both texts' distinctive start, while each text is under 90% in the
// other, is refused when the shared text over the block's span (found
// word for word in both texts) is furniture in both: no line holds two
// sentences of at least 7 terms and no such sentence follows a headline
// (a paragraph of its own, see below) that shares a word of 5 letters or more with it (see the two-wrappers
// routes below). A story's opening is a headline, a lead that names what
// the headline names and paragraphs of several sentences; a template's
// header is a line an item. Match.Reason says "a shared header" with the
// words of the block's span.
//
// Two copies of one story, each under a long header of its own (issue
// 13, category 1: datelines, bylines, credit and agency notes, partner
// links), share text that starts late in both, so neither alignment
// route passes them, and a story does not chain through its members'
// texts. With Options.Texts set, two more routes take them, the
// two-wrappers routes, for a largest block that is not a header nor a
// frame and holds MinShared kept shingles:
//   - a copy: the block holds at least 70% of the rest of both texts
//     (from where it starts in each to the end: the text's estimated
//     distinctive shingles from the block's first, the story's less the
//     words before the block's least offset in it), at least 50% of
//     each text and Threshold;
//   - a shared opening: the block starts past 8 words in both, spans at
//     least 56 words word for word (as the shared opening above) and
//     holds 10% of the shorter text (a brief of a story's opening under
//     a template's header and footer, and a copy of the story).
//
// Either passes only when what precedes the shared text in both (found
// word for word in the two texts, since the block's first shingle is a
// sampled one, and back over a line of at most 40 words that one text
// inserts between paragraphs; at most 160 words) is a header, not prose: no line of it
// holds two sentences or more of at least 7 terms (counted as the second
// stage counts them; a line holding a '|' is furniture, a row of items,
// not sentences) and, for the shared opening, no such sentence
// follows a headline (a line without a '|' or a final period, a blank
// line after it: a bar separates the items of a site's furniture, which
// is stacked a line an item) that shares a word of 5 letters or more
// with it (a headline and its lead; a site's lines that repeat its name
// or a writer's after its name and section or a byline do not count, nor
// does a line that names the line before it whole: a credit line after
// a site's or a writer's name, "Filed by ... for the <site> news desk",
// where a lead names what its headline names in words of its own; a
// lead that repeats its whole headline is taken for a credit line). A
// header is furniture a line an item; a
// story's own opening is a headline, a lead that names what the headline
// names, and paragraphs of several sentences. An update or a quoting
// story that puts a story of its own before another story's paragraphs
// shares the rest of both as a copy does, but its own part is prose; a
// quoted paragraph is a small part of the rest of at least one text and,
// when it is a story's opening quoted after a headline and lead, that
// headline and lead are prose. A header's own lines may share words (a
// site's name in its credit line), so the copy route, whose block holds
// the rest of both texts, asks for paragraphs only: a story whose lead is
// its only paragraph before another story's paragraphs to the end is
// taken for a header there. A story whose text the source does not know
// is not judged by these routes. Match.Reason says "a copy under two
// wrappers" with the shares of the rest of both, or "a shared opening
// under two wrappers", or, refused, what preceded the shared text.
//
// A brief of a story's opening (its first 45 words or more, as one
// paragraph) under a template's header and footer shares too few
// sampled shingles with a copy of the story under a header of its own
// for these routes. With Options.Texts set, a candidate no rule took nor
// refused as a header, a frame or prose before the shared text, whose
// largest block holds at least 10% of the shorter text and 2 kept
// shingles (at most 3 of them per text), is read in full: from where the
// shared text starts in both (as above) to where it ends (on over a
// line of at most 40 words one text inserts, or an edited word), it is a
// duplicate when the shared text starts past 8 words in one text at
// least and within 160 words of both, both texts hold 40 words of it
// word for word and at least 90% of its span in the text where it spans
// fewer words, it holds 2 counted sentences (prose), what precedes it in
// both texts is a header (as for the shared opening under two wrappers,
// a headline and its lead counting as prose) and what follows it in one
// text at least holds no line of two counted sentences: the shared lead
// is all of that text's prose. Two briefs of one template share their
// header from the start of both; a story quoting another's lead at its
// start, borrowing it before prose of its own, or telling the same event
// in other words is refused. A text with fewer than 2 counted sentences
// is refused without reading a story's text. Match.Reason says "a lead
// under two wrappers" with the words shared and where each text's header
// ends.
//
// When several stories qualify, the one sharing the largest block wins (a
// text that copies a story and quotes a short second one in full joins the
// first); when none does, the best containment is reported. A duplicate is
// also an Update when the text holds at least 70% of the story, the story
// at most 75% of the text, and both start the shared text within 24 words.
// Match.Reason gives the method, both containments, Jaccard, the shared
// count and span of the block, where it starts in each text (and where the
// first block starts when that one aligned the text) and, for a
// non-duplicate, the checks that failed.
//
// # Content: the second stage
//
// The index holds sampled shingles only, not texts. When Options.Texts (a
// TextSource, e.g. the daemon's store or an evaluation's memory) is set,
// Match checks the full texts of the few candidates the rules above
// refuse by a near miss: not a shared header nor a template frame, the
// largest block holding at least 10% of the shorter text and at least 2
// kept shingles; at most 3 of them, best containment first. A heavy rewrite keeps few 5-word
// runs but keeps its sentences' names, numbers and content words, in
// the same order. Both texts are cut into sentences (at '.', '!' or '?'
// before a space, at line breaks and at '|', which separates the items of
// a site's furniture, not prose); a sentence's terms are its words of 4
// letters or more and its words holding a digit, and sentences with fewer
// than 7 distinct terms are skipped (headlines, bylines, datelines, link
// lists and share buttons are short; the story's prose is not). Each
// sentence of the text with fewer sentences is paired with the sentence
// of the other sharing the most terms (Dice coefficient). A pair aligns
// at Dice 0.6 or more; one whose terms are the same is verbatim, any
// other aligned pair rewritten. The text is a duplicate when the aligned
// pairs in the longest run that keeps the same order in both texts (a
// longest increasing subsequence) number at least 60% of the shorter
// text's sentences, at least 2 of them rewritten, and the run starts
// within the first 4 counted sentences of both texts. A heavy rewrite
// leaves some sentences as they were: the verbatim ones count in its run.
// A short one, of a story's opening, may have only two or three sentences
// beside its site's own lines: two rewritten in order from the start are
// most of it. Verbatim pairs alone never make a rewrite: the shingles have
// judged verbatim text already (a template's sentences, a quoted
// paragraph, borrowed paragraphs). The start condition is the shingle
// rules' alignment: a rewrite of a story's opening paragraphs that an
// update appends after its own is kept apart. Two outlets' articles on
// one event share names and numbers but rarely two sentences in a row
// that share 60% of their terms, from the start of both. Reports written
// to one template about other subjects (another town's weather) do align
// sentence after sentence, but each holds in 80% or more of its sentences
// (and at least 3) a term the other lacks, its subject: such a pair is
// never a rewrite.
//
// A shared lead is a rewrite too, however the two texts go on (issue 13,
// brief copies): the shorter text's first aligned sentence is the first
// counted sentence of one text and within the first 4 of the other, the
// pairs from it follow one another in both texts with no sentence skipped,
// at least 2 of them reworded and at least half of the shorter text's
// sentences. A pair is reworded when a plain word (lower-case, without a
// digit) is in one sentence and not the other: the lines a site's
// template puts at the start of two briefs (a dateline, a byline, an
// agency note) differ only in their fields, numbers and capitalised words
// (dates, times, names: issue 13, category 1's headers), and never make
// a lead. An abridged brief founded in a new site template (its
// template still counted as its text, before MaxDocFreq stories hold it)
// and an edited copy of the same original that drops other sentences
// share little more than their first two sentences, reworded in one;
// they sit below the threshold and the 60% run. A quoted inner paragraph
// starts late in both texts. A
// story's opening quoted right after another text's own first sentence is
// not told apart from a brief's template line before its lead when the
// quoted lead is half of the story (a short edited copy); against a
// longer story it is. Match.Reason says "a shared lead" with the
// sentences it spans.
//
// A text with fewer than 2 counted sentences is refused without reading
// the story's text (no run can be long enough); the first 4 counted
// sentences of both texts are compared first, and when no pair of them
// aligns the rest of neither text is parsed (the run could not start in
// time); and the comparison stops as soon as its outcome is settled: when
// no pair within the first 4 sentences of both aligns, or when more than
// 40% of the shorter text's sentences align with none of the other's and
// no shared lead passed or can still start.
// Match.Reason says "a rewrite by the second stage" with the counts and
// the mean overlap of the run; a refused candidate's reason gives the
// same counts, or says which of these stopped it. Without Texts, Match
// decides as above alone, and a story whose text the source does not
// know is judged by the index alone.
//
// # Memory layout
//
// Postings (story holds kept shingle) take 6 bytes in a sorted main array:
// the low 16 bits of the 32-bit hash in one array (a bucket table indexed
// by the top 16 to 24 bits gives the rest) and a 32-bit word of story
// slot+1 (24 bits) and coded word offset (8 bits: exact below 64, then
// 16-word steps up to 3,104; 255 marks a member's). New postings go to an
// open-addressing table (8 bytes each) merged into the main array when it
// reaches a 32nd of it; removed stories' postings are dropped and their
// slots reused only at that merge. Per story slot the index holds flat
// arrays: id offset, time (32-bit seconds since 2000, to 2136), sketch cut
// and heap position (4 bytes each), posting and boilerplate counts and
// state (1 byte each); ids live in one byte arena (uvarint length + bytes)
// found through an open-addressing table of slots; identity keys are a map
// from their 64-bit hash to the slot plus a per-story chain. A Match's
// working buffers (the text's shingles and postings, the candidates, the
// slot-to-candidate map, the word tokens of the texts read with
// Options.Texts, the text's cut once per Match) come from a sync.Pool in
// the index and go back to it, so that matching allocates little beyond
// its verdict.
//
// Measured (BenchmarkIndexMemory, live heap after GC, distinct synthetic
// 365-word stories, default options, ~38 postings a story): 291.6 MB for
// 1,000,000 stories (292 bytes a story), 280 bytes a story at 200,000.
//
// # Hashes and collision odds
//
// Kept shingles are 32-bit hashes: two different shingles share one with
// odds 2^-32, so a text of ~100 kept shingles meets a spurious shared
// posting about once per million stories of ~40 postings; such a hit
// stays far below MinShared and the containment threshold. Identity keys
// are held as 64-bit hashes only: two different keys sharing one (odds
// about n²/2^65, ~3e-8 at a million keys) would be taken as the same key.
// Story ids are stored in full and compared in full after their hash, so
// they never collide.
//
// # Limits
//
// At most 16,777,214 stories (24-bit slots; Add beyond drops the oldest);
// at most 255 opening and 255 body postings a story (Sketch <= 255); word
// offsets saturate at 3,104; times before 2000 count as 2000.
//
// # Lifetime and snapshots
//
// A story's time is the newest Time of its entries. Evict removes stories
// older than Window; MaxStories, when set, bounds the count by removing the
// oldest story on Add. WriteTo and ReadIndex save and restore the index in
// a versioned binary format (version 2) with a CRC-32; ReadIndex rejects
// corrupt input with ErrSnapshot.
//
// Defaults were tuned on the labelled dev stream of corpus/dedupe (see
// package dedupeeval).
package dedupe
