package extract

import "errors"

// Sentinel errors returned by Extract. Callers branch on them with errors.Is;
// the returned error may wrap them with more detail.
var (
	// ErrNoContent is returned when the page holds no usable main text:
	// empty or non-HTML input, or a page whose text is all boilerplate.
	ErrNoContent = errors.New("extract: no usable content")

	// ErrTooComplex is returned for pathological pages: more elements than
	// Options.MaxNodes, or nesting deeper than the HTML parser accepts.
	ErrTooComplex = errors.New("extract: page too complex")

	// ErrTooLarge is returned for input larger than MaxInputSize bytes.
	ErrTooLarge = errors.New("extract: page too large")
)
