package websub

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults for the zero values of Options.
const (
	DefaultLease          = 10 * 24 * time.Hour
	DefaultRenewMargin    = time.Hour
	DefaultPendingTimeout = time.Hour
	DefaultMaxBody        = 10 << 20
	DefaultClientTimeout  = 30 * time.Second
)

// Secret length bounds: at least 32 bytes, and under 200 as the spec
// requires of hub.secret.
const (
	minSecret = 32
	maxSecret = 199
)

// Doer sends HTTP requests; *http.Client satisfies it.
type Doer interface {
	Do(req *http.Request) (*http.Response, error)
}

// Options configure a Subscriber. Zero values mean the documented defaults.
type Options struct {
	// CallbackBase is the public URL under which the daemon serves the
	// Subscriber, for example "https://feeds.example.org/websub". Each
	// subscription's callback is CallbackBase + "/" + its ID. Required: an
	// absolute http or https URL without query or fragment.
	CallbackBase string
	// Client sends subscription requests to hubs; nil means an
	// *http.Client with a 30 s timeout.
	Client Doer
	// Logger receives lifecycle events and rejected deliveries; nil
	// discards. Secrets and signatures are never logged.
	Logger *slog.Logger
	// Lease is the hub.lease_seconds requested; zero means 10 days. The
	// hub decides the lease it grants.
	Lease time.Duration
	// RenewMargin is how long before a lease ends Due reports the topic;
	// zero means 1 h. It is capped at half the granted lease.
	RenewMargin time.Duration
	// PendingTimeout is how long a request may wait for the hub's
	// verification before Due reports the topic again; zero means 1 h.
	PendingTimeout time.Duration
	// MaxBody bounds a content distribution; larger bodies get 413. Zero
	// means 10 MiB.
	MaxBody int64
	// Secret returns a new hub.secret for a new subscription: 32 to 199
	// bytes. Nil means 32 random bytes from crypto/rand, hex-encoded.
	Secret func() (string, error)
	// OnContent receives each content distribution whose signature
	// verified: the subscription's topic, the body (owned by the callee)
	// and the request header (a copy). It runs on the request's goroutine
	// before the hub gets its 2xx, so it must not block: queue the body
	// and return. Nil drops content (after counting it as delivered).
	OnContent func(topic string, body []byte, header http.Header)
	// Now returns the current time; nil means time.Now. Tests set it.
	Now func() time.Time
	// OnChange, if set, is called after subscriptions change (request,
	// verification, denial, removal), outside any lock, so the daemon can
	// persist Marshal's output. It may be called concurrently.
	OnChange func()
}

// Subscriber subscribes to topics at WebSub hubs and serves the callback
// the hubs verify and deliver to. It is safe for concurrent use.
type Subscriber struct {
	base           string
	client         Doer
	log            *slog.Logger
	lease          time.Duration
	margin         time.Duration
	pendingTimeout time.Duration
	maxBody        int64
	secret         func() (string, error)
	onContent      func(topic string, body []byte, header http.Header)
	onChange       func()
	now            func() time.Time

	mu      sync.Mutex
	byID    map[string]*record
	byTopic map[string]*record
	gen     uint64

	delivered, unsigned, badSignature, tooLarge, unknown atomic.Uint64
}

// record is a subscription with the generation of the request that
// installed it, so a failed request undoes only its own change.
type record struct {
	sub Subscription
	gen uint64
}

