package httpapi

// The overview page for people at GET /, the story page at
// GET /stories/{id} and one story as JSON at GET /api/stories/{id}. With
// Options.Token set they are behind the token guard like /dupes and /api.

import (
	"bytes"
	"cmp"
	"context"
	_ "embed"
	"fmt"
	"html/template"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/feedsift/feedsift/internal/story"
	"github.com/feedsift/feedsift/sink"
)

const (
	// homePerPage is how many stories a page of the overview lists,
	// unless the query's limit says otherwise; homeMaxPerPage caps that
	// limit.
	homePerPage    = 50
	homeMaxPerPage = 200
	// homeScan is how many of the newest stories the page reads to learn
	// the topics.
	homeScan = 500
	// homeMaxScan bounds the stories one page reads to fill itself when a
	// search or the cursor skips most of them.
	homeMaxScan = 20000
	// homeRefresh is the default period, in seconds, of the first page's
	// auto-refresh; homeMaxRefresh caps the refresh parameter.
	homeRefresh    = 60
	homeMaxRefresh = 24 * 60 * 60
	// homeErrorRunes truncates a feed's last error on the page.
	homeErrorRunes = 200
	// homeQueryRunes bounds a search.
	homeQueryRunes = 200
	// homeDupesWindow is the window of the page's dedupe counts.
	homeDupesWindow = 24 * time.Hour
	// relativeSpan is how far from now a time is said relative to it
	// ("5d ago"); farther ones are dates.
	relativeSpan = 30 * 24 * time.Hour
)

//go:embed home.html.tmpl
var homeSource string

//go:embed story.html.tmpl
var storySource string

//go:embed home.js
var homeScript []byte

var (
	homeTemplate  = template.Must(template.New("home").Parse(homeSource))
	storyTemplate = template.Must(template.New("story").Parse(storySource))
)

// serveHomeScript serves the overview's auto-refresh script; it holds no
// data, so it is outside the token guard.
func serveHomeScript(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	w.Header().Set("Cache-Control", "max-age=3600")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(homeScript) // a failed write to a gone client needs no handling
}

type homeData struct {
	Now     string // the page's clock, UTC
	Topic   string // the topic filter, or ""
	Query   string // the title search, or ""
	Limit   int    // stories per page
	Before  string // this page's cursor; "" on the first page
	Refresh int    // seconds between reloads of the first page; 0: off
	Hidden  []homeParam
	Auth    bool // a token is set: offer to log out
	NoStore bool
	// ReadError: a store read failed; the sections say which.
	ReadError bool

	Feeds    []homeFeed
	FeedsErr string
	Failing  int

	Topics     []string // the topics with stories, for the filter links
	Sections   []homeSection
	Shown      int    // stories on this page
	Older      string // the next page's URL; "" when there are no older stories
	Newest     string // the first page's URL; "" on the first page
	Capped     int    // the page stopped after reading this many stories
	StoriesErr string

	Dupes    homeDupes
	DupesErr string
}

// homeParam is a query parameter the search form carries over.
type homeParam struct{ Name, Value string }

type homeFeed struct {
	ID, Topic     string
	Status, Class string // Class: failing, never, ok, unknown
	Failures      int
	LastFetch     stamp
	LastSuccess   stamp
	NextCheck     stamp
	LastError     string // truncated
	URL, URLText  string // without user info; URL "" when it does not parse
	rank          int
}

type homeSection struct {
	Topic   string
	JSON    string // /api/stories URL for the topic
	Stories []homeStory
}

type homeStory struct {
	ID, Title, URL, FeedID string
	When                   stamp
	Doubt                  string // "low confidence 0.31 (listing)" for a doubtful extraction, else ""
}

// doubt describes a doubtful extraction for the pages, "" for a sound one.
func doubt(st story.Story) string {
	if !st.Doubtful() {
		return ""
	}
	return fmt.Sprintf("low confidence %.2f (%s)", st.Confidence, st.PageType)
}

type homeDupes struct {
	Stories, Copies             int // in the whole store (under the topic filter)
	RecentStories, RecentCopies int // stories dated within the window, and their copies
	Window                      string
}

func (s *Server) now() time.Time {
	if s.opts.Now != nil {
		return s.opts.Now()
	}
	return time.Now()
}

// cursor is where a page of the overview starts: stories older than
// When, or as old with an ID below ID. The zero cursor is the first page.
type cursor struct {
	When time.Time
	ID   string
}

func (c cursor) admits(st story.Story) bool {
	if c.When.IsZero() {
		return true
	}
	w := storyWhen(st)
	return w.Before(c.When) || (w.Equal(c.When) && c.ID != "" && st.ID < c.ID)
}

