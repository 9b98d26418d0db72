package opml

import "errors"

// Sentinel errors. Returned errors wrap them with details; match them with
// errors.Is.
var (
	// ErrTooLarge means the input is longer than MaxSize bytes.
	ErrTooLarge = errors.New("opml: document too large")

	// ErrTooDeep means outlines nest more than MaxDepth levels deep.
	ErrTooDeep = errors.New("opml: outlines nested too deeply")

	// ErrDoctype means the document holds a DOCTYPE or another <!...>
	// directive, which OPML never needs and which could declare entities.
	ErrDoctype = errors.New("opml: DOCTYPE or directive not allowed")

	// ErrNotOPML means the document is well-formed enough to read but its
	// root element is not <opml>, or it has no <body>.
	ErrNotOPML = errors.New("opml: not an OPML document")

	// ErrMalformed means the document is not well-formed XML (the
	// *xml.SyntaxError, when there is one, is wrapped too) or ends early.
	ErrMalformed = errors.New("opml: malformed document")

	// ErrInvalidOutline is returned by Write for an outline it cannot
	// write, such as one without XMLURL or with an invalid Topic.
	ErrInvalidOutline = errors.New("opml: invalid outline")
)