// New returns a Subscriber for opts.
func New(opts Options) (*Subscriber, error) {
	base := strings.TrimRight(opts.CallbackBase, "/")
	u, err := url.Parse(base)
	switch {
	case err != nil:
		return nil, fmt.Errorf("%w: callback base: %w", ErrInvalidOptions, err)
	case (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return nil, fmt.Errorf("%w: callback base %q: want an absolute http or https URL", ErrInvalidOptions, opts.CallbackBase)
	case u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(base, "?") || strings.HasSuffix(base, "#"):
		return nil, fmt.Errorf("%w: callback base %q: query and fragment are not allowed", ErrInvalidOptions, opts.CallbackBase)
	}
	for name, d := range map[string]time.Duration{"lease": opts.Lease, "renew margin": opts.RenewMargin, "pending timeout": opts.PendingTimeout} {
		if d < 0 {
			return nil, fmt.Errorf("%w: negative %s %v", ErrInvalidOptions, name, d)
		}
	}
	if opts.MaxBody < 0 {
		return nil, fmt.Errorf("%w: negative max body %d", ErrInvalidOptions, opts.MaxBody)
	}
	s := &Subscriber{
		base:           base,
		client:         opts.Client,
		log:            opts.Logger,
		lease:          cmp.Or(opts.Lease, DefaultLease),
		margin:         cmp.Or(opts.RenewMargin, DefaultRenewMargin),
		pendingTimeout: cmp.Or(opts.PendingTimeout, DefaultPendingTimeout),
		maxBody:        cmp.Or(opts.MaxBody, DefaultMaxBody),
		secret:         opts.Secret,
		onContent:      opts.OnContent,
		onChange:       opts.OnChange,
		now:            opts.Now,
		byID:           make(map[string]*record),
		byTopic:        make(map[string]*record),
	}
	if s.client == nil {
		s.client = &http.Client{Timeout: DefaultClientTimeout}
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.secret == nil {
		s.secret = func() (string, error) { return randomHex(32), nil }
	}
	if s.lease < time.Second {
		s.lease = time.Second
	}
	return s, nil
}

// randomHex returns n random bytes, hex-encoded. crypto/rand.Read never
// fails.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // documented to never return an error
	return hex.EncodeToString(b)
}

// CallbackURL returns the callback URL of the subscription with the given
// ID.
func (s *Subscriber) CallbackURL(id string) string { return s.base + "/" + id }

// Subscribe asks hub to deliver topic to this Subscriber. It records the
// subscription as pending (or keeps it active, for a renewal), sends
// hub.mode=subscribe with the callback, a secret and the lease, and returns
// nil once the hub accepted the request (any 2xx; the spec says 202, and
// hubs that verify synchronously answer 204). The subscription becomes
// active when the hub verifies the intent at the callback.
//
// Subscribing again to the same topic at the same hub is a renewal and
// keeps the callback ID and secret. Subscribing to the topic at another
// hub replaces the subscription with a new ID and secret. If the request
// fails, the previous state is restored.
func (s *Subscriber) Subscribe(ctx context.Context, topic, hub string) error {
	if err := checkURL("topic", topic); err != nil {
		return err
	}
	if err := checkURL("hub", hub); err != nil {
		return err
	}
	secret, err := s.secret()
	if err != nil {
		return fmt.Errorf("websub: subscribe %s: secret: %w", topic, err)
	}
	if n := len(secret); n < minSecret || n > maxSecret {
		return fmt.Errorf("%w: %d bytes, want %d to %d", ErrBadSecret, n, minSecret, maxSecret)
	}
	id := randomHex(16)

	s.mu.Lock()
	prev := s.byTopic[topic]
	rec := &record{sub: Subscription{Topic: topic, Hub: hub, ID: id, Secret: secret, Status: StatusPending}}
	if prev != nil && prev.sub.Hub == hub {
		rec.sub = prev.sub // renewal: same callback and secret
		if rec.sub.Status != StatusActive {
			rec.sub.Status, rec.sub.Reason = StatusPending, ""
		}
	}
	rec.sub.Requested = s.now()
	s.install(prev, rec)
	sub := rec.sub
	s.mu.Unlock()
	s.changed()

	err = s.request(ctx, "subscribe", sub, url.Values{
		"hub.secret":        {sub.Secret},
		"hub.lease_seconds": {strconv.FormatInt(int64(s.lease/time.Second), 10)},
	})
	if err != nil {
		s.mu.Lock()
		undone := s.undo(prev, rec)
		s.mu.Unlock()
		if undone {
			s.changed()
		}
		return err
	}
	s.log.Info("websub subscription requested", "topic", topic, "hub", hub, "callback_id", sub.ID,
		"renewal", prev != nil && prev.sub.ID == sub.ID)
	return nil
}

// Renew subscribes to topic again at the hub it is subscribed at, for the
// topics Due reports. It returns ErrUnknownTopic for a topic with no
// subscription.
func (s *Subscriber) Renew(ctx context.Context, topic string) error {
	s.mu.Lock()
	rec := s.byTopic[topic]
	var hub string
	if rec != nil {
		hub = rec.sub.Hub
	}
	s.mu.Unlock()
	if rec == nil {
		return fmt.Errorf("%w: %s", ErrUnknownTopic, topic)
	}
	return s.Subscribe(ctx, topic, hub)
}

// Unsubscribe asks the topic's hub to stop delivering it. The
// subscription is marked unsubscribing and is removed when the hub
// verifies the request at the callback; until then content still
// arrives. If the request fails, the previous status is restored.
func (s *Subscriber) Unsubscribe(ctx context.Context, topic string) error {
	s.mu.Lock()
	prev := s.byTopic[topic]
	if prev == nil {
		s.mu.Unlock()
		return fmt.Errorf("%w: %s", ErrUnknownTopic, topic)
	}
	rec := &record{sub: prev.sub}
	rec.sub.Status = StatusUnsubscribing
	rec.sub.Requested = s.now()
	s.install(prev, rec)
	sub := rec.sub
	s.mu.Unlock()
	s.changed()

	if err := s.request(ctx, "unsubscribe", sub, nil); err != nil {
		s.mu.Lock()
		undone := s.undo(prev, rec)
		s.mu.Unlock()
		if undone {
			s.changed()
		}
		return err
	}
	s.log.Info("websub unsubscription requested", "topic", topic, "hub", sub.Hub, "callback_id", sub.ID)
	return nil
}

// Forget drops the topic's subscription without telling the hub, for a
// hub that is gone. Content for it is then answered 410 Gone. It reports
// whether there was a subscription.
func (s *Subscriber) Forget(topic string) bool {
	s.mu.Lock()
	rec := s.byTopic[topic]
	if rec != nil {
		delete(s.byTopic, topic)
		delete(s.byID, rec.sub.ID)
	}
	s.mu.Unlock()
	if rec != nil {
		s.changed()
	}
	return rec != nil
}

// install puts rec in place of prev (which may be nil). s.mu is held.
func (s *Subscriber) install(prev, rec *record) {
	s.gen++
	rec.gen = s.gen
	if prev != nil && prev.sub.ID != rec.sub.ID {
		delete(s.byID, prev.sub.ID)
	}
	s.byID[rec.sub.ID] = rec
	s.byTopic[rec.sub.Topic] = rec
}

// undo restores prev if rec, installed by a request that failed, is still
// in place and the hub has not verified anything since. s.mu is held.
func (s *Subscriber) undo(prev, rec *record) bool {
	cur := s.byTopic[rec.sub.Topic]
	if cur == nil || cur.gen != rec.gen || !cur.sub.Verified.Equal(rec.sub.Verified) || cur.sub.Status != rec.sub.Status {
		return false
	}
	delete(s.byID, rec.sub.ID)
	delete(s.byTopic, rec.sub.Topic)
	if prev != nil {
		s.gen++
		prev.gen = s.gen
		s.byID[prev.sub.ID] = prev
		s.byTopic[prev.sub.Topic] = prev
	}
	return true
}

// request sends one subscription request for sub to its hub.
func (s *Subscriber) request(ctx context.Context, mode string, sub Subscription, extra url.Values) error {
	form := url.Values{
		"hub.mode":     {mode},
		"hub.topic":    {sub.Topic},
		"hub.callback": {s.CallbackURL(sub.ID)},
	}
	for k, v := range extra {
		form[k] = v
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, sub.Hub, strings.NewReader(form.Encode()))
	if err != nil {
		return fmt.Errorf("websub: %s %s at %s: %w", mode, sub.Topic, sub.Hub, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := s.client.Do(req)
	if err != nil {
		return fmt.Errorf("websub: %s %s at %s: %w", mode, sub.Topic, sub.Hub, err)
	}
	defer func() {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // let the connection be reused; failure only costs that
		_ = resp.Body.Close()                                         // nothing to do about a failed close of a read body
	}()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 512)) // the excerpt is only for the message
		return &HubError{Mode: mode, Hub: sub.Hub, Status: resp.StatusCode, Body: strings.TrimSpace(string(b))}
	}
	return nil
}

