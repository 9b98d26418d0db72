package httpapi

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/feedsift/feedsift/internal/opml"
	"github.com/feedsift/feedsift/internal/story"
)

// Where a feed was declared.
const (
	OriginConfig = "config" // the config file's [[feed]] entries
	OriginAPI    = "api"    // added at run time and kept in the store
)

// A feed's health in GET /api/feeds.
const (
	StatusOK          = "ok"
	StatusFailing     = "failing"
	StatusNeverPolled = "never polled"
)

// ItemsWindow is the span over which FeedInfo.ItemsPerDay is averaged.
const ItemsWindow = 7 * 24 * time.Hour

// Errors of a FeedAdmin, which the feed routes turn into statuses.
var (
	// ErrFeedInvalid: the request is not a usable feed (400).
	ErrFeedInvalid = errors.New("httpapi: invalid feed")
	// ErrFeedConflict: the ID or URL is taken by another feed (409).
	ErrFeedConflict = errors.New("httpapi: feed conflict")
	// ErrFeedDeclared: the feed is declared in the config file, which
	// only an edit of the file changes (409).
	ErrFeedDeclared = errors.New("httpapi: feed declared in the config file")
	// ErrFeedNotFound: no feed has that ID (404).
	ErrFeedNotFound = errors.New("httpapi: no such feed")
)

// FeedSource is a feed the daemon polls, with where it was declared.
type FeedSource struct {
	Feed   story.Feed
	Origin string // OriginConfig or OriginAPI
}

// FeedRequest is the body of POST /api/feeds.
type FeedRequest struct {
	// ID defaults to the URL's host and path.
	ID    string `json:"id,omitempty"`
	URL   string `json:"url"`
	Topic string `json:"topic"`
	// Interval is a Go duration ("30m"); empty means poll.interval.
	Interval     string `json:"interval,omitempty"`
	FetchArticle bool   `json:"fetch_article,omitempty"`
}

// FeedAdmin changes the set of feeds a running daemon polls:
// *daemon.Daemon. Its errors wrap ErrFeedInvalid, ErrFeedConflict,
// ErrFeedDeclared or ErrFeedNotFound.
type FeedAdmin interface {
	FeedSources() []FeedSource
	AddFeed(ctx context.Context, req FeedRequest) (FeedSource, error)
	RemoveFeed(ctx context.Context, id string) (FeedSource, error)
}

// FeedCounter is the optional part of a Reader that counts each feed's
// items since a time (*sink.Store), for FeedInfo.ItemsPerDay.
type FeedCounter interface {
	FeedItemCounts(since time.Time) (map[string]int, error)
}

// FeedInfo is one row of GET /api/feeds and of "feedsift feeds list". Its
// state fields keep the names of story.FeedState.
type FeedInfo struct {
	ID           string `json:"feed"`
	Topic        string `json:"topic,omitempty"`
	URL          string `json:"url,omitempty"`
	Origin       string `json:"origin,omitempty"`
	Interval     string `json:"interval,omitempty"`
	FetchArticle bool   `json:"fetch_article,omitempty"`
	// Format is the feed's format seen at its last parsed fetch: "rss",
	// "atom" or "json"; empty before one.
	Format string `json:"format,omitempty"`
	// Status is StatusOK, StatusFailing or StatusNeverPolled.
	Status       string    `json:"status"`
	ETag         string    `json:"etag,omitempty"`
	LastModified string    `json:"last_modified,omitempty"`
	LastFetch    time.Time `json:"last_fetch,omitzero"`
	LastSuccess  time.Time `json:"last_success,omitzero"`
	NextCheck    time.Time `json:"next_check,omitzero"`
	// NextReason says why the next check is when it is: "first poll",
	// "scheduled", "backoff after N failures", "retry-after" (the server
	// asked for the wait) or "deferred items" (a poll left new items for
	// soon after).
	NextReason string `json:"next_reason"`
	Failures   int    `json:"failures,omitempty"`
	LastError  string `json:"last_error,omitempty"`
	// ItemsPerDay is the feed's items (stories and merged copies) seen
	// over the last ItemsWindow, per day.
	ItemsPerDay float64 `json:"items_per_day"`
}

// deferredRecheck mirrors the pipeline's quick return after a poll that
// left items for later; a next check that close after a successful
// fetch, on a feed with a longer interval, was deferred.
const deferredRecheck = 10 * time.Second

