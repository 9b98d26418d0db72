package daemon

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/feedsift/feedsift/fetcher"
	"github.com/feedsift/feedsift/internal/pipeline"
	"github.com/feedsift/feedsift/internal/story"
	"github.com/feedsift/feedsift/internal/websub"
)

// WebSub ([websub] enabled): the daemon subscribes at the hub a polled feed
// advertises, serves the callback on its HTTP listener under /websub/
// (outside the token guard), ingests what hubs push like a poll, renews
// leases, and polls a pushed feed only every poll_interval_when_pushed as
// a fallback. The subscriptions (secrets included) and which feed each
// topic belongs to are kept in the store.
const (
	// WebSubPath is where the callback is served on the HTTP listener;
	// callback_url + WebSubPath is the subscriber's callback base.
	WebSubPath = "/websub"
	// websubRenewEvery is how often the renewal loop asks for due topics.
	websubRenewEvery = 2 * time.Minute
	// websubQueue bounds the pushed documents and hub requests waiting;
	// beyond it they are dropped (the fallback poll catches up).
	websubQueue = 64
	// websubRequestTimeout bounds one request to a hub.
	websubRequestTimeout = 30 * time.Second
	// websubStateVersion is the version of websubState.
	websubStateVersion = 1
)

// websubState is what the store keeps: the subscriber's own encoding and
// the feed each topic belongs to.
type websubState struct {
	Version    int               `json:"v"`
	Subscriber json.RawMessage   `json:"subscriber"`
	Feeds      map[string]string `json:"feeds"` // topic -> feed ID
}

// pushed is one content distribution waiting for the pipeline.
type pushed struct {
	topic, contentType string
	body               []byte
}

// hubRequest is a subscribe (hub set) or unsubscribe (hub empty) waiting
// for the control loop.
type hubRequest struct {
	topic, hub string
}

// pushManager owns the WebSub subscriber and the goroutines around it.
// The hooks (onContent, onChange, discovered, intervalFor, feedsChanged)
// never block: they queue work for the loops, which the daemon starts
// with start and stops with stop.
type pushManager struct {
	sub      *websub.Subscriber
	store    interface{ SaveWebSub([]byte) error }
	log      *slog.Logger
	interval time.Duration // poll interval while a subscription is active
	drain    time.Duration // how long stop lets in-flight work finish

	content chan pushed
	control chan hubRequest
	dirty   chan struct{} // cap 1: a save is wanted

	mu     sync.Mutex
	topics map[string]string // topic -> feed ID
	byFeed map[string]string // feed ID -> topic

	quit   chan struct{}
	cancel context.CancelFunc // nil until start
	wg     sync.WaitGroup
}

// openWebSub creates the subscriber and loads its state from the store,
// when [websub] is enabled. A stored state that cannot be read is logged
// and dropped: hubs then get 410 for the old callbacks and the feeds are
// subscribed again at their next poll.
func (d *Daemon) openWebSub() error {
	w := d.cfg.WebSub
	if !w.Enabled {
		return nil
	}
	p := &pushManager{
		store: d.store, log: d.log.With("component", "websub"), interval: w.PollIntervalWhenPushed,
		drain:   d.cfg.Poll.DrainTimeout,
		content: make(chan pushed, websubQueue), control: make(chan hubRequest, websubQueue),
		dirty: make(chan struct{}, 1), quit: make(chan struct{}),
		topics: map[string]string{}, byFeed: map[string]string{},
	}
	sub, err := websub.New(websub.Options{
		CallbackBase: strings.TrimRight(w.CallbackURL, "/") + WebSubPath,
		Client:       hubClient(d.cfg.Fetch.AllowPrefixes()),
		Logger:       p.log, Lease: w.Lease,
		OnContent: p.onContent, OnChange: p.onChange,
	})
	if err != nil {
		return fmt.Errorf("daemon: websub: %w", err)
	}
	p.sub = sub
	data, err := d.store.LoadWebSub()
	if err != nil {
		return fmt.Errorf("daemon: %w", err)
	}
	if data != nil {
		if err := p.restore(data); err != nil {
			p.log.Error("stored websub state unreadable; starting without subscriptions", "error", err)
		}
	}
	n := len(sub.State().Subscriptions)
	p.log.Info("websub enabled", "callback", strings.TrimRight(w.CallbackURL, "/")+WebSubPath+"/", "subscriptions", n)
	d.push = p
	return nil
}