func checkURL(what, s string) error {
	if absURL(s) != s || s == "" {
		return fmt.Errorf("%w: %s %q: want an absolute http or https URL", ErrInvalidURL, what, s)
	}
	return nil
}

// changed tells OnChange. s.mu must not be held.
func (s *Subscriber) changed() {
	if s.onChange != nil {
		s.onChange()
	}
}

// Due returns, sorted, the topics to subscribe again at now: active
// subscriptions whose lease ends within the renewal margin (RenewMargin,
// at most half the granted lease), and pending ones the hub has not
// verified within PendingTimeout. A topic whose renewal was requested is
// not reported again until PendingTimeout after the request. Denied and
// unsubscribing topics are never due.
func (s *Subscriber) Due(now time.Time) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var due []string
	for topic, rec := range s.byTopic {
		sub := &rec.sub
		retry := now.Sub(sub.Requested) >= s.pendingTimeout
		switch sub.Status {
		case StatusActive:
			margin := min(s.margin, time.Duration(sub.LeaseSeconds)*time.Second/2)
			window := sub.Expires.Add(-margin)
			if !now.Before(window) && (sub.Requested.Before(window) || retry) {
				due = append(due, topic)
			}
		case StatusPending:
			if retry {
				due = append(due, topic)
			}
		}
	}
	slices.Sort(due)
	return due
}

