package fetcher

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

const (
	// maxCrawlDelay caps the spacing a robots.txt can ask for.
	maxCrawlDelay = 30 * time.Second
	// robotsTTL is how long a host's robots.txt is trusted; robotsRetry
	// how long a host whose robots.txt could not be read goes without.
	robotsTTL, robotsRetry = 24 * time.Hour, time.Hour
	// maxRobotsSize caps the robots.txt read.
	maxRobotsSize = 256 << 10
	// robotsTimeout bounds the robots.txt request.
	robotsTimeout = 10 * time.Second
)

// robotsCache reads each host's robots.txt once a day for its Crawl-delay
// and sets the host limiter's spacing from it.
type robotsCache struct {
	agent string // the product token of the User-Agent, lower-cased

	mu      sync.Mutex
	hosts   map[string]*robotsEntry
	sweepAt int // sweep expired entries when hosts reaches it (nextSweep)
	sweeps  int // sweeps so far (for tests)
}

type robotsEntry struct {
	ready   chan struct{} // closed once the file was read (or failed)
	expires time.Time
	delay   time.Duration // the Crawl-delay read
}

func newRobotsCache(userAgent string) *robotsCache {
	agent, _, _ := strings.Cut(userAgent, "/")
	agent, _, _ = strings.Cut(agent, " ")
	return &robotsCache{agent: strings.ToLower(strings.TrimSpace(agent)), hosts: make(map[string]*robotsEntry), sweepAt: pruneAbove}
}

// ensureRobots makes sure the Crawl-delay of u's host is known (and applied to
// the host limiter) before a request to it: the first request to a host,
// or the first after a day, reads its robots.txt; requests meanwhile wait
// for that read. A robots.txt that cannot be read asks for nothing.
func (c *Client) ensureRobots(ctx context.Context, u *url.URL) error {
	r := c.robots
	host := limiterKey(u)
	r.mu.Lock()
	e := r.hosts[host]
	if e != nil && (time.Now().Before(e.expires) || !isClosed(e.ready)) {
		r.mu.Unlock()
		select {
		case <-e.ready:
		case <-ctx.Done():
			return ctx.Err()
		}
		r.mu.Lock()
		delay := e.delay
		r.mu.Unlock()
		if delay > 0 {
			// The limiter may have swept the idle host since.
			c.limiter.setCrawlDelay(host, delay)
		}
		return nil
	}
	e = r.addLocked(host, time.Now())
	r.mu.Unlock()

	delay, ok := c.readCrawlDelay(ctx, u, host)
	c.limiter.setCrawlDelay(host, delay)
	r.mu.Lock()
	e.delay = delay
	e.expires = time.Now().Add(robotsTTL)
	if !ok {
		e.expires = time.Now().Add(robotsRetry)
	}
	r.mu.Unlock()
	close(e.ready)
	return nil
}

// addLocked adds an entry for host, not yet read, after sweeping the
// expired entries when the map has doubled since the last sweep (see
// pruneAbove). The caller holds r.mu.
func (r *robotsCache) addLocked(host string, now time.Time) *robotsEntry {
	if len(r.hosts) >= r.sweepAt {
		r.sweeps++
		for k, old := range r.hosts {
			if isClosed(old.ready) && now.After(old.expires) {
				delete(r.hosts, k)
			}
		}
		r.sweepAt = nextSweep(len(r.hosts))
	}
	e := &robotsEntry{ready: make(chan struct{})}
	r.hosts[host] = e
	return e
}

func isClosed(ch chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// readCrawlDelay fetches the robots.txt of u's host, within the host's
// politeness like any request, and returns its Crawl-delay for this
// agent; ok is false when the file could not be read (a missing file, a
// 4xx, is read as empty).
func (c *Client) readCrawlDelay(ctx context.Context, u *url.URL, host string) (time.Duration, bool) {
	release, err := c.limiter.acquire(ctx, host)
	if err != nil {
		return 0, false
	}
	defer release()
	ctx = context.WithValue(ctx, heldHostKey{}, host)
	rctx, cancel := context.WithTimeout(ctx, min(c.opts.Timeout, robotsTimeout))
	defer cancel()
	robotsURL := (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: "/robots.txt"}).String()
	req, err := http.NewRequestWithContext(rctx, http.MethodGet, robotsURL, nil)
	if err != nil {
		return 0, false
	}
	req.Header.Set("User-Agent", c.opts.UserAgent)
	resp, err := c.hc.Do(req)
	if err != nil {
		return 0, false
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		// Read the error page, as far as robots.txt would be read, so
		// that the connection goes back to the pool for the request
		// this one came before: closing it unread would close the
		// connection, and the host's feed and pages would dial again.
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxRobotsSize))
	}
	switch {
	case resp.StatusCode >= 400 && resp.StatusCode < 500:
		return 0, true // no robots.txt: no rules
	case resp.StatusCode != http.StatusOK:
		return 0, false
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxRobotsSize))
	if err != nil {
		return 0, false
	}
	return crawlDelay(body, c.robots.agent), true
}

// crawlDelay returns the Crawl-delay robots.txt asks of agent: the one in
// a group naming agent when there is such a group (even without one: a
// group for the agent replaces the "*" group), else the one in the "*"
// group, capped at maxCrawlDelay; 0 when there is none.
func crawlDelay(robots []byte, agent string) time.Duration {
	var (
		own, star         time.Duration
		ownGroup          bool // some group names agent
		groupAgents       []string
		inRules           bool // the current group's rules have started
		forOwn, forStar   bool // the current group applies to agent, to "*"
		ownSeen, starSeen bool
	)
	sc := bufio.NewScanner(bytes.NewReader(robots))
	sc.Buffer(make([]byte, 0, 4096), maxRobotsSize)
	for sc.Scan() {
		line, _, _ := strings.Cut(sc.Text(), "#")
		key, value, found := strings.Cut(line, ":")
		if !found {
			continue
		}
		key, value = strings.ToLower(strings.TrimSpace(key)), strings.TrimSpace(value)
		if key == "user-agent" {
			if inRules {
				groupAgents, inRules = nil, false
			}
			groupAgents = append(groupAgents, strings.ToLower(value))
			forOwn, forStar = false, false
			for _, a := range groupAgents {
				forOwn = forOwn || agent != "" && a == agent
				forStar = forStar || a == "*"
			}
			ownGroup = ownGroup || forOwn
			continue
		}
		inRules = true
		if key != "crawl-delay" {
			continue
		}
		secs, err := strconv.ParseFloat(value, 64)
		if err != nil || !(secs > 0) {
			continue
		}
		d := time.Duration(min(secs, maxCrawlDelay.Seconds()) * float64(time.Second))
		if forOwn && !ownSeen {
			own, ownSeen = d, true
		}
		if forStar && !starSeen {
			star, starSeen = d, true
		}
	}
	if ownGroup {
		return own
	}
	return star
}
