package fetcher

import (
	"bufio"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/andybalholm/brotli"
)

// maxEncodings bounds how many stacked Content-Encodings are decoded.
const maxEncodings = 3

// rawLimit is the cap on the body as received: the decoded cap plus the
// framing overhead compression can add to incompressible data.
func rawLimit(maxBody int64) int64 {
	return maxBody + maxBody/512 + 4096
}

// rawReader caps the body as received and remembers the first read error,
// so that a decoder's complaint can be told apart from a transport failure.
type rawReader struct {
	r       io.Reader
	left    int64 // bytes still allowed
	limit   int64
	err     error
	counted int64
}

func (r *rawReader) Read(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	if r.left <= 0 {
		// Allowed bytes used up: more data means too large.
		var one [1]byte
		n, err := r.r.Read(one[:])
		if n > 0 {
			r.err = detail(ErrTooLarge, "body exceeds %d bytes as received", r.limit)
			return 0, r.err
		}
		if err != nil {
			r.err = err
		}
		return 0, err
	}
	if int64(len(p)) > r.left {
		p = p[:r.left]
	}
	n, err := r.r.Read(p)
	r.left -= int64(n)
	r.counted += int64(n)
	if err != nil {
		r.err = err
	}
	return n, err
}

// failure returns the transport-side error, if any, other than io.EOF.
func (r *rawReader) failure() error {
	if r.err == nil || errors.Is(r.err, io.EOF) {
		return nil
	}
	return r.err
}

// parseEncodings splits a Content-Encoding header into the codings in the
// order they were applied, leaving out identity.
func parseEncodings(header string) ([]string, error) {
	var codings []string
	for tok := range strings.SplitSeq(header, ",") {
		tok = strings.ToLower(strings.TrimSpace(tok))
		switch tok {
		case "", "identity":
			continue
		case "gzip", "x-gzip", "deflate", "br":
			codings = append(codings, tok)
		default:
			return nil, detail(ErrBadContentEncoding, "unsupported content encoding %q", tok)
		}
	}
	if len(codings) > maxEncodings {
		return nil, detail(ErrBadContentEncoding, "%d stacked content encodings (at most %d)", len(codings), maxEncodings)
	}
	return codings, nil
}

// decoder wraps r with the decoder for one coding.
func decoder(coding string, r io.Reader) (io.Reader, error) {
	switch coding {
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil, err
		}
		return zr, nil
	case "deflate":
		// RFC 9110 says zlib-wrapped, but some servers send raw DEFLATE.
		br := bufio.NewReader(r)
		if hdr, err := br.Peek(2); err == nil && isZlibHeader(hdr[0], hdr[1]) {
			return zlib.NewReader(br)
		}
		return flate.NewReader(br), nil
	case "br":
		return brotli.NewReader(r), nil
	}
	return nil, fmt.Errorf("unsupported content encoding %q", coding)
}

// isZlibHeader reports whether cmf, flg start a zlib stream (RFC 1950):
// method 8 (deflate), window at most 32 KiB, check bits valid.
func isZlibHeader(cmf, flg byte) bool {
	return cmf&0x0f == 8 && cmf>>4 <= 7 && (uint16(cmf)<<8|uint16(flg))%31 == 0
}

// readBody reads body, decoding contentEncoding, and fails with ErrTooLarge
// as soon as the decoded size passes maxBody (so memory stays bounded by
// maxBody whatever the compression ratio). sizeHint is the Content-Length,
// or -1.
func readBody(src io.Reader, contentEncoding string, maxBody, sizeHint int64) ([]byte, error) {
	codings, err := parseEncodings(contentEncoding)
	if err != nil {
		return nil, err
	}
	limit := rawLimit(maxBody)
	if len(codings) == 0 {
		limit = maxBody
	}
	if sizeHint > limit {
		return nil, detail(ErrTooLarge, "content-length %d exceeds %d bytes", sizeHint, limit)
	}
	raw := &rawReader{r: src, left: limit, limit: limit}
	var r io.Reader = raw
	for i := len(codings) - 1; i >= 0; i-- {
		d, err := decoder(codings[i], r)
		if errors.Is(err, io.EOF) && raw.counted == 0 {
			return []byte{}, nil // empty body, as with 204 or HEAD-like answers
		}
		if err != nil {
			if f := raw.failure(); f != nil {
				return nil, f
			}
			return nil, detail(ErrBadContentEncoding, "decode %s: %v", codings[i], err)
		}
		r = d
	}

	var body []byte
	if len(codings) == 0 && sizeHint >= 0 {
		body, err = readAll(io.LimitReader(r, maxBody+1), sizeHint+1) // +1: room to see EOF
	} else {
		body, err = io.ReadAll(io.LimitReader(r, maxBody+1))
	}
	if err != nil {
		if f := raw.failure(); f != nil {
			return nil, f
		}
		if len(codings) > 0 {
			return nil, detail(ErrBadContentEncoding, "decode %s: %v", strings.Join(codings, ", "), err)
		}
		return nil, err
	}
	if int64(len(body)) > maxBody {
		return nil, detail(ErrTooLarge, "decoded body exceeds %d bytes", maxBody)
	}
	return body, nil
}

// readAll is io.ReadAll with a starting capacity, for a known length.
func readAll(r io.Reader, initial int64) ([]byte, error) {
	b := make([]byte, 0, initial)
	for {
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return nil, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)] // let append pick the growth
		}
	}
}
