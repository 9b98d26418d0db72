package httpapi

// The overview page for people at GET /, the story page at
// GET /stories/{id} and one story as JSON at GET /api/stories/{id}. With
// Options.Token set they are behind the token guard like /dupes and /api.

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
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
	// homePerTopic is how many stories the page lists per topic, unless
	// the query's limit says otherwise; homeMaxPerTopic caps that limit.
	homePerTopic    = 5
	homeMaxPerTopic = 200
	// homeScan is how many of the newest stories the page reads to learn
	// the topics and fill their lists before it asks per topic.
	homeScan = 500
	// homeErrorRunes truncates a feed's last error on the page.
	homeErrorRunes = 200
	// homeDupesWindow is the window of the page's dedupe counts.
	homeDupesWindow = 24 * time.Hour
)

//go:embed home.html.tmpl
var homeSource string

//go:embed story.html.tmpl
var storySource string

var (
	homeTemplate  = template.Must(template.New("home").Parse(homeSource))
	storyTemplate = template.Must(template.New("story").Parse(storySource))
)

type homeData struct {
	Now       string // the page's clock, UTC
	Topic     string // the topic filter, or ""
	Limit     int    // stories per topic
	NoStore   bool
	ReadError bool // a store read failed; the sections say which

	Feeds    []homeFeed
	FeedsErr string
	Failing  int

	Topics     []string // every known topic, for the filter links
	Sections   []homeSection
	StoriesErr string

	Dupes    homeDupes
	DupesErr string
}

type homeFeed struct {
	ID, Topic     string
	Status, Class string // Class: failing, never, ok, unknown
	Failures      int
	LastFetch     string // relative to the page's clock
	LastFetchAbs  string
	LastSuccess   string
	NextCheck     string
	NextCheckAbs  string
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
	When, WhenAbs          string
}

type homeDupes struct {
	Stories, Copies             int // in the whole store (under the topic filter)
	RecentStories, RecentCopies int // copies seen within the window
	Window                      string
}

func (s *Server) now() time.Time {
	if s.opts.Now != nil {
		return s.opts.Now()
	}
	return time.Now()
}

