// Package extracteval scores main-text extractors on the extraction
// corpora of ../shared/corpus/extraction:
//
//   - WCXB-dev's articles (LoadWCXB) and its other pages (LoadWCXBOther:
//     forum, service, listing, product, collection, documentation, as
//     page-types.tsv gives them): each page has its hand-marked main text.
//     The output and the truth are lower-cased and cut into tokens
//     (Tokens); bag-of-words precision, recall and F1 are computed per page
//     and averaged over pages. The share of "with" snippets found in the
//     output and of "without" snippets wrongly kept is reported too (plain
//     substring match on the raw output).
//   - Mozilla Readability's test pages (LoadReadability): the same token
//     metric, against the text of Readability.js's expected output
//     (HTMLText). That is agreement with another extractor, not truth.
//   - trafilatura's evaluation set (LoadTraf): each page lists segments
//     that must appear ("with") and segments that must not ("without").
//     A with segment found is a true positive, missing a false negative; a
//     without segment found is a false positive, absent a true negative.
//     Segments are matched as substrings after collapsing white space in
//     both. Precision, recall and F1 are computed over all segments summed.
//
// An extractor error counts as empty output: the page is scored, not
// skipped, and Result.Errors counts it; Result.Empty counts every page
// whose output is empty.
//
// # Halves and parts
//
// Every page falls in one of two halves by a fixed hash of its domain
// (Half, HalfOf): rules are tuned on HalfTune and a change is kept only
// when it also helps HalfCheck, so that figures on the check half stand
// for pages nobody tuned on. Score reports each half, each page type and
// each page type in each half in Result.Parts; Combine merges results,
// for example the WCXB articles and the other page types into one "all
// types" figure.
//
// # Concurrency
//
// The package holds no mutable state; its functions may be called from any
// number of goroutines. Score itself runs the extractor on one goroutine so
// that its speed figures are for one core.
package extracteval
