package fetcher

import (
	"context"
	"net"
	"net/netip"
	"strings"
	"syscall"
)

// special lists the IPv4 and IPv6 ranges the guard refuses beyond those the
// netip predicates already recognise (loopback, RFC 1918 and ULA,
// link-local, multicast, unspecified). Sources: the IANA IPv4 and IPv6
// Special-Purpose Address Registries, entries not globally reachable.
var special = []struct {
	prefix netip.Prefix
	reason string
}{
	{netip.MustParsePrefix("0.0.0.0/8"), "this-network"},
	{netip.MustParsePrefix("100.64.0.0/10"), "shared (CGNAT)"},
	{netip.MustParsePrefix("192.0.0.0/24"), "IETF protocol"},
	{netip.MustParsePrefix("192.0.2.0/24"), "documentation"},
	{netip.MustParsePrefix("192.88.99.0/24"), "6to4 relay"},
	{netip.MustParsePrefix("198.18.0.0/15"), "benchmarking"},
	{netip.MustParsePrefix("198.51.100.0/24"), "documentation"},
	{netip.MustParsePrefix("203.0.113.0/24"), "documentation"},
	{netip.MustParsePrefix("240.0.0.0/4"), "reserved"}, // includes 255.255.255.255
	{netip.MustParsePrefix("::/96"), "IPv4-compatible"},
	{netip.MustParsePrefix("64:ff9b:1::/48"), "local NAT64"},
	{netip.MustParsePrefix("100::/64"), "discard-only"},
	{netip.MustParsePrefix("2001::/23"), "IETF protocol"}, // includes Teredo
	{netip.MustParsePrefix("2001:db8::/32"), "documentation"},
	{netip.MustParsePrefix("3fff::/20"), "documentation"},
	{netip.MustParsePrefix("5f00::/16"), "SRv6 SID"},
	{netip.MustParsePrefix("fec0::/10"), "site-local"},
}

var (
	nat64Prefix = netip.MustParsePrefix("64:ff9b::/96")
	sixToFour   = netip.MustParsePrefix("2002::/16")
)

// IsPrivate reports whether the guard refuses addr when it is not inside
// Options.AllowNetworks: loopback, private (RFC 1918, ULA fc00::/7),
// link-local, unspecified, multicast, shared CGNAT space 100.64.0.0/10,
// documentation, benchmarking and reserved ranges, and any IPv6 form that
// embeds such an IPv4 address (IPv4-mapped ::ffff:a.b.c.d, NAT64
// 64:ff9b::/96, 6to4 2002::/16). An invalid address counts as private.
func IsPrivate(addr netip.Addr) bool {
	return classify(addr) != ""
}

// classify returns why addr is refused, or "" when it is a public unicast
// address.
func classify(addr netip.Addr) string {
	if !addr.IsValid() {
		return "invalid"
	}
	addr = addr.WithZone("").Unmap()
	if addr.Is6() {
		// Judge IPv6 forms that carry an IPv4 address by that address.
		switch {
		case nat64Prefix.Contains(addr):
			b := addr.As16()
			return classify(netip.AddrFrom4([4]byte(b[12:16])))
		case sixToFour.Contains(addr):
			b := addr.As16()
			return classify(netip.AddrFrom4([4]byte(b[2:6])))
		}
	}
	switch {
	case addr.IsUnspecified():
		return "unspecified"
	case addr.IsLoopback():
		return "loopback"
	case addr.IsPrivate():
		return "private"
	case addr.IsLinkLocalUnicast():
		return "link-local"
	case addr.IsMulticast():
		return "multicast"
	}
	for _, s := range special {
		if s.prefix.Contains(addr) {
			return s.reason
		}
	}
	return ""
}

// allowed reports whether addr may be dialled: it is public, or inside one
// of the allowed networks (compared both as given and unmapped).
func (c *Client) allowed(addr netip.Addr) (ok bool, reason string) {
	addr = addr.WithZone("")
	for _, p := range c.opts.AllowNetworks {
		if p.Contains(addr) || p.Contains(addr.Unmap()) {
			return true, ""
		}
	}
	reason = classify(addr)
	return reason == "", reason
}

type hostKey struct{}

// dialContext records the host being dialled for the error message and
// dials through the guarded net.Dialer.
func (c *Client) dialContext(ctx context.Context, network, address string) (net.Conn, error) {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		host = address
	}
	conn, err := c.dialer.DialContext(context.WithValue(ctx, hostKey{}, host), network, address)
	if err != nil {
		return nil, err
	}
	return c.conns.track(host, conn), nil
}

// control runs after DNS resolution, just before connect(2), for every
// address tried. Refusing here covers redirects and DNS rebinding alike.
func (c *Client) control(ctx context.Context, network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		host, _ := ctx.Value(hostKey{}).(string)
		return &addrError{host: host, addr: address, reason: "unparsable"}
	}
	if !strings.HasPrefix(network, "tcp") {
		host, _ := ctx.Value(hostKey{}).(string)
		return &addrError{host: host, addr: address, reason: "non-TCP (" + network + ")"}
	}
	if ok, reason := c.allowed(ap.Addr()); !ok {
		host, _ := ctx.Value(hostKey{}).(string)
		return &addrError{host: host, addr: ap.Addr().String(), reason: reason}
	}
	return nil
}
