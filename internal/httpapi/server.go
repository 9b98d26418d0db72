package httpapi

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/feedsift/feedsift/internal/pipeline"
	"github.com/feedsift/feedsift/internal/story"
	"github.com/feedsift/feedsift/sink"
)

// Reader is the part of the store the API reads.
type Reader interface {
	Stories(f sink.StoryFilter) ([]story.Story, error)
	Report(f sink.StoryFilter) ([]sink.ReportEntry, error)
	Story(id string) (story.Story, bool, error)
	FeedStates() ([]sink.FeedState, error)
}

// Reviewer carries out people's overrides: *pipeline.Pipeline. The JSON
// API (POST /api/dupes/split, /api/dupes/merge), which the CLI uses, and
// the report page's buttons both call it.
type Reviewer interface {
	Split(ctx context.Context, storyID, member, by string) (pipeline.OverrideResult, error)
	Merge(ctx context.Context, a, b, by string) (pipeline.OverrideResult, error)
}

// Options configure a Server.
type Options struct {
	// Store is read by /api and /dupes; nil makes them answer 503.
	Store Reader
	// Review carries out splits and merges; nil makes the POST endpoints
	// answer 503 and hides the page's buttons.
	Review Reviewer
	// Reextract runs POST /api/reextract; nil answers 503.
	Reextract Reextracter
	// Gatherer is served on /metrics; nil serves no metrics.
	Gatherer prometheus.Gatherer
	// Ready reports why the daemon is not ready, or nil when it is.
	Ready func() error
	// Token, when set, guards /api and /metrics.
	Token string
	// Feeds lists the feeds the daemon polls, for the page at /. Nil lists
	// the feeds the store has state for, without topic or URL.
	Feeds func() []story.Feed
	// FeedAdmin adds and removes feeds (POST /api/feeds, DELETE
	// /api/feeds/{id}, POST /api/feeds/import) and names the feeds GET
	// /api/feeds lists; nil makes the changes answer 503 and the list
	// show the feeds the store has state for.
	FeedAdmin FeedAdmin
	// WebSub, when set, serves the WebSub callback under /websub/ (every
	// method), outside the token guard: hubs call it, and the subscriber
	// authenticates deliveries by their signature.
	WebSub http.Handler
	// Now is the clock of the page at /; nil means time.Now.
	Now    func() time.Time
	Logger *slog.Logger
}

// Server is the daemon's HTTP handler.
type Server struct {
	opts Options
	log  *slog.Logger
	mux  *http.ServeMux
}

// New returns a Server for opts.
func New(opts Options) *Server {
	s := &Server{opts: opts, log: opts.Logger, mux: http.NewServeMux()}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n")) // a failed write to a gone client needs no handling
	})
	s.mux.HandleFunc("GET /readyz", s.ready)
	if opts.WebSub != nil {
		s.mux.Handle("/websub/", opts.WebSub)
	}
	if opts.Gatherer != nil {
		s.mux.Handle("GET /metrics", s.guard(promhttp.HandlerFor(opts.Gatherer, promhttp.HandlerOpts{})))
	}
	s.mux.Handle("GET /api/stories", s.guard(list(s, Reader.Stories)))
	s.mux.Handle("GET /api/dupes", s.guard(list(s, Reader.Report)))
	s.mux.Handle("GET /api/feeds", s.guard(http.HandlerFunc(s.feeds)))
	s.mux.Handle("POST /api/feeds", s.guard(s.sameOrigin(http.HandlerFunc(s.apiAddFeed))))
	s.mux.Handle("POST /api/feeds/import", s.guard(s.sameOrigin(http.HandlerFunc(s.apiImportFeeds))))
	s.mux.Handle("DELETE /api/feeds/{id...}", s.guard(s.sameOrigin(http.HandlerFunc(s.apiRemoveFeed))))
	s.mux.Handle("POST /api/dupes/split", s.guard(s.sameOrigin(http.HandlerFunc(s.apiSplit))))
	s.mux.Handle("POST /api/dupes/merge", s.guard(s.sameOrigin(http.HandlerFunc(s.apiMerge))))
	s.mux.Handle("GET /dupes", s.guard(http.HandlerFunc(s.page)))
	s.mux.Handle("POST /api/reextract", s.guard(s.sameOrigin(http.HandlerFunc(s.apiReextract))))
	s.mux.Handle("GET /{$}", s.guard(http.HandlerFunc(s.home)))
	s.mux.Handle("GET /stories/{id}", s.guard(http.HandlerFunc(s.storyPage)))
	s.mux.Handle("GET /api/stories/{id}", s.guard(http.HandlerFunc(s.apiStory)))
	s.mux.Handle("POST /dupes/split", s.guard(s.sameOrigin(http.HandlerFunc(s.formSplit))))
	s.mux.Handle("POST /dupes/merge", s.guard(s.sameOrigin(http.HandlerFunc(s.formMerge))))
	return s
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

func (s *Server) guard(h http.Handler) http.Handler {
	if s.opts.Token == "" {
		return h
	}
	want := []byte("Bearer " + s.opts.Token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="feedsift"`)
			http.Error(w, "unauthorized: send \"Authorization: Bearer <http.token>\"", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})
}

func (s *Server) ready(w http.ResponseWriter, _ *http.Request) {
	if s.opts.Ready != nil {
		if err := s.opts.Ready(); err != nil {
			http.Error(w, "not ready: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ready\n")) // a failed write to a gone client needs no handling
}

// filter reads topic, since (RFC 3339 time or Go duration back from now)
// and limit from the query.
func filter(r *http.Request) (sink.StoryFilter, error) {
	q := r.URL.Query()
	f := sink.StoryFilter{Topic: q.Get("topic")}
	if f.Topic != "" {
		if story.ValidateTopic(f.Topic) != nil {
			return f, &paramError{"topic", f.Topic}
		}
	}
	if v := q.Get("since"); v != "" {
		t, err := ParseSince(v, time.Now())
		if err != nil {
			return f, err
		}
		f.Since = t
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return f, &paramError{"limit", v}
		}
		f.Limit = n
	}
	return f, nil
}

type paramError struct{ name, value string }

func (e *paramError) Error() string { return "httpapi: bad " + e.name + " " + strconv.Quote(e.value) }

// ParseSince reads a time given as RFC 3339, a date (2006-01-02, midnight
// UTC), or a non-negative duration back from now ("24h"). Anything else is
// an error naming the value.
func ParseSince(v string, now time.Time) (time.Time, error) {
	if d, err := time.ParseDuration(v); err == nil {
		if d < 0 {
			return time.Time{}, &paramError{"since", v}
		}
		return now.Add(-d), nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, nil
		}
	}
	return time.Time{}, &paramError{"since", v}
}

// haveStore answers 503 when the Server has no store to read.
func (s *Server) haveStore(w http.ResponseWriter) bool {
	if s.opts.Store == nil {
		http.Error(w, "no store", http.StatusServiceUnavailable)
		return false
	}
	return true
}

// list serves a filtered read of the store as JSON.
func list[T any](s *Server, read func(Reader, sink.StoryFilter) (T, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.haveStore(w) {
			return
		}
		f, err := filter(r)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		v, err := read(s.opts.Store, f)
		s.reply(w, v, err)
	}
}

func (s *Server) reply(w http.ResponseWriter, v any, err error) {
	if err != nil {
		s.log.Error("api: store read failed", "error", err)
		http.Error(w, "store read failed", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		s.log.Debug("api: write response", "error", err)
	}
}
