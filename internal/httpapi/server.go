package httpapi

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/pprof"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/feedsift/feedsift/internal/ledger"
	"github.com/feedsift/feedsift/internal/story"
	"github.com/feedsift/feedsift/sink"
)

// Reader is the part of the store the API reads.
type Reader interface {
	Stories(f sink.StoryFilter) ([]story.Story, error)
	Report(f sink.StoryFilter) ([]sink.ReportEntry, error)
	ReportCounts(topic string) (stories, copies int, err error)
	Story(ctx context.Context, id string) (story.Story, bool, error)
	FeedStates() ([]story.FeedState, error)
}

// Reviewer carries out people's overrides: *ledger.Ledger. The JSON API
// (POST /api/dupes/split, /api/dupes/merge, /api/dupes/keep), which the
// CLI uses, and the report page's buttons both call it.
type Reviewer interface {
	Split(ctx context.Context, storyID, member, by string) (ledger.OverrideResult, error)
	Merge(ctx context.Context, a, b, by string) (ledger.OverrideResult, error)
	Keep(ctx context.Context, storyID, member, by string) (ledger.OverrideResult, error)
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
	// ReadyDetail, when set, is printed on /readyz under "ready": figures
	// an operator checks on a live daemon (the store's lag).
	ReadyDetail func() string
	// Token, when set, guards /api, /metrics and the pages: see
	// "Authentication" in the package doc.
	Token string
	// SessionTTL is how long a login through /login lasts; 0 means
	// DefaultSessionTTL.
	SessionTTL time.Duration
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
	// Now is the clock of the pages and of the sessions; nil means
	// time.Now.
	Now    func() time.Time
	Logger *slog.Logger
}

// Server is the daemon's HTTP handler.
type Server struct {
	opts     Options
	log      *slog.Logger
	mux      *http.ServeMux
	sessions *sessions
	logins   loginLimiter
}

// New returns a Server for opts.
func New(opts Options) *Server {
	s := &Server{opts: opts, log: opts.Logger, mux: http.NewServeMux(), sessions: newSessions(opts.SessionTTL)}
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
		s.mux.Handle("GET /metrics", s.guard(guardMetrics, promhttp.HandlerFor(opts.Gatherer, promhttp.HandlerOpts{})))
	}
	api := func(pattern string, h http.HandlerFunc) { s.mux.Handle(pattern, s.guard(guardAPI, h)) }
	change := func(h http.HandlerFunc) http.HandlerFunc { return s.sameOrigin(h).ServeHTTP }
	api("GET /api/stories", list(s, Reader.Stories))
	api("GET /api/stories/{id}", s.apiStory)
	api("GET /api/dupes", list(s, Reader.Report))
	api("GET /api/feeds", s.feeds)
	api("POST /api/feeds", change(s.apiAddFeed))
	api("POST /api/feeds/import", change(s.apiImportFeeds))
	api("DELETE /api/feeds/{id...}", change(s.apiRemoveFeed))
	api("POST /api/dupes/split", change(s.apiSplit))
	api("POST /api/dupes/merge", change(s.apiMerge))
	api("POST /api/dupes/keep", change(s.apiKeep))
	api("POST /api/reextract", change(s.apiReextract))
	api("/api/", s.apiFallback)

	page := func(pattern string, h http.HandlerFunc) { s.mux.Handle(pattern, s.guard(guardPage, h)) }
	page("GET /{$}", s.home)
	page("GET /stories/{id}", s.storyPage)
	page("GET /dupes", s.page)
	page("POST /dupes/split", change(s.formSplit))
	page("POST /dupes/merge", change(s.formMerge))
	page("POST /dupes/keep", change(s.formKeep))
	s.mux.HandleFunc("GET /login", s.loginPage)
	s.mux.Handle("POST /login", s.sameOrigin(http.HandlerFunc(s.login)))
	s.mux.Handle("POST /logout", s.sameOrigin(http.HandlerFunc(s.logout)))
	s.mux.HandleFunc("GET /assets/home.js", serveHomeScript)
	s.handleProfiling()
	return s
}

// handleProfiling serves Go's runtime profiles (net/http/pprof) under
// /debug/pprof/, behind the same guard as /metrics: a CPU profile of a
// busy daemon is how an operator finds where its time goes. The handlers
// are mounted on this server's mux, not on http.DefaultServeMux.
func (s *Server) handleProfiling() {
	prof := func(pattern string, h http.HandlerFunc) { s.mux.Handle(pattern, s.guard(guardMetrics, h)) }
	prof("GET /debug/pprof/", pprof.Index)
	prof("GET /debug/pprof/cmdline", pprof.Cmdline)
	prof("GET /debug/pprof/profile", pprof.Profile)
	prof("GET /debug/pprof/symbol", pprof.Symbol)
	prof("POST /debug/pprof/symbol", pprof.Symbol)
	prof("GET /debug/pprof/trace", pprof.Trace)
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

func (s *Server) ready(w http.ResponseWriter, _ *http.Request) {
	if s.opts.Ready != nil {
		if err := s.opts.Ready(); err != nil {
			http.Error(w, "not ready: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	body := "ready\n"
	if s.opts.ReadyDetail != nil {
		body += s.opts.ReadyDetail() + "\n"
	}
	_, _ = w.Write([]byte(body)) // a failed write to a gone client needs no handling
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
func (s *Server) haveStore(w http.ResponseWriter, r *http.Request) bool {
	if s.opts.Store == nil {
		s.fail(w, r, http.StatusServiceUnavailable, "no store")
		return false
	}
	return true
}

// list serves a filtered read of the store as JSON.
func list[T any](s *Server, read func(Reader, sink.StoryFilter) (T, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.haveStore(w, r) {
			return
		}
		f, err := filter(r)
		if err != nil {
			s.apiError(w, http.StatusBadRequest, err.Error())
			return
		}
		v, err := read(s.opts.Store, f)
		s.reply(w, v, err)
	}
}

// reply answers v as JSON, or 500 with an APIError when the read that
// made it failed.
func (s *Server) reply(w http.ResponseWriter, v any, err error) {
	if err != nil {
		s.log.Error("api: store read failed", "error", err)
		s.apiError(w, http.StatusInternalServerError, "store read failed")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		s.log.Debug("api: write response", "error", err)
	}
}
