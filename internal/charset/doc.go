// Package charset converts a fetched feed document to UTF-8 before it is
// parsed.
//
// ToUTF8 decides on one encoding for the whole body from, in order: a byte
// order mark; the byte pattern of UTF-16 or UTF-32 text without a mark; the
// encoding attribute of an XML declaration; a <meta charset> or http-equiv
// declaration of an HTML document; the charset parameter of the HTTP
// Content-Type; and finally the bytes themselves (valid UTF-8 stays UTF-8,
// anything else is read as windows-1252). A declaration that the bytes
// contradict is passed over: text declared UTF-8 that is not valid UTF-8,
// text declared in a legacy ASCII-based encoding that is valid UTF-8 with
// multi-byte sequences, and text declared UTF-16 or UTF-32 whose bytes are
// plainly 8-bit. Unknown or unsupported encoding names are ignored, so a
// body is always decoded by something.
//
// # Invariants
//
//   - The output is valid UTF-8 and has no byte order mark.
//   - When the body had an XML declaration naming an encoding, the output's
//     declaration names utf-8, so an XML parser reading the output does not
//     decode it a second time.
//   - When the body needs no change the output is the input slice itself;
//     callers that mutate the output must not reuse the input.
//
// Codecs come from golang.org/x/text; the package does no I/O and keeps no
// state, so it is safe for concurrent use.
package charset
