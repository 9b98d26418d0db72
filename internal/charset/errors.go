package charset

import "errors"

// ErrUndecodable is returned by ToUTF8 when no candidate encoding, not even
// the windows-1252 fallback, could decode the body.
var ErrUndecodable = errors.New("charset: body cannot be decoded")
