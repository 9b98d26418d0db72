package fetcher_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"

	"golang.org/x/net/dns/dnsmessage"

	"github.com/feedsift/feedsift/fetcher"
)

// rebindingDNS serves, on loopback UDP, A records for one name: first
// first, then every later query then. It is the attacker's name server in
// a DNS rebinding attack: the first answer passes a check, the later ones
// point inside the network.
func rebindingDNS(t *testing.T, name string, first, then netip.Addr) (addr string) {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	var answered atomic.Int32
	go func() {
		buf := make([]byte, 1500)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			var p dnsmessage.Parser
			h, err := p.Start(buf[:n])
			if err != nil {
				continue
			}
			q, err := p.Question()
			if err != nil {
				continue
			}
			b := dnsmessage.NewBuilder(nil, dnsmessage.Header{ID: h.ID, Response: true, Authoritative: true})
			b.EnableCompression()
			_ = b.StartQuestions()
			_ = b.Question(q)
			_ = b.StartAnswers()
			if q.Type == dnsmessage.TypeA && strings.EqualFold(q.Name.String(), name) {
				a := then
				if answered.Add(1) == 1 {
					a = first
				}
				_ = b.AResource(dnsmessage.ResourceHeader{Name: q.Name, Class: dnsmessage.ClassINET, TTL: 0},
					dnsmessage.AResource{A: a.As4()})
			}
			msg, err := b.Finish()
			if err != nil {
				continue
			}
			_, _ = pc.WriteTo(msg, from)
		}
	}()
	return pc.LocalAddr().String()
}

// TestDNSRebinding: a host name that resolves to an allowed address on the
// first lookup and to a refused one on the next is refused on the second
// fetch, and the refused address is never connected to.
func TestDNSRebinding(t *testing.T) {
	t.Parallel()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Connection", "close") // every fetch dials, and so resolves, anew
		fmt.Fprint(w, "public page")
	}))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	port := ln.Addr().(*net.TCPAddr).Port

	// The "internal" service the attacker wants: same port, another address.
	var decoyHits atomic.Int32
	decoyLn, err := net.Listen("tcp", fmt.Sprintf("127.0.0.2:%d", port))
	if err != nil {
		t.Skipf("cannot listen on 127.0.0.2 here: %v", err)
	}
	decoy := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		decoyHits.Add(1)
		fmt.Fprint(w, "internal secrets")
	})}
	go decoy.Serve(decoyLn)
	t.Cleanup(func() { decoy.Close() })

	dns := rebindingDNS(t, "rebind.test.", netip.MustParseAddr("127.0.0.1"), netip.MustParseAddr("127.0.0.2"))
	resolver := &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "udp", dns)
	}}
	c := newClient(t, fetcher.Options{
		AllowNetworks: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}, // stands in for "the public internet"
		Resolver:      resolver,
		Retries:       -1,
	})
	url := fmt.Sprintf("http://rebind.test:%d/", port)

	got, err := c.Fetch(t.Context(), fetcher.Request{URL: url})
	if err != nil || string(got.Body) != "public page" {
		t.Fatalf("first fetch (resolves to 127.0.0.1): %v, want the public page", err)
	}
	_, err = c.Fetch(t.Context(), fetcher.Request{URL: url})
	if !errors.Is(err, fetcher.ErrPrivateAddress) {
		t.Fatalf("second fetch (rebound to 127.0.0.2): err %v, want ErrPrivateAddress", err)
	}
	if !strings.Contains(err.Error(), "127.0.0.2") || !strings.Contains(err.Error(), "rebind.test") {
		t.Errorf("error %q does not name the host and the refused address", err)
	}
	if n := decoyHits.Load(); n != 0 {
		t.Errorf("the refused address was reached %d times", n)
	}
}