// home serves the overview page: feeds and their health, a page of the
// newest stories grouped by topic, and the dedupe counts. The query
// narrows the stories: topic (that topic and those under it), q (a title
// substring, any case), since, before and before_id (the cursor of an
// older page, as the page's "older" link sets it; before alone takes the
// forms of since), and limit (stories per page); refresh sets the first
// page's auto-refresh period in seconds (0 turns it off). It renders
// without a store, saying so; a failed store read leaves a note in its
// section and makes the status 500.
func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	f, err := filter(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	q := r.URL.Query()
	now := s.now()
	limit := homePerPage
	if q.Get("limit") != "" {
		limit = min(max(f.Limit, 1), homeMaxPerPage)
	}
	var cur cursor
	if v := q.Get("before"); v != "" {
		t, err := ParseSince(v, now)
		if err != nil {
			http.Error(w, (&paramError{"before", v}).Error(), http.StatusBadRequest)
			return
		}
		cur = cursor{When: t, ID: q.Get("before_id")}
	}
	refresh := homeRefresh
	if v := q.Get("refresh"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > homeMaxRefresh {
			http.Error(w, (&paramError{"refresh", v}).Error(), http.StatusBadRequest)
			return
		}
		refresh = n
	}
	query := strings.TrimSpace(q.Get("q"))
	if utf8.RuneCountInString(query) > homeQueryRunes {
		http.Error(w, (&paramError{"q", truncate(query, 40)}).Error()+": longer than 200 characters", http.StatusBadRequest)
		return
	}
	data := homeData{
		Now: now.UTC().Format("2006-01-02 15:04:05 UTC"), Topic: f.Topic, Query: query, Limit: limit,
		Before: q.Get("before"), Auth: s.opts.Token != "", NoStore: s.opts.Store == nil,
	}
	if data.Before == "" {
		data.Refresh = refresh
	}
	for _, k := range []string{"topic", "since", "limit", "refresh"} {
		if v := q.Get(k); v != "" {
			data.Hidden = append(data.Hidden, homeParam{k, v})
		}
	}
	var feeds []story.Feed
	if s.opts.Feeds != nil {
		feeds = s.opts.Feeds()
	}
	s.homeFeeds(&data, feeds, now)
	if !data.NoStore {
		s.homeStories(&data, r.URL.Query(), feeds, f, cur, now)
		s.homeDupes(&data, f.Topic, now)
	}
	status := http.StatusOK
	if data.ReadError {
		status = http.StatusInternalServerError
	}
	s.writeHTML(w, status, homeTemplate, data)
}

func (s *Server) readFailed(data *homeData, what string, err error) string {
	s.log.Error("home: store read failed", "what", what, "error", err)
	data.ReadError = true
	return "store read failed (" + what + ")"
}

// homeFeeds lists the polled feeds with their state, failing ones first
// (most failures first), then those never polled, then the rest, each by
// ID. Without Options.Feeds it lists the feeds the store has state for.
func (s *Server) homeFeeds(data *homeData, feeds []story.Feed, now time.Time) {
	states := map[string]story.FeedState{}
	if !data.NoStore {
		list, err := s.opts.Store.FeedStates()
		if err != nil {
			data.FeedsErr = s.readFailed(data, "feed states", err)
		}
		for _, st := range list {
			states[st.FeedID] = st
		}
		if s.opts.Feeds == nil {
			for _, st := range list {
				feeds = append(feeds, story.Feed{ID: st.FeedID})
			}
		}
	}
	for _, fd := range feeds {
		hf := homeFeed{ID: fd.ID, Topic: fd.Topic}
		hf.URL, hf.URLText = feedLink(fd.URL)
		st, known := states[fd.ID]
		switch {
		case data.NoStore || data.FeedsErr != "":
			hf.Status, hf.Class, hf.rank = "unknown", "unknown", 1
		case known && st.Failures > 0:
			hf.Status, hf.Class, hf.rank = fmt.Sprintf("failing (%d)", st.Failures), "failing", 0
			data.Failing++
		case !known || st.LastFetch.IsZero():
			hf.Status, hf.Class, hf.rank = "never polled", "never", 1
		default:
			hf.Status, hf.Class, hf.rank = "ok", "ok", 2
		}
		if known {
			hf.Failures = st.Failures
			hf.LastFetch = stampAgo(now, st.LastFetch)
			hf.LastSuccess = stampAgo(now, st.LastSuccess)
			hf.NextCheck = stampUntil(now, st.NextCheck)
			hf.LastError = truncate(st.LastError, homeErrorRunes)
		}
		data.Feeds = append(data.Feeds, hf)
	}
	slices.SortStableFunc(data.Feeds, func(a, b homeFeed) int {
		if a.rank != b.rank {
			return a.rank - b.rank
		}
		if a.Failures != b.Failures {
			return b.Failures - a.Failures
		}
		return strings.Compare(a.ID, b.ID)
	})
}

