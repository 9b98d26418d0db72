package compare

import (
	"bytes"
	"fmt"
	"io"
	"net/url"
	"strings"

	readability "codeberg.org/readeck/go-readability/v2"
	"github.com/markusmobius/go-trafilatura"
	"golang.org/x/net/html/charset"

	"github.com/feedsift/feedsift/extract"
	"github.com/feedsift/feedsift/internal/eval/extracteval"
)

// Named is an extractor with the name it is reported under.
type Named struct {
	Name    string
	Extract extracteval.Extractor
}

// Extractors returns, in report order: feedsift, go-trafilatura with its
// defaults, go-trafilatura with EnableFallback, and readeck go-readability v2.
func Extractors() []Named {
	return []Named{
		{Name: "feedsift", Extract: Feedsift},
		{Name: "go-trafilatura", Extract: Trafilatura},
		{Name: "go-trafilatura+fallback", Extract: TrafilaturaFallback},
		{Name: "readeck go-readability v2", Extract: Readability},
	}
}

// ToUTF8 decodes page to UTF-8 with golang.org/x/net/html/charset: byte
// order mark, then a <meta> charset declaration in the first 1024 bytes,
// then UTF-8 when the bytes are valid UTF-8, else windows-1252. Pages that
// are already UTF-8 are returned unchanged.
func ToUTF8(page []byte) ([]byte, error) {
	enc, name, _ := charset.DetermineEncoding(page, "text/html")
	if name == "utf-8" {
		return page, nil
	}
	out, err := io.ReadAll(enc.NewDecoder().Reader(bytes.NewReader(page)))
	if err != nil {
		return nil, fmt.Errorf("compare: decode %s: %w", name, err)
	}
	return out, nil
}

// Feedsift runs extract.Extract on the page decoded by ToUTF8, with only
// the page URL as options (no feed title or summary), and returns
// Article.Text.
func Feedsift(page []byte, pageURL string) (text string, err error) {
	defer recoverAs("feedsift", &err)
	b, err := ToUTF8(page)
	if err != nil {
		return "", err
	}
	a, err := extract.Extract(b, extract.Options{URL: pageURL})
	if err != nil {
		return "", fmt.Errorf("compare: feedsift: %w", err)
	}
	return a.Text(), nil
}

// Trafilatura runs go-trafilatura with its default options (the zero
// Options, comments kept apart and not returned) and returns ContentText.
func Trafilatura(page []byte, pageURL string) (string, error) {
	return trafilaturaRun("go-trafilatura", page, pageURL, false)
}

// TrafilaturaFallback is Trafilatura with EnableFallback set, which also
// runs go-readability and go-domdistiller and keeps the best candidate.
func TrafilaturaFallback(page []byte, pageURL string) (string, error) {
	return trafilaturaRun("go-trafilatura+fallback", page, pageURL, true)
}

func trafilaturaRun(name string, page []byte, pageURL string, fallback bool) (text string, err error) {
	defer recoverAs(name, &err)
	res, err := trafilatura.Extract(bytes.NewReader(page), trafilatura.Options{
		OriginalURL:    parseURL(pageURL),
		EnableFallback: fallback,
	})
	if err != nil {
		return "", fmt.Errorf("compare: %s: %w", name, err)
	}
	if res == nil {
		return "", fmt.Errorf("compare: %s: %w", name, ErrNoText)
	}
	return res.ContentText, nil
}

// Readability runs readeck's go-readability v2 with its default parser and
// returns the article's text as Article.RenderText gives it.
func Readability(page []byte, pageURL string) (text string, err error) {
	const name = "go-readability"
	defer recoverAs(name, &err)
	a, err := readability.FromReader(bytes.NewReader(page), parseURL(pageURL))
	if err != nil {
		return "", fmt.Errorf("compare: %s: %w", name, err)
	}
	if a.Node == nil {
		return "", fmt.Errorf("compare: %s: %w", name, ErrNoText)
	}
	var sb strings.Builder
	if err := a.RenderText(&sb); err != nil {
		return "", fmt.Errorf("compare: %s: %w", name, err)
	}
	return sb.String(), nil
}

// parseURL returns pageURL parsed, or an empty URL when it does not parse,
// so that libraries that resolve links against it never see nil.
func parseURL(pageURL string) *url.URL {
	u, err := url.Parse(pageURL)
	if err != nil {
		return &url.URL{}
	}
	return u
}

func recoverAs(name string, err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("%w: %s: %v", ErrPanic, name, r)
	}
}
