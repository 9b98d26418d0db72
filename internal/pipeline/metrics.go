package pipeline

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/feedsift/feedsift/extract"
	"github.com/feedsift/feedsift/internal/ledger"
)

// Metrics are the pipeline's Prometheus instruments.
type Metrics struct {
	Polls      *prometheus.CounterVec   // by result: ok, not_modified, error
	ItemsSeen  prometheus.Counter       // items read from feed documents
	Published  prometheus.Counter       // new stories published
	Duplicates *prometheus.CounterVec   // merged copies, by method
	Errors     *prometheus.CounterVec   // by kind: fetch, parse, article, extract, publish, state
	FetchTime  *prometheus.HistogramVec // request latency, by target: feed, article
	IndexSize  prometheus.Gauge         // stories in the near-duplicate index
	Deferred   prometheus.Counter       // new items left for a later poll (MaxNewItems)
	Revisions  prometheus.Counter       // story updates published for copies that extend a story
	Redecided  prometheus.Counter       // decisions made again because another instance published first
	// TopicAnnouncements counts stories announced on one more topic
	// because a copy came through a feed of that topic.
	TopicAnnouncements prometheus.Counter
	// LowConfidence counts new stories extracted with a confidence below
	// story.LowConfidence, by page type.
	LowConfidence *prometheus.CounterVec
	// PendingItems is the number of new items whose story the stream did
	// not take in the last poll of their feed: they are published when
	// the feed is polled again, soon (see publishRecheck).
	PendingItems prometheus.Gauge
}

// NewMetrics creates the instruments and registers them with reg, when
// reg is not nil.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		Polls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "feedsift_polls_total", Help: "Feed polls, by result (ok, not_modified, error).",
		}, []string{"result"}),
		ItemsSeen: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "feedsift_items_seen_total", Help: "Items read from feed documents.",
		}),
		Published: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "feedsift_stories_published_total", Help: "New stories published.",
		}),
		Duplicates: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "feedsift_duplicates_total", Help: "Items merged into an existing story, by method (guid, url, content).",
		}, []string{"method"}),
		Errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "feedsift_errors_total", Help: "Errors, by kind (fetch, parse, article, extract, publish, state).",
		}, []string{"kind"}),
		FetchTime: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "feedsift_fetch_duration_seconds",
			Help:    "Time to fetch a feed or article page, retries included.",
			Buckets: prometheus.ExponentialBuckets(0.01, 2.5, 10),
		}, []string{"target"}),
		IndexSize: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "feedsift_index_stories", Help: "Stories held in the near-duplicate index.",
		}),
		Revisions: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "feedsift_story_revisions_total", Help: "New versions of stories published because an item extended one (its text plus new paragraphs).",
		}),
		Deferred: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "feedsift_items_deferred_total", Help: "New items left for a later poll because one poll took its maximum.",
		}),
		Redecided: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "feedsift_decisions_redone_total", Help: "Story-or-copy decisions made again because another instance published first.",
		}),
		TopicAnnouncements: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "feedsift_topic_announcements_total",
			Help: "Stories announced on one more topic because a copy of them came through a feed of that topic.",
		}),
		LowConfidence: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "feedsift_low_confidence_total",
			Help: "New stories whose page was extracted with a confidence below 0.5, by page type (article, liveblog_forum, listing, gallery, video, other).",
		}, []string{"page_type"}),
		PendingItems: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "feedsift_items_pending",
			Help: "New items not published yet because the stream refused or timed out their publish; retried with the next poll of their feed, within seconds.",
		}),
	}
	if reg != nil {
		reg.MustRegister(m.Polls, m.ItemsSeen, m.Published, m.Duplicates, m.Errors, m.FetchTime, m.IndexSize, m.Deferred, m.Redecided, m.Revisions, m.TopicAnnouncements, m.LowConfidence, m.PendingItems)
	}
	// Make the labelled series visible at zero before the first event.
	for _, r := range []string{"ok", "not_modified", "error"} {
		m.Polls.WithLabelValues(r)
	}
	for _, t := range []string{extract.PageArticle, extract.PageLiveForum, extract.PageListing, extract.PageGallery, extract.PageVideo, extract.PageOther} {
		m.LowConfidence.WithLabelValues(t)
	}
	for _, k := range []string{ErrKindFetch, ErrKindParse, ErrKindArticle, ErrKindExtract, ErrKindPublish, ErrKindState} {
		m.Errors.WithLabelValues(k)
	}
	return m
}

// Ledger returns the instruments the ledger counts its decisions on:
// these metrics' own, so the pipeline and the ledger count into the same
// series.
func (m *Metrics) Ledger() *ledger.Metrics {
	return &ledger.Metrics{
		Published: m.Published, Duplicates: m.Duplicates, PublishErrors: m.Errors.WithLabelValues(ErrKindPublish),
		Redecided: m.Redecided, Revisions: m.Revisions, TopicAnnouncements: m.TopicAnnouncements,
		LowConfidence: m.LowConfidence,
	}
}