// homeStories fills the topic links and the page of stories. The links
// are the topics of the newest homeScan stories and the feeds' topics
// that have a story. The page is the newest stories (merged ones left
// out) that pass the filter, the search and the cursor, grouped by topic
// in topic order, newest first within each.
func (s *Server) homeStories(data *homeData, params url.Values, feeds []story.Feed, f sink.StoryFilter, cur cursor, now time.Time) {
	topics := map[string]bool{}
	newest, err := s.opts.Store.Stories(sink.StoryFilter{Since: f.Since, Limit: homeScan})
	if err != nil {
		data.StoriesErr = s.readFailed(data, "stories", err)
		return
	}
	for _, st := range newest {
		topics[st.Topic] = true
	}
	for _, fd := range feeds {
		if topics[fd.Topic] || story.ValidateTopic(fd.Topic) != nil {
			continue
		}
		some, err := s.opts.Store.Stories(sink.StoryFilter{Topic: fd.Topic, Since: f.Since, Limit: 1})
		if err != nil {
			data.StoriesErr = s.readFailed(data, "stories of "+fd.Topic, err)
			return
		}
		if len(some) > 0 {
			topics[fd.Topic] = true
		}
	}
	data.Topics = sortedKeys(topics)

	page, more, capped, err := s.pageStories(f, data.Query, cur, data.Limit)
	if err != nil {
		data.StoriesErr = s.readFailed(data, "stories", err)
		return
	}
	data.Shown = len(page)
	if capped {
		data.Capped = homeMaxScan
	}
	byTopic := map[string][]story.Story{}
	for _, st := range page {
		byTopic[st.Topic] = append(byTopic[st.Topic], st)
	}
	for _, t := range slices.Sorted(maps.Keys(byTopic)) {
		sec := homeSection{Topic: t, JSON: "/api/stories?" + url.Values{
			"topic": {t}, "limit": {strconv.Itoa(data.Limit)},
		}.Encode()}
		for _, st := range byTopic[t] {
			sec.Stories = append(sec.Stories, homeStory{
				ID: st.ID, Title: st.Title, URL: st.URL, FeedID: st.FeedID, When: stampAgo(now, storyWhen(st)), Doubt: doubt(st),
			})
		}
		data.Sections = append(data.Sections, sec)
	}
	if more {
		last := page[len(page)-1]
		v := cloneValues(params)
		v.Set("before", storyWhen(last).UTC().Format(time.RFC3339Nano))
		v.Set("before_id", last.ID)
		data.Older = "/?" + v.Encode()
	}
	if !cur.When.IsZero() {
		v := cloneValues(params)
		v.Del("before")
		v.Del("before_id")
		data.Newest = "/"
		if len(v) > 0 {
			data.Newest += "?" + v.Encode()
		}
	}
}

// pageStories reads the n newest stories that pass f (topic and since),
// are not merged into another, are admitted by cur and whose title holds
// query (any case). more says older ones pass too; capped that the read
// stopped at homeMaxScan stories before it found n.
func (s *Server) pageStories(f sink.StoryFilter, query string, cur cursor, n int) (page []story.Story, more, capped bool, err error) {
	want := n + 1
	needle := strings.ToLower(query)
	lim := max(4*want, 100)
	for {
		list, err := s.opts.Store.Stories(sink.StoryFilter{Topic: f.Topic, Since: f.Since, Limit: lim})
		if err != nil {
			return nil, false, false, err
		}
		page = page[:0]
		for _, st := range list {
			if st.MergedInto != "" || !cur.admits(st) || !strings.Contains(strings.ToLower(st.Title), needle) {
				continue
			}
			if page = append(page, st); len(page) == want {
				break
			}
		}
		switch {
		case len(page) == want:
			return page[:n], true, false, nil
		case len(list) < lim:
			return page, false, false, nil
		case lim >= homeMaxScan:
			return page, false, true, nil
		}
		lim = min(lim*4, homeMaxScan)
	}
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = slices.Clone(vs)
	}
	return out
}