// home serves the overview page: feeds and their health, the newest
// stories per topic (?topic= narrows to a topic and those under it,
// ?limit= sets how many per topic, ?since= drops older stories), and the
// dedupe counts. It renders without a store, saying so; a failed store
// read leaves a note in its section and makes the status 500.
func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	f, err := filter(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	now := s.now()
	perTopic := homePerTopic
	if r.URL.Query().Get("limit") != "" {
		perTopic = min(max(f.Limit, 1), homeMaxPerTopic)
	}
	data := homeData{
		Now: now.UTC().Format("2006-01-02 15:04:05 UTC"), Topic: f.Topic, Limit: perTopic,
		NoStore: s.opts.Store == nil,
	}
	var feeds []story.Feed
	if s.opts.Feeds != nil {
		feeds = s.opts.Feeds()
	}
	s.homeFeeds(&data, feeds, now)
	if !data.NoStore {
		s.homeStories(&data, feeds, f, perTopic, now)
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
	states := map[string]sink.FeedState{}
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
			hf.LastFetch, hf.LastFetchAbs = ago(now, st.LastFetch), clock(st.LastFetch)
			hf.LastSuccess = ago(now, st.LastSuccess)
			hf.NextCheck, hf.NextCheckAbs = until(now, st.NextCheck), clock(st.NextCheck)
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

// homeStories fills the topic links and the per-topic lists. Topics are
// those of the feeds and of the newest stories; each lists its own
// stories (not those of topics under it), newest first, without stories
// merged into another.
func (s *Server) homeStories(data *homeData, feeds []story.Feed, f sink.StoryFilter, perTopic int, now time.Time) {
	topics := map[string]bool{}
	for _, fd := range feeds {
		if story.ValidateTopic(fd.Topic) == nil {
			topics[fd.Topic] = true
		}
	}
	pool := map[string][]story.Story{} // by exact topic, newest first
	full := map[string]bool{}          // a scan was cut off, so a topic may have more
	seen := map[string]bool{}
	scan := func(sf sink.StoryFilter) error {
		list, err := s.opts.Store.Stories(sf)
		if err != nil {
			return err
		}
		for _, st := range list {
			topics[st.Topic] = true
			if seen[st.ID] || st.MergedInto != "" {
				continue
			}
			seen[st.ID] = true
			pool[st.Topic] = append(pool[st.Topic], st)
		}
		if len(list) == sf.Limit {
			for t := range topics {
				full[t] = true
			}
		}
		return nil
	}
	err := scan(sink.StoryFilter{Since: f.Since, Limit: homeScan})
	if err == nil && f.Topic != "" {
		err = scan(sink.StoryFilter{Topic: f.Topic, Since: f.Since, Limit: homeScan})
	}
	if err != nil {
		data.StoriesErr = s.readFailed(data, "stories", err)
		return
	}
	data.Topics = sortedKeys(topics)
	for _, t := range data.Topics {
		if f.Topic != "" && t != f.Topic && !strings.HasPrefix(t, f.Topic+".") {
			continue
		}
		list := pool[t]
		slices.SortStableFunc(list, func(a, b story.Story) int { return storyWhen(b).Compare(storyWhen(a)) })
		if len(list) < perTopic && full[t] {
			more, err := s.opts.Store.Stories(sink.StoryFilter{Topic: t, Since: f.Since, Limit: homeMaxPerTopic})
			if err != nil {
				data.StoriesErr = s.readFailed(data, "stories of "+t, err)
				return
			}
			list = list[:0:0]
			for _, st := range more {
				if st.Topic == t && st.MergedInto == "" {
					list = append(list, st)
				}
			}
		}
		sec := homeSection{Topic: t, JSON: "/api/stories?" + url.Values{
			"topic": {t}, "limit": {strconv.Itoa(perTopic)},
		}.Encode()}
		for _, st := range list[:min(len(list), perTopic)] {
			sec.Stories = append(sec.Stories, homeStory{
				ID: st.ID, Title: st.Title, URL: st.URL, FeedID: st.FeedID,
				When: ago(now, storyWhen(st)), WhenAbs: clock(storyWhen(st)),
			})
		}
		data.Sections = append(data.Sections, sec)
	}
}

// homeDupes counts the stories with copies, and the copies seen within
// homeDupesWindow of now.
func (s *Server) homeDupes(data *homeData, topic string, now time.Time) {
	data.Dupes.Window = "24 h"
	report, err := s.opts.Store.Report(sink.StoryFilter{Topic: topic})
	if err != nil {
		data.DupesErr = s.readFailed(data, "dedupe report", err)
		return
	}
	since := now.Add(-homeDupesWindow)
	for _, e := range report {
		data.Dupes.Stories++
		data.Dupes.Copies += len(e.Members)
		recent := 0
		for _, m := range e.Members {
			if !m.Seen.Before(since) {
				recent++
			}
		}
		if recent > 0 {
			data.Dupes.RecentStories++
			data.Dupes.RecentCopies += recent
		}
	}
}

type storyData struct {
	Story      story.Story
	When, JSON string
	Paragraphs []string
}

// storyPage serves one story for people: GET /stories/{id}.
func (s *Server) storyPage(w http.ResponseWriter, r *http.Request) {
	st, ok := s.oneStory(w, r)
	if !ok {
		return
	}
	data := storyData{
		Story: st, When: clock(storyWhen(st)),
		JSON:       "/api/stories/" + url.PathEscape(st.ID),
		Paragraphs: paragraphs(st.Text),
	}
	s.writeHTML(w, http.StatusOK, storyTemplate, data)
}

// apiStory serves one story as JSON: GET /api/stories/{id}.
func (s *Server) apiStory(w http.ResponseWriter, r *http.Request) {
	if st, ok := s.oneStory(w, r); ok {
		s.reply(w, st, nil)
	}
}

// oneStory reads the story named in the path, or answers 503, 404 or 500.
func (s *Server) oneStory(w http.ResponseWriter, r *http.Request) (story.Story, bool) {
	if !s.haveStore(w) {
		return story.Story{}, false
	}
	id := r.PathValue("id")
	st, ok, err := s.opts.Store.Story(id)
	switch {
	case err != nil:
		s.log.Error("story: store read failed", "error", err)
		http.Error(w, "store read failed", http.StatusInternalServerError)
		return story.Story{}, false
	case !ok:
		http.Error(w, "no story "+strconv.Quote(id), http.StatusNotFound)
		return story.Story{}, false
	}
	return st, true
}

// writeHTML renders t with the headers of the report page.
func (s *Server) writeHTML(w http.ResponseWriter, status int, t *template.Template, data any) {
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		s.log.Error("page: render failed", "page", t.Name(), "error", err)
		http.Error(w, "render failed", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
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

// clock formats t for people, in UTC; "" for the zero time.
func clock(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

// ago says how long before now t was: "5m ago", "3h 20m ago", "2d 4h ago";
// "—" for the zero time and "in …" for a time after now.
func ago(now, t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	if t.After(now) {
		return "in " + span(t.Sub(now))
	}
	return span(now.Sub(t)) + " ago"
}

// until says how long after now t is: "in 5m", or "due" when it has
// passed; "—" for the zero time.
func until(now, t time.Time) string {
	switch {
	case t.IsZero():
		return "—"
	case !t.After(now):
		return "due"
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
		h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
		if m == 0 {
			return fmt.Sprintf("%dh", h)
		}
		return fmt.Sprintf("%dh %dm", h, m)
	}
	days, h := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour)
	if h == 0 {
		return fmt.Sprintf("%dd", days)
	}
	return fmt.Sprintf("%dd %dh", days, h)
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