// FeedList builds the rows of GET /api/feeds, ordered by ID: one per
// source with its state (if any) and its item count over ItemsWindow
// before now. With nil sources it lists the feeds states has, without
// topic, URL or origin.
func FeedList(sources []FeedSource, states []story.FeedState, counts map[string]int, now time.Time) []FeedInfo {
	byID := make(map[string]story.FeedState, len(states))
	for _, st := range states {
		byID[st.FeedID] = st
	}
	if sources == nil {
		for _, st := range states {
			sources = append(sources, FeedSource{Feed: story.Feed{ID: st.FeedID}})
		}
	}
	out := make([]FeedInfo, 0, len(sources))
	for _, src := range sources {
		f := src.Feed
		fi := FeedInfo{ID: f.ID, Topic: f.Topic, URL: f.URL, Origin: src.Origin, FetchArticle: f.FetchArticle,
			ItemsPerDay: float64(counts[f.ID]) / (float64(ItemsWindow) / float64(24*time.Hour))}
		if f.Interval > 0 {
			fi.Interval = f.Interval.String()
		}
		st, ok := byID[f.ID]
		if ok {
			fi.ETag, fi.LastModified = st.ETag, st.LastModified
			fi.LastFetch, fi.LastSuccess, fi.NextCheck = st.LastFetch, st.LastSuccess, st.NextCheck
			fi.Failures, fi.LastError = st.Failures, st.LastError
			fi.Format = st.Format
		}
		switch {
		case !ok || st.LastFetch.IsZero():
			fi.Status, fi.NextReason = StatusNeverPolled, "first poll"
		case st.Failures > 0:
			fi.Status = StatusFailing
			fi.NextReason = fmt.Sprintf("backoff after %d failures", st.Failures)
			if st.Failures == 1 {
				fi.NextReason = "backoff after 1 failure"
			}
			if strings.Contains(st.LastError, "(retry after ") {
				fi.NextReason = "retry-after"
			}
		default:
			fi.Status, fi.NextReason = StatusOK, "scheduled"
			if f.Interval > deferredRecheck+time.Second && !st.NextCheck.IsZero() &&
				st.NextCheck.Sub(st.LastFetch) <= deferredRecheck+time.Second {
				fi.NextReason = "deferred items"
			}
		}
		out = append(out, fi)
	}
	slices.SortFunc(out, func(a, b FeedInfo) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// feeds serves GET /api/feeds.
func (s *Server) feeds(w http.ResponseWriter, r *http.Request) {
	if !s.haveStore(w, r) {
		return
	}
	list, err := s.feedList(time.Now())
	s.reply(w, list, err)
}

func (s *Server) feedList(now time.Time) ([]FeedInfo, error) {
	states, err := s.opts.Store.FeedStates()
	if err != nil {
		return nil, err
	}
	var counts map[string]int
	if c, ok := s.opts.Store.(FeedCounter); ok {
		if counts, err = c.FeedItemCounts(now.Add(-ItemsWindow)); err != nil {
			return nil, err
		}
	}
	var sources []FeedSource
	if s.opts.FeedAdmin != nil {
		sources = s.opts.FeedAdmin.FeedSources()
		if sources == nil {
			sources = []FeedSource{}
		}
	}
	return FeedList(sources, states, counts, now), nil
}

func (s *Server) haveFeedAdmin(w http.ResponseWriter) bool {
	if s.opts.FeedAdmin == nil {
		s.apiError(w, http.StatusServiceUnavailable, "feeds cannot be changed here (no feed admin)")
		return false
	}
	return true
}

// feedStatus maps a FeedAdmin error to a status.
func feedStatus(err error) int {
	switch {
	case errors.Is(err, ErrFeedInvalid):
		return http.StatusBadRequest
	case errors.Is(err, ErrFeedConflict), errors.Is(err, ErrFeedDeclared):
		return http.StatusConflict
	case errors.Is(err, ErrFeedNotFound):
		return http.StatusNotFound
	}
	return http.StatusInternalServerError
}

func (s *Server) feedError(w http.ResponseWriter, op string, err error) {
	code := feedStatus(err)
	if code == http.StatusInternalServerError {
		s.log.Error("api: "+op+" failed", "error", err)
		s.apiError(w, code, op+" failed")
		return
	}
	s.apiError(w, code, err.Error())
}

// apiAddFeed serves POST /api/feeds: a FeedRequest in, the new feed's
// FeedInfo out.
func (s *Server) apiAddFeed(w http.ResponseWriter, r *http.Request) {
	if !s.haveFeedAdmin(w) {
		return
	}
	var req FeedRequest
	if err := decodeBody(r, &req); err != nil {
		s.apiError(w, http.StatusBadRequest, err.Error())
		return
	}
	src, err := s.opts.FeedAdmin.AddFeed(r.Context(), req)
	if err != nil {
		s.feedError(w, "add feed", err)
		return
	}
	s.log.Info("api: feed added", "feed_id", src.Feed.ID, "url", src.Feed.URL, "topic", src.Feed.Topic)
	s.reply(w, FeedList([]FeedSource{src}, nil, nil, time.Now())[0], nil)
}

// apiRemoveFeed serves DELETE /api/feeds/{id...}: it answers the
// FeedInfo of the feed it removed, with the feed's last poll state and
// item count (the store keeps a removed feed's state), as GET /api/feeds
// listed it just before.
func (s *Server) apiRemoveFeed(w http.ResponseWriter, r *http.Request) {
	if !s.haveFeedAdmin(w) {
		return
	}
	id := r.PathValue("id")
	src, err := s.opts.FeedAdmin.RemoveFeed(r.Context(), id)
	if err != nil {
		s.feedError(w, "remove feed", err)
		return
	}
	s.log.Info("api: feed removed", "feed_id", id)
	now := time.Now()
	var states []story.FeedState
	var counts map[string]int
	if s.opts.Store != nil {
		// The feed is gone already: a failed read leaves its state out
		// of the answer, not the removal undone.
		if states, err = s.opts.Store.FeedStates(); err != nil {
			s.log.Warn("api: feed removed; its state could not be read", "feed_id", id, "error", err)
		}
		if c, ok := s.opts.Store.(FeedCounter); ok {
			if counts, err = c.FeedItemCounts(now.Add(-ItemsWindow)); err != nil {
				s.log.Warn("api: feed removed; its item count could not be read", "feed_id", id, "error", err)
			}
		}
	}
	s.reply(w, FeedList([]FeedSource{src}, states, counts, now)[0], nil)
}

// ImportSkip is a feed of an OPML import that was not added, and why.
type ImportSkip struct {
	URL    string `json:"url"`
	ID     string `json:"id,omitempty"`
	Reason string `json:"reason"`
}

// ImportResult is the answer of POST /api/feeds/import and what "feedsift
// feeds import" prints.
type ImportResult struct {
	Added   []FeedInfo   `json:"added"`
	Skipped []ImportSkip `json:"skipped"`
	// Unusable counts outlines without a usable http(s) xmlUrl;
	// Repeated, feeds listed twice in the document.
	Unusable int `json:"unusable,omitempty"`
	Repeated int `json:"repeated,omitempty"`
}

// maxOPMLBody bounds the body of POST /api/feeds/import.
const maxOPMLBody = opml.MaxSize

// ImportRequests turns an OPML document's feeds into add requests: each
// feed's topic is its category's topic, else defaultTopic. Its ID is the
// outline's text when that is one word of at most 64 bytes, not used by
// an earlier feed of the list (so a file written by Export gives the
// same IDs back); else empty, which derives it from the URL.
func ImportRequests(doc *opml.Document, defaultTopic string) []FeedRequest {
	used := map[string]bool{}
	out := make([]FeedRequest, 0, len(doc.Outlines))
	for _, o := range doc.Outlines {
		req := FeedRequest{URL: o.XMLURL, Topic: cmp.Or(o.Topic, defaultTopic)}
		if t := o.Text; t != "" && len(t) <= 64 && !strings.ContainsFunc(t, isSpaceOrControl) && !used[t] && t != o.XMLURL {
			req.ID = t
			used[t] = true
		}
		out = append(out, req)
	}
	return out
}

func isSpaceOrControl(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }

// Import adds every feed of doc through add, which is FeedAdmin.AddFeed
// or the CLI's direct store edit: feeds refused for a conflict or as
// invalid are listed as skipped, any other error ends the import.
func Import(ctx context.Context, doc *opml.Document, defaultTopic string,
	add func(context.Context, FeedRequest) (FeedSource, error),
) (ImportResult, error) {
	res := ImportResult{Added: []FeedInfo{}, Skipped: []ImportSkip{}, Unusable: doc.Skipped, Repeated: doc.Duplicates}
	var added []FeedSource
	for _, req := range ImportRequests(doc, defaultTopic) {
		src, err := add(ctx, req)
		switch {
		case err == nil:
			added = append(added, src)
		case errors.Is(err, ErrFeedInvalid), errors.Is(err, ErrFeedConflict), errors.Is(err, ErrFeedDeclared):
			res.Skipped = append(res.Skipped, ImportSkip{URL: req.URL, ID: req.ID, Reason: err.Error()})
		default:
			return res, err
		}
	}
	res.Added = FeedList(added, nil, nil, time.Now())
	if res.Added == nil {
		res.Added = []FeedInfo{}
	}
	return res, nil
}

// apiImportFeeds serves POST /api/feeds/import?topic=T: the body is an
// OPML document; feeds outside a category get topic T.
func (s *Server) apiImportFeeds(w http.ResponseWriter, r *http.Request) {
	if !s.haveFeedAdmin(w) {
		return
	}
	topic := r.URL.Query().Get("topic")
	if topic != "" && story.ValidateTopic(topic) != nil {
		s.apiError(w, http.StatusBadRequest, (&paramError{"topic", topic}).Error())
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxOPMLBody))
	if err != nil {
		s.apiError(w, http.StatusRequestEntityTooLarge, "httpapi: read OPML body: "+err.Error())
		return
	}
	doc, err := opml.Read(bytes.NewReader(body))
	if err != nil {
		s.apiError(w, http.StatusBadRequest, err.Error())
		return
	}
	res, err := Import(r.Context(), doc, topic, s.opts.FeedAdmin.AddFeed)
	if err != nil {
		s.feedError(w, "import feeds", err)
		return
	}
	s.log.Info("api: feeds imported", "added", len(res.Added), "skipped", len(res.Skipped))
	s.reply(w, res, nil)
}