// homeDupes counts the stories with copies and their copies, all of them
// (kept per topic by the store) and those of the stories dated within
// homeDupesWindow of now (read newest first from the report's index), so
// the overview costs the same on a store of any size.
func (s *Server) homeDupes(data *homeData, topic string, now time.Time) {
	data.Dupes.Window = "24 h"
	var err error
	data.Dupes.Stories, data.Dupes.Copies, err = s.opts.Store.ReportCounts(topic)
	if err != nil {
		data.DupesErr = s.readFailed(data, "dedupe report", err)
		return
	}
	recent, err := s.opts.Store.Report(sink.StoryFilter{Topic: topic, Since: now.Add(-homeDupesWindow)})
	if err != nil {
		data.DupesErr = s.readFailed(data, "dedupe report", err)
		return
	}
	for _, e := range recent {
		data.Dupes.RecentStories++
		data.Dupes.RecentCopies += len(e.Members)
	}
}

type storyData struct {
	Story      story.Story
	When       stamp
	JSON       string
	Paragraphs []string
	Auth       bool

	Copies    []storyCopy
	CopiesErr string
	Related   []storyRelated
	Merged    []storyRelated // stories merged into this one
}

// storyCopy is a copy merged into the story.
type storyCopy struct {
	story.Duplicate
	Seen stamp
	Pct  string
}

type storyRelated struct {
	ID, Title string
	Pct       string // similarity; "" for a merged story
	Known     bool   // the story is in the store
	Merged    bool   // it was merged into another story since
}

// MemberReader is the optional part of a Reader that lists one story's
// copies (*sink.Store); without it the story page finds them in the
// dedupe report.
type MemberReader interface {
	Members(ctx context.Context, storyID string) ([]story.Duplicate, error)
}

// storyPage serves one story for people: GET /stories/{id}, with its
// copies (feed, URL, similarity, method, when seen) and the related
// stories and those merged into it, each a link to its own page.
func (s *Server) storyPage(w http.ResponseWriter, r *http.Request) {
	st, ok := s.oneStory(w, r)
	if !ok {
		return
	}
	now := s.now()
	data := storyData{
		Story: st, When: stampAgo(now, storyWhen(st)),
		JSON:       "/api/stories/" + url.PathEscape(st.ID),
		Paragraphs: paragraphs(st.Text),
		Auth:       s.opts.Token != "",
	}
	members, err := s.members(r.Context(), st)
	if err != nil {
		s.log.Error("story: store read failed", "what", "copies", "story_id", st.ID, "error", err)
		data.CopiesErr = "store read failed (copies)"
	}
	for _, m := range members {
		data.Copies = append(data.Copies, storyCopy{Duplicate: m, Seen: stampAgo(now, m.Seen), Pct: percent(m.Similarity)})
	}
	for _, rel := range st.Related {
		sr := storyRelated{ID: rel.StoryID, Pct: percent(rel.Similarity)}
		s.describe(r.Context(), &sr)
		data.Related = append(data.Related, sr)
	}
	for _, id := range st.Merged {
		sr := storyRelated{ID: id}
		s.describe(r.Context(), &sr)
		data.Merged = append(data.Merged, sr)
	}
	status := http.StatusOK
	if data.CopiesErr != "" {
		status = http.StatusInternalServerError
	}
	s.writeHTML(w, status, storyTemplate, data)
}

// members returns the copies merged into st, oldest first.
func (s *Server) members(ctx context.Context, st story.Story) ([]story.Duplicate, error) {
	if mr, ok := s.opts.Store.(MemberReader); ok {
		return mr.Members(ctx, st.ID)
	}
	report, err := s.opts.Store.Report(sink.StoryFilter{Topic: st.Topic})
	if err != nil {
		return nil, err
	}
	for _, e := range report {
		if e.Story.ID == st.ID {
			return e.Members, nil
		}
	}
	return nil, nil
}

// describe fills a related story's title from the store; a failed read
// leaves it unknown, which the page shows by ID.
func (s *Server) describe(ctx context.Context, sr *storyRelated) {
	other, ok, err := s.opts.Store.Story(ctx, sr.ID)
	if err != nil {
		s.log.Warn("story: store read failed", "what", "related story", "story_id", sr.ID, "error", err)
		return
	}
	if ok {
		sr.Title, sr.Known, sr.Merged = other.Title, true, other.MergedInto != ""
	}
}

func percent(f float64) string { return fmt.Sprintf("%.0f%%", 100*f) }

// apiStory serves one story as JSON: GET /api/stories/{id}.
func (s *Server) apiStory(w http.ResponseWriter, r *http.Request) {
	if st, ok := s.oneStory(w, r); ok {
		s.reply(w, st, nil)
	}
}

