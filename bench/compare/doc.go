// Package compare adapts feedsift's extractor and the third-party Go
// extractors it is measured against to the extracteval.Extractor signature,
// so that one scoring loop can run them all on the same pages.
//
// It lives in the bench module (github.com/feedsift/feedsift/bench), not in
// the daemon's module, so go-trafilatura, go-readability and their
// dependencies never enter the daemon's go.mod or binary.
//
// # Invariants
//
//   - Every adapter takes the page's raw bytes, in whatever encoding the page
//     was saved in. go-trafilatura and go-readability detect the charset
//     themselves (github.com/go-shiori/dom runs chardet); Feedsift decodes
//     with golang.org/x/net/html/charset first, standing in for the daemon's
//     internal/charset.ToUTF8, which another module cannot import.
//   - An adapter never panics: a panic inside a third-party extractor is
//     recovered and returned as an error naming the extractor.
//   - An error means the extractor produced no text; the returned string is
//     then empty.
//
// # Concurrency
//
// The package holds no mutable state. The adapters may be called from any
// number of goroutines at once, as far as the wrapped libraries allow
// (each call builds its own parser).
package compare
