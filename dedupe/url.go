package dedupe

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// trackingParams are query parameters that only say how a reader reached a
// page. Keys are compared lower-case; any key starting with "utm_" is also
// tracking.
var trackingParams = map[string]bool{
	"fbclid": true, "gclid": true, "dclid": true, "gbraid": true, "wbraid": true,
	"msclkid": true, "yclid": true, "twclid": true, "ttclid": true, "li_fat_id": true,
	"mc_cid": true, "mc_eid": true, "mkt_tok": true, "igshid": true, "igsh": true,
	"ref": true, "ref_src": true, "ref_url": true, "referrer": true,
	"cmpid": true, "cmp": true, "ito": true, "ncid": true, "ocid": true,
	"smid": true, "smtyp": true, "s_cid": true, "sr_share": true, "share": true,
	"soc_src": true, "soc_trk": true, "wt.mc_id": true, "spm": true,
	"at_medium": true, "at_campaign": true, "at_source": true, "at_content": true,
	"at_term": true, "at_ptr_name": true, "at_link_id": true, "at_link_origin": true,
	"at_link_type": true, "at_bbc_team": true, "at_format": true,
	"at_custom1": true, "at_custom2": true, "at_custom3": true, "at_custom4": true,
	"_ga": true, "_gl": true, "_hsenc": true, "_hsmi": true, "__twitter_impression": true,
	"rss": true, "rss_id": true, "feedtype": true,
}

// IsTrackingParam reports whether a query parameter key (any case) is one
// CanonicalURL removes.
func IsTrackingParam(key string) bool {
	k := strings.ToLower(key)
	return strings.HasPrefix(k, "utm_") || trackingParams[k]
}

// CanonicalURL returns the form of an http or https URL used as an identity
// key, so that the links two feeds give for one article compare equal:
//
//   - scheme and host are lower-cased, trailing dots on the host and the
//     default port (80 for http, 443 for https) are dropped; "www." is kept;
//   - user information and the fragment are dropped;
//   - percent-encoding is normalised: escapes of unreserved characters
//     (letters, digits, "-", ".", "_", "~") are decoded, other escapes use
//     upper-case hex, and characters that need escaping are escaped;
//   - dot segments are resolved, an empty path becomes "/", and a trailing
//     "/" is removed from any other path ("/a/b/" and "/a/b" name one
//     article on nearly every news site);
//   - tracking parameters (see IsTrackingParam) and empty parameters are
//     removed and the rest sorted by key, then value; "?" is dropped when
//     nothing is left.
//
// It returns an error wrapping ErrURL for a URL that does not parse, is not
// absolute http(s) or has no host. The result is a fixed point:
// CanonicalURL of the result returns it unchanged.
func CanonicalURL(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrURL, err)
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "http" && scheme != "https" {
		return "", fmt.Errorf("%w %q: scheme %q is not http or https", ErrURL, raw, u.Scheme)
	}
	if u.Opaque != "" {
		return "", fmt.Errorf("%w %q: not a hierarchical URL", ErrURL, raw)
	}
	host := strings.TrimRight(strings.ToLower(u.Hostname()), ".")
	if host == "" {
		return "", fmt.Errorf("%w %q: no host", ErrURL, raw)
	}
	for i := 0; i < len(host); i++ {
		if c := host[i]; c <= ' ' || c == 0x7f || strings.IndexByte("/?#@[]%\\\"<>^`{|}", c) >= 0 {
			return "", fmt.Errorf("%w %q: bad character %q in host", ErrURL, raw, c)
		}
	}
	if strings.Contains(host, ":") { // IPv6 literal
		host = "[" + host + "]"
	}
	port := u.Port()
	if port != "" {
		port = strings.TrimLeft(port, "0")
		if port == "" {
			port = "0"
		}
	}
	if port != "" && !(scheme == "http" && port == "80") && !(scheme == "https" && port == "443") {
		host += ":" + port
	}

	p := removeDotSegments(normEscapes(u.EscapedPath(), pathSafe))
	if p == "" {
		p = "/"
	}
	if len(p) > 1 {
		p = strings.TrimRight(p, "/")
		if p == "" {
			p = "/"
		}
	}

	var b strings.Builder
	b.Grow(len(raw))
	b.WriteString(scheme)
	b.WriteString("://")
	b.WriteString(host)
	if !strings.HasPrefix(p, "/") {
		b.WriteByte('/')
	}
	b.WriteString(p)
	if q := canonicalQuery(u.RawQuery); q != "" {
		b.WriteByte('?')
		b.WriteString(q)
	}
	return b.String(), nil
}

// canonicalQuery drops tracking and empty parameters and sorts the rest.
func canonicalQuery(raw string) string {
	if raw == "" {
		return ""
	}
	type kv struct{ k, v, s string }
	var ps []kv
	for part := range strings.SplitSeq(raw, "&") {
		if part == "" {
			continue
		}
		k, _, _ := strings.Cut(part, "=")
		if k == "" {
			continue
		}
		if dk, err := url.QueryUnescape(k); err == nil && IsTrackingParam(dk) {
			continue
		}
		if IsTrackingParam(k) {
			continue
		}
		s := normEscapes(part, querySafe)
		nk, nv, _ := strings.Cut(s, "=")
		ps = append(ps, kv{nk, nv, s})
	}
	slices.SortStableFunc(ps, func(a, b kv) int {
		if c := strings.Compare(a.k, b.k); c != 0 {
			return c
		}
		return strings.Compare(a.v, b.v)
	})
	ss := make([]string, len(ps))
	for i, p := range ps {
		ss[i] = p.s
	}
	return strings.Join(ss, "&")
}

const upperHex = "0123456789ABCDEF"

func isUnreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}

// pathSafe and querySafe are the characters, besides unreserved ones, that
// stay literal in a path or a query parameter.
func pathSafe(c byte) bool  { return strings.IndexByte("!$&'()*+,;=:@/", c) >= 0 }
func querySafe(c byte) bool { return strings.IndexByte("!$'()*+,;:@/?=", c) >= 0 }

// normEscapes decodes escapes of unreserved characters, upper-cases the hex
// of the others and escapes every byte that is neither unreserved nor safe
// (a stray "%" becomes "%25").
func normEscapes(s string, safe func(byte) bool) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			d := unhex(s[i+1])<<4 | unhex(s[i+2])
			if isUnreserved(d) {
				b.WriteByte(d)
			} else {
				b.WriteByte('%')
				b.WriteByte(upperHex[d>>4])
				b.WriteByte(upperHex[d&15])
			}
			i += 2
			continue
		}
		if isUnreserved(c) || safe(c) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(upperHex[c>>4])
		b.WriteByte(upperHex[c&15])
	}
	return b.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

// removeDotSegments implements RFC 3986 section 5.2.4.
func removeDotSegments(p string) string {
	if !strings.Contains(p, ".") {
		return p
	}
	var out []string
	segs := strings.Split(p, "/")
	for i, s := range segs {
		last := i == len(segs)-1
		switch s {
		case ".":
			if last {
				out = append(out, "")
			}
		case "..":
			if len(out) > 1 {
				out = out[:len(out)-1]
			}
			if last {
				out = append(out, "")
			}
		default:
			out = append(out, s)
		}
	}
	r := strings.Join(out, "/")
	if strings.HasPrefix(p, "/") && !strings.HasPrefix(r, "/") {
		r = "/" + r
	}
	return r
}