// oneStory reads the story named in the path, or answers 503, 404 or 500.
func (s *Server) oneStory(w http.ResponseWriter, r *http.Request) (story.Story, bool) {
	if !s.haveStore(w, r) {
		return story.Story{}, false
	}
	id := r.PathValue("id")
	st, ok, err := s.opts.Store.Story(r.Context(), id)
	switch {
	case err != nil:
		s.log.Error("story: store read failed", "error", err)
		s.fail(w, r, http.StatusInternalServerError, "store read failed")
		return story.Story{}, false
	case !ok:
		s.fail(w, r, http.StatusNotFound, "no story "+strconv.Quote(id))
		return story.Story{}, false
	}
	return st, true
}

// pageCSP is the pages' Content-Security-Policy: no scripts but this
// listener's own (the overview's auto-refresh), no other origins.
const pageCSP = "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// writeHTML renders t with the headers of the report page.
func (s *Server) writeHTML(w http.ResponseWriter, status int, t *template.Template, data any) {
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		s.log.Error("page: render failed", "page", t.Name(), "error", err)
		http.Error(w, "render failed", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", pageCSP)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(b.Bytes()) // a failed write to a gone client needs no handling
}

// feedLink returns a feed URL without its user info, for a link, and the
// text to show; both empty when raw does not parse as an absolute URL.
func feedLink(raw string) (href, text string) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "", ""
	}
	u.User = nil
	href = u.String()
	return href, truncate(u.Host+u.EscapedPath(), 60)
}

func storyWhen(st story.Story) time.Time {
	if !st.Published.IsZero() {
		return st.Published
	}
	return st.Fetched
}

// stamp is a time as a page shows it: Text for people ("5m ago", "in
// 2h", "2025-11-02"), with ISO (RFC 3339, for <time datetime>) and Exact
// (for its title). The zero stamp shows as "—".
type stamp struct {
	Text, ISO, Exact string
}

// HTML renders the stamp as a <time> element.
func (st stamp) HTML() template.HTML {
	if st.ISO == "" {
		return template.HTML(template.HTMLEscapeString(cmp.Or(st.Text, "—")))
	}
	return template.HTML(`<time datetime="` + template.HTMLEscapeString(st.ISO) + `" title="` +
		template.HTMLEscapeString(st.Exact) + `">` + template.HTMLEscapeString(st.Text) + `</time>`)
}

func stampOf(t time.Time, text string) stamp {
	if t.IsZero() {
		return stamp{Text: "—"}
	}
	return stamp{Text: text, ISO: t.UTC().Format(time.RFC3339), Exact: clock(t)}
}

// stampAgo is t relative to now: see ago.
func stampAgo(now, t time.Time) stamp { return stampOf(t, ago(now, t)) }

// stampUntil is t relative to now: see until.
func stampUntil(now, t time.Time) stamp { return stampOf(t, until(now, t)) }

// clock formats t for people, in UTC; "" for the zero time.
func clock(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04:05 UTC")
}

// ago says how long before now t was, in its largest unit: "<1m ago",
// "5m ago", "3h ago", "12d ago"; a time more than relativeSpan before
// now is its date ("2011-01-05"); "—" for the zero time and "in …" for a
// time after now.
func ago(now, t time.Time) string {
	switch {
	case t.IsZero():
		return "—"
	case t.After(now):
		return until(now, t)
	case now.Sub(t) > relativeSpan:
		return t.UTC().Format(time.DateOnly)
	}
	return span(now.Sub(t)) + " ago"
}

// until says how long after now t is: "in 5m", "in 3d"; its date when
// more than relativeSpan away; "due" when it has passed; "—" for the
// zero time.
func until(now, t time.Time) string {
	switch {
	case t.IsZero():
		return "—"
	case !t.After(now):
		return "due"
	case t.Sub(now) > relativeSpan:
		return t.UTC().Format(time.DateOnly)
	}
	return "in " + span(t.Sub(now))
}

func span(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "<1m"
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d/time.Minute))
	case d < 24*time.Hour:
		return fmt.Sprintf("%dh", int(d/time.Hour))
	}
	return fmt.Sprintf("%dd", int(d/(24*time.Hour)))
}

// truncate collapses white space and keeps at most n runes of s, marking
// a cut with "…". Invalid UTF-8 is replaced.
func truncate(s string, n int) string {
	s = strings.Join(strings.Fields(strings.ToValidUTF8(s, "\uFFFD")), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

func paragraphs(text string) []string {
	var out []string
	for p := range strings.SplitSeq(text, "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