// State returns a snapshot of the subscriptions (without secrets) and of
// the delivery counters.
func (s *Subscriber) State() Snapshot {
	s.mu.Lock()
	subs := make([]Subscription, 0, len(s.byTopic))
	for _, rec := range s.byTopic {
		sub := rec.sub
		sub.Secret = ""
		subs = append(subs, sub)
	}
	s.mu.Unlock()
	slices.SortFunc(subs, func(a, b Subscription) int { return strings.Compare(a.Topic, b.Topic) })
	return Snapshot{
		Subscriptions:   subs,
		Delivered:       s.delivered.Load(),
		Unsigned:        s.unsigned.Load(),
		BadSignature:    s.badSignature.Load(),
		TooLarge:        s.tooLarge.Load(),
		UnknownCallback: s.unknown.Load(),
	}
}

// stateVersion is the version of Marshal's encoding.
const stateVersion = 1

type persisted struct {
	Version       int            `json:"v"`
	Subscriptions []Subscription `json:"subscriptions"`
}

// Marshal encodes every subscription, secrets included, as JSON for the
// daemon to persist. Store it as confidentially as a credential.
func (s *Subscriber) Marshal() ([]byte, error) {
	s.mu.Lock()
	p := persisted{Version: stateVersion, Subscriptions: make([]Subscription, 0, len(s.byTopic))}
	for _, rec := range s.byTopic {
		p.Subscriptions = append(p.Subscriptions, rec.sub)
	}
	s.mu.Unlock()
	slices.SortFunc(p.Subscriptions, func(a, b Subscription) int { return strings.Compare(a.Topic, b.Topic) })
	b, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("websub: marshal: %w", err)
	}
	return b, nil
}

// Unmarshal replaces every subscription with those in data, as written by
// Marshal. Call it at startup, before the callback is served. On error
// nothing is replaced; the error wraps ErrInvalidState and names every
// bad entry.
func (s *Subscriber) Unmarshal(data []byte) error {
	var p persisted
	if err := json.Unmarshal(data, &p); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidState, err)
	}
	if p.Version != stateVersion {
		return fmt.Errorf("%w: version %d, want %d", ErrInvalidState, p.Version, stateVersion)
	}
	byID := make(map[string]*record, len(p.Subscriptions))
	byTopic := make(map[string]*record, len(p.Subscriptions))
	var errs []error
	for i, sub := range p.Subscriptions {
		bad := func(format string, args ...any) {
			errs = append(errs, fmt.Errorf("subscription[%d]: "+format, append([]any{i}, args...)...))
		}
		switch {
		case checkURL("topic", sub.Topic) != nil:
			bad("topic %q: want an absolute http or https URL", sub.Topic)
		case checkURL("hub", sub.Hub) != nil:
			bad("hub %q: want an absolute http or https URL", sub.Hub)
		case !validID(sub.ID):
			bad("id %q: want 1 to 64 letters, digits, '-' or '_'", sub.ID)
		case len(sub.Secret) < minSecret || len(sub.Secret) > maxSecret:
			bad("secret: %d bytes, want %d to %d", len(sub.Secret), minSecret, maxSecret)
		case !sub.Status.valid():
			bad("status %q unknown", sub.Status)
		case sub.LeaseSeconds < 0:
			bad("negative lease_seconds %d", sub.LeaseSeconds)
		case byTopic[sub.Topic] != nil:
			bad("topic %q appears twice", sub.Topic)
		case byID[sub.ID] != nil:
			bad("id %q appears twice", sub.ID)
		default:
			rec := &record{sub: sub}
			byID[sub.ID] = rec
			byTopic[sub.Topic] = rec
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("%w: %w", ErrInvalidState, errors.Join(errs...))
	}
	s.mu.Lock()
	s.byID, s.byTopic = byID, byTopic
	s.mu.Unlock()
	return nil
}

// validID reports whether id can be a callback path segment.
func validID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