// restore loads a websubState.
func (p *pushManager) restore(data []byte) error {
	var st websubState
	if err := json.Unmarshal(data, &st); err != nil {
		return fmt.Errorf("daemon: websub state: %w", err)
	}
	if st.Version != websubStateVersion {
		return fmt.Errorf("daemon: websub state: version %d, want %d", st.Version, websubStateVersion)
	}
	if err := p.sub.Unmarshal(st.Subscriber); err != nil {
		return err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for topic, id := range st.Feeds {
		p.topics[topic] = id
		p.byFeed[id] = topic
	}
	return nil
}

// save writes the subscriptions and the topic map to the store.
func (p *pushManager) save() error {
	sub, err := p.sub.Marshal()
	if err != nil {
		return fmt.Errorf("daemon: %w", err)
	}
	p.mu.Lock()
	feeds := maps.Clone(p.topics)
	p.mu.Unlock()
	data, err := json.Marshal(websubState{Version: websubStateVersion, Subscriber: sub, Feeds: feeds})
	if err != nil {
		return fmt.Errorf("daemon: websub state: %w", err)
	}
	return p.store.SaveWebSub(data)
}

// start runs the loops: saving (one write per burst of changes),
// ingesting pushed documents, and hub requests with lease renewal. feeds
// are the feeds polled now: subscriptions of feeds removed while the
// daemon was down are given up.
func (p *pushManager) start(pipe *pipeline.Pipeline) {
	if p == nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel = cancel
	p.wg.Go(p.saveLoop)
	p.wg.Go(func() { p.ingestLoop(ctx, pipe) })
	p.wg.Go(func() { p.controlLoop(ctx) })
	p.feedsChanged(pipe.Feeds())
}

// stop ends the loops, letting a pushed document being ingested or a hub
// request in flight finish within the drain timeout; what is still queued
// is dropped (the fallback poll catches up). The daemon calls persist
// later, once the HTTP listener no longer takes verifications.
func (p *pushManager) stop() {
	if p == nil || p.cancel == nil {
		return
	}
	close(p.quit)
	done := make(chan struct{})
	go func() {
		p.wg.Wait()
		close(done)
	}()
	t := time.NewTimer(p.drain)
	select {
	case <-done:
	case <-t.C:
		p.log.Warn("websub: drain timeout, cancelling in-flight work")
		p.cancel()
		<-done
	}
	t.Stop()
	p.cancel()
	p.cancel = nil
}

// persist saves the state a last time before the store closes.
func (p *pushManager) persist() error {
	if p == nil {
		return nil
	}
	return p.save()
}

// onContent is websub.Options.OnContent: it queues the document.
func (p *pushManager) onContent(topic string, body []byte, header http.Header) {
	select {
	case p.content <- pushed{topic: topic, contentType: header.Get("Content-Type"), body: body}:
	default:
		p.log.Warn("websub: pushed document dropped, queue full; the fallback poll will get it", "topic", topic)
	}
}

// onChange is websub.Options.OnChange: it asks the save loop for a write.
func (p *pushManager) onChange() {
	select {
	case p.dirty <- struct{}{}:
	default: // a save is already pending; it will read the latest state
	}
}

// onFeedDocument returns the pipeline's OnFeedDocument hook; nil when
// WebSub is off.
func (p *pushManager) onFeedDocument() func(story.Feed, []byte, http.Header) {
	if p == nil {
		return nil
	}
	return p.discovered
}

// intervalHook returns the pipeline's IntervalFor hook; nil when WebSub is
// off.
func (p *pushManager) intervalHook() func(string) (time.Duration, bool) {
	if p == nil {
		return nil
	}
	return p.intervalFor
}

// handler is the callback handler for the HTTP listener; nil when WebSub
// is off.
func (p *pushManager) handler() http.Handler {
	if p == nil {
		return nil
	}
	return p.sub
}

// discovered looks for a hub in a polled document; when there is one and
// the topic has no subscription at that hub, it queues a subscription.
func (p *pushManager) discovered(f story.Feed, body []byte, header http.Header) {
	hub, self, ok := websub.Hub(body, header)
	if !ok {
		return
	}
	topic := cmp.Or(self, f.URL)
	p.mu.Lock()
	old, had := p.byFeed[f.ID]
	changed := !had || old != topic || p.topics[topic] != f.ID
	if had && old != topic && p.topics[old] == f.ID {
		delete(p.topics, old)
	}
	p.topics[topic], p.byFeed[f.ID] = f.ID, topic
	p.mu.Unlock()
	if changed {
		p.onChange()
		if had && old != topic {
			p.queue(hubRequest{topic: old}) // the feed's self URL moved
		}
	}
	if sub, ok := p.lookup(topic); ok && sub.Hub == hub {
		return
	}
	p.queue(hubRequest{topic: topic, hub: hub})
}

// feedsChanged gives up the subscriptions of feeds no longer polled.
func (p *pushManager) feedsChanged(feeds []story.Feed) {
	if p == nil {
		return
	}
	ids := make(map[string]bool, len(feeds))
	for _, f := range feeds {
		ids[f.ID] = true
	}
	var gone []string
	p.mu.Lock()
	for id, topic := range p.byFeed {
		if !ids[id] {
			delete(p.byFeed, id)
			if p.topics[topic] == id {
				delete(p.topics, topic)
			}
			gone = append(gone, topic)
		}
	}
	p.mu.Unlock()
	if len(gone) > 0 {
		p.onChange()
	}
	for _, topic := range gone {
		if _, ok := p.lookup(topic); ok {
			p.queue(hubRequest{topic: topic})
		}
	}
}

func (p *pushManager) queue(r hubRequest) {
	select {
	case p.control <- r:
	default:
		p.log.Warn("websub: hub request dropped, queue full", "topic", r.topic, "hub", r.hub)
	}
}

// lookup returns the subscription for topic.
func (p *pushManager) lookup(topic string) (websub.Subscription, bool) {
	for _, s := range p.sub.State().Subscriptions {
		if s.Topic == topic {
			return s, true
		}
	}
	return websub.Subscription{}, false
}

// intervalFor is the pipeline's IntervalFor: the pushed interval while the
// feed's subscription is active and its lease runs.
func (p *pushManager) intervalFor(feedID string) (time.Duration, bool) {
	p.mu.Lock()
	topic, ok := p.byFeed[feedID]
	p.mu.Unlock()
	if !ok {
		return 0, false
	}
	sub, ok := p.lookup(topic)
	if !ok || sub.Status != websub.StatusActive || !time.Now().Before(sub.Expires) {
		return 0, false
	}
	return p.interval, true
}

// feedFor returns the polled feed a topic belongs to: the one recorded at
// discovery, else the one whose URL is the topic.
func (p *pushManager) feedFor(topic string, feeds []story.Feed) (story.Feed, bool) {
	p.mu.Lock()
	id, ok := p.topics[topic]
	p.mu.Unlock()
	for _, f := range feeds {
		if (ok && f.ID == id) || (!ok && f.URL == topic) {
			return f, true
		}
	}
	return story.Feed{}, false
}

func (p *pushManager) saveLoop() {
	for {
		select {
		case <-p.quit:
			return
		case <-p.dirty:
			if err := p.save(); err != nil {
				p.log.Error("websub: save state", "error", err)
			}
		}
	}
}

func (p *pushManager) ingestLoop(ctx context.Context, pipe *pipeline.Pipeline) {
	for {
		select {
		case <-p.quit:
			return
		case m := <-p.content:
			f, ok := p.feedFor(m.topic, pipe.Feeds())
			if !ok {
				p.log.Warn("websub: pushed document for a topic no polled feed has; dropped", "topic", m.topic)
				continue
			}
			_, _ = pipe.Ingest(ctx, f, m.body, m.contentType) // Ingest logs; the fallback poll retries
		}
	}
}

// controlLoop sends the queued subscribe and unsubscribe requests and,
// every websubRenewEvery, renews the subscriptions that are due.
func (p *pushManager) controlLoop(ctx context.Context) {
	tick := time.NewTicker(websubRenewEvery)
	defer tick.Stop()
	for {
		select {
		case <-p.quit:
			return
		case r := <-p.control:
			p.request(ctx, r)
		case <-tick.C:
			for _, topic := range p.sub.Due(time.Now()) {
				if p.quitting() {
					return
				}
				rctx, cancel := context.WithTimeout(ctx, websubRequestTimeout)
				if err := p.sub.Renew(rctx, topic); err != nil {
					p.log.Warn("websub: renewal failed; polling goes on at the normal interval once the lease ends", "topic", topic, "error", err)
				}
				cancel()
			}
		}
	}
}

func (p *pushManager) quitting() bool {
	select {
	case <-p.quit:
		return true
	default:
		return false
	}
}

// request carries out one hub request.
func (p *pushManager) request(ctx context.Context, r hubRequest) {
	rctx, cancel := context.WithTimeout(ctx, websubRequestTimeout)
	defer cancel()
	if r.hub == "" {
		err := p.sub.Unsubscribe(rctx, r.topic)
		switch {
		case err == nil, errors.Is(err, websub.ErrUnknownTopic):
		default:
			// The hub cannot be told: forget the subscription, so its
			// deliveries get 410 Gone and the hub drops it.
			p.sub.Forget(r.topic)
			p.log.Warn("websub: unsubscribe failed; subscription forgotten", "topic", r.topic, "error", err)
		}
		return
	}
	if sub, ok := p.lookup(r.topic); ok && sub.Hub == r.hub {
		return // subscribed since the request was queued
	}
	if err := p.sub.Subscribe(rctx, r.topic, r.hub); err != nil {
		p.log.Warn("websub: subscribe failed; polling goes on", "topic", r.topic, "hub", r.hub, "error", err)
	}
}

// hubClient sends subscription requests to hubs through the same address
// guard as the fetcher: no private, loopback or link-local hub unless
// [fetch].allow_networks allows it, so a feed cannot point the daemon at
// an internal service.
func hubClient(allow []netip.Prefix) *http.Client {
	dialer := &net.Dialer{
		Timeout: 10 * time.Second,
		ControlContext: func(_ context.Context, network, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil || !strings.HasPrefix(network, "tcp") {
				return fmt.Errorf("daemon: websub: hub address %s refused", address)
			}
			addr := ap.Addr().WithZone("")
			for _, p := range allow {
				if p.Contains(addr) || p.Contains(addr.Unmap()) {
					return nil
				}
			}
			if fetcher.IsPrivate(addr) {
				return fmt.Errorf("daemon: websub: hub address %s is not public (allow it in fetch.allow_networks)", addr)
			}
			return nil
		},
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = nil // the guard must see the hub's own address
	tr.DialContext = dialer.DialContext
	return &http.Client{
		Transport: tr,
		Timeout:   websubRequestTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse // a hub answers where it is asked
		},
	}
}
