package ledger

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/feedsift/feedsift/dedupe"
	"github.com/feedsift/feedsift/internal/story"
	"github.com/feedsift/feedsift/sink"
)

// Publisher publishes a story, a copy, an override or a story update
// (sink.Event, sink.PublishOptions) and returns once the stream has
// acknowledged the message (*sink.JetStream satisfies it). A publish
// whose condition failed returns an error wrapping sink.ErrWrongLastSeq.
type Publisher interface {
	Publish(ctx context.Context, ev sink.Event, o sink.PublishOptions) (seq uint64, duplicate bool, err error)
}

// Follower keeps the ledger's index and overrides current with the
// stream, applying in order every story, copy and override published by
// any instance (*StreamFollower, or a test's own).
type Follower interface {
	// Applied returns the last stream sequence applied to the index.
	Applied() uint64
	// WaitApplied returns once the index has applied seq, or ctx ended.
	WaitApplied(ctx context.Context, seq uint64) error
	// AppliedLocally says that the message at seq is a decision of this
	// ledger, which adds its entry to the index itself: the follower
	// need not decode and apply it again.
	AppliedLocally(seq uint64)
}

// ReviewStore is the part of the store the ledger reads: stories and
// their member records (for splits, merges and story updates), and the
// position of the store in the stream.
type ReviewStore interface {
	Story(ctx context.Context, id string) (story.Story, bool, error)
	StoryIDs(ctx context.Context, prefix string, limit int) ([]string, error)
	Members(ctx context.Context, storyID string) ([]story.Duplicate, error)
	WaitSeq(ctx context.Context, seq uint64) error
}

var (
	// ErrNoReview is returned by Split, Merge and Revise when the ledger
	// has no Options.Review store to read stories and members from.
	ErrNoReview = errors.New("ledger: overrides need a review store")
	// ErrNotFound is returned by Split and Merge for a story or member
	// that is not in the store.
	ErrNotFound = errors.New("ledger: not found")
	// ErrBadOverride is returned by Split and Merge for a request that
	// cannot be carried out: an ambiguous short ID, a story merged into
	// itself or already merged, a member that cannot stand alone.
	ErrBadOverride = errors.New("ledger: override refused")
)

// Metrics are the instruments the ledger counts its decisions on. The
// caller creates and registers them (the pipeline's Metrics hold them,
// see pipeline.Metrics.Ledger); a nil field is not counted.
type Metrics struct {
	Published     prometheus.Counter     // new stories published
	Duplicates    *prometheus.CounterVec // copies merged, by method
	PublishErrors prometheus.Counter     // publishes the stream did not take
	Redecided     prometheus.Counter     // decisions made again because another instance published first
	Revisions     prometheus.Counter     // story updates published for copies that extend a story
	// TopicAnnouncements counts stories announced on another topic
	// because a copy came through a feed of that topic.
	TopicAnnouncements prometheus.Counter
	// LowConfidence counts new stories extracted with a confidence below
	// story.LowConfidence, by page type.
	LowConfidence *prometheus.CounterVec
}

// Options configure a Ledger. Index and Publisher are required.
type Options struct {
	// Index is the near-duplicate index decisions rest on.
	Index *dedupe.Index
	// Publisher takes every decision to the stream.
	Publisher Publisher
	// Follower, when set, keeps Index and Overrides current with the
	// stream, and every decision is published on the condition that the
	// stream has not moved since. Nil: this ledger is the only publisher.
	Follower Follower
	// Overrides are people's corrections that decisions honour; nil
	// means a new empty set. Split and Merge add to it.
	Overrides *Overrides
	// Review is read by Split, Merge and Revise, and for the story a copy
	// updates; nil makes Split, Merge and Revise fail with ErrNoReview,
	// and a copy that extends its story is recorded only as a copy.
	Review ReviewStore
	// PreferredSources ranks the outlets whose version of an article is
	// kept, most trusted first: feed IDs, or hosts (a host matches its
	// subdomains too). See canonical.go.
	PreferredSources []string
	// Metrics, when set, count decisions.
	Metrics *Metrics
	Logger  *slog.Logger
	// Now returns the current time; default time.Now.
	Now func() time.Time
}

// Ledger decides, for each new item, whether it is a new story or a copy
// of one, publishes that decision once, and carries out people's splits
// and merges. See the package doc for the protocol. Create it with New.
type Ledger struct {
	index    *dedupe.Index
	pub      Publisher
	follower Follower
	overr    *Overrides
	review   ReviewStore
	// preferred is Options.PreferredSources, hosts lower-cased and
	// without "www.".
	preferred []string
	metrics   Metrics
	log       *slog.Logger
	now       func() time.Time

	// mu serialises decisions and their publication, and overrides.
	mu sync.Mutex
	// ownSeq is the sequence of this ledger's last conditional publish
	// (guarded by mu).
	ownSeq uint64
}

// New checks opts and returns a Ledger.
func New(opts Options) (*Ledger, error) {
	var errs []error
	if opts.Index == nil {
		errs = append(errs, errors.New("ledger: Options.Index is required"))
	}
	if opts.Publisher == nil {
		errs = append(errs, errors.New("ledger: Options.Publisher is required"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	l := &Ledger{index: opts.Index, pub: opts.Publisher, follower: opts.Follower, overr: opts.Overrides,
		review: opts.Review, log: opts.Logger, now: opts.Now}
	if opts.Metrics != nil {
		l.metrics = *opts.Metrics
	}
	for _, src := range opts.PreferredSources {
		if src = strings.TrimSpace(src); src != "" {
			l.preferred = append(l.preferred, strings.TrimPrefix(strings.ToLower(src), "www."))
		}
	}
	if l.overr == nil {
		l.overr = NewOverrides()
	}
	if l.log == nil {
		l.log = slog.New(slog.DiscardHandler)
	}
	if l.now == nil {
		l.now = time.Now
	}
	return l, nil
}

// Len returns the number of stories in the index.
func (l *Ledger) Len() int { return l.index.Len() }

// Overrides returns the overrides decisions honour.
func (l *Ledger) Overrides() *Overrides { return l.overr }

func inc(c prometheus.Counter) {
	if c != nil {
		c.Inc()
	}
}

func incVec(c *prometheus.CounterVec, label string) {
	if c != nil {
		c.WithLabelValues(label).Inc()
	}
}
