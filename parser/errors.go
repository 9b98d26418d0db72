package parser

import "errors"

var (
	// ErrEmpty is returned for a body that is empty or only white space.
	ErrEmpty = errors.New("parser: empty body")

	// ErrUnknownFormat is returned when the body is not recognised as RSS,
	// RDF, Atom or JSON Feed. The error returned by Parse also matches
	// gofeed.ErrFeedTypeNotDetected.
	ErrUnknownFormat = errors.New("parser: unknown feed format")

	// ErrMalformed is returned when a recognised feed cannot be parsed: an
	// XML or JSON syntax error (wrapped, so errors.As finds the
	// *xml.SyntaxError or *json.SyntaxError), or a panic in gofeed.
	ErrMalformed = errors.New("parser: malformed feed")
)
