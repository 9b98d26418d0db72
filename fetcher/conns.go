package fetcher

import (
	"net"
	"net/url"
	"strings"
	"sync"
)

// connSet tracks the client's open connections by host name (the
// limiter's key), so that the idle ones of a host can be closed when the
// caller is done with it (Client.CloseIdle).
type connSet struct {
	mu    sync.Mutex
	hosts map[string]map[*trackedConn]struct{}
}

// trackedConn is a dialled connection, removed from its set when closed.
type trackedConn struct {
	net.Conn
	set  *connSet
	host string
	once sync.Once
}

// track registers conn, dialled for host, and returns it wrapped.
func (s *connSet) track(host string, conn net.Conn) net.Conn {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	tc := &trackedConn{Conn: conn, set: s, host: host}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.hosts == nil {
		s.hosts = make(map[string]map[*trackedConn]struct{})
	}
	m := s.hosts[host]
	if m == nil {
		m = make(map[*trackedConn]struct{})
		s.hosts[host] = m
	}
	m[tc] = struct{}{}
	return tc
}

func (c *trackedConn) Close() error {
	c.set.forget(c)
	return c.Conn.Close()
}

func (s *connSet) forget(c *trackedConn) {
	c.once.Do(func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if m := s.hosts[c.host]; m != nil {
			delete(m, c)
			if len(m) == 0 {
				delete(s.hosts, c.host)
			}
		}
	})
}

// take removes host's connections from the set and returns them.
func (s *connSet) take(host string) []*trackedConn {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.hosts[host]
	delete(s.hosts, host)
	out := make([]*trackedConn, 0, len(m))
	for c := range m {
		out = append(out, c)
	}
	return out
}

// CloseIdle closes the kept-alive connections to the hosts of urls
// (their host names, any port) when no request to the host is in flight
// or waiting for its turn; it skips a host that is busy, and URLs that do
// not parse. A caller that is done with a host for a while (a poll of
// its feed ended, and the next is minutes away) calls it so that the
// connection, with its buffers and the goroutines net/http runs for it,
// is not held for nothing until the idle timeout; the host's next request
// dials again. A request that picks a connection from the pool just as it
// is closed is sent again on a new one, as net/http does for any idle
// connection the server closed.
func (c *Client) CloseIdle(urls ...string) {
	if c.limiter == nil {
		return
	}
	seen := make(map[string]bool, len(urls))
	for _, raw := range urls {
		u, err := url.Parse(raw)
		if err != nil || u.Host == "" {
			continue
		}
		host := limiterKey(u)
		if seen[host] {
			continue
		}
		seen[host] = true
		c.closeIdleHost(host)
	}
}

// closeIdleHost closes host's connections unless a request to it holds or
// waits for a slot. The limiter's lock is held meanwhile, so no request
// to the host starts until they are closed.
func (c *Client) closeIdleHost(host string) {
	l := c.limiter
	l.mu.Lock()
	defer l.mu.Unlock()
	if h := l.hosts[host]; h != nil && h.refs > 0 {
		return
	}
	for _, tc := range c.conns.take(host) {
		tc.once.Do(func() {}) // already out of the set
		_ = tc.Conn.Close()
	}
}
