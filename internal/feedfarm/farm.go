package feedfarm

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"html/template"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// Farm serves a Scenario over HTTP. Create it with New.
type Farm struct {
	sc    Scenario
	sites map[string]int // name → index in sc.Sites
	tmpl  *template.Template
	err   error // why the scenario cannot be served; nil when it can

	mu          sync.Mutex
	round       int
	requests    map[string]int
	notModified map[string]int
	versions    map[string]version // path → last body served
}

// version is the ETag and Last-Modified of the last body served on a path.
type version struct {
	etag string
	mod  time.Time
}

// Stats counts the requests a Farm has answered, by URL path (without query).
type Stats struct {
	Requests    map[string]int // every request, including 304s and errors
	NotModified map[string]int // requests answered 304 Not Modified
}

// New returns a farm serving sc, starting at round 0. It copies sc. If sc
// does not validate, the farm answers every request with 500 and the
// validation error.
func New(sc Scenario) *Farm {
	f := &Farm{
		sc:          cloneScenario(sc),
		sites:       map[string]int{},
		requests:    map[string]int{},
		notModified: map[string]int{},
		versions:    map[string]version{},
	}
	for i, s := range f.sc.Sites {
		f.sites[s.Name] = i
	}
	f.err = f.sc.Validate()
	if f.err == nil {
		f.tmpl, f.err = parseTemplates()
	}
	return f
}

// SetRound switches the visible entries to those with FromRound <= n. A
// negative n is taken as 0.
func (f *Farm) SetRound(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.round = max(n, 0)
}

// Advance moves to the next round, so the entries listed from it appear
// on the next poll, and returns the new round.
func (f *Farm) Advance() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.round++
	return f.round
}

// Round returns the current round.
func (f *Farm) Round() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.round
}

// FeedURLs returns each site's absolute feed URL, by site name, for a
// server whose base URL is base (for example httptest.Server.URL).
func (f *Farm) FeedURLs(base string) map[string]string {
	base = strings.TrimRight(base, "/")
	out := make(map[string]string, len(f.sc.Sites))
	for _, s := range f.sc.Sites {
		out[s.Name] = base + feedPath(s)
	}
	return out
}

// FeedList returns every site's absolute feed URL, in scenario order, for
// a server whose base URL is base.
func (f *Farm) FeedList(base string) []string {
	base = strings.TrimRight(base, "/")
	out := make([]string, len(f.sc.Sites))
	for i, s := range f.sc.Sites {
		out[i] = base + feedPath(s)
	}
	return out
}

// Requests returns how many requests the farm has answered on path (a URL
// path without query, such as "/f0007/feed.xml"), 304s and errors included.
func (f *Farm) Requests(path string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.requests[path]
}

// Stats returns a copy of the request counts so far.
func (f *Farm) Stats() Stats {
	f.mu.Lock()
	defer f.mu.Unlock()
	return Stats{Requests: maps.Clone(f.requests), NotModified: maps.Clone(f.notModified)}
}

// Handler returns the handler serving the farm's index, feeds and pages.
// Only GET and HEAD are allowed.
func (f *Farm) Handler() http.Handler {
	return http.HandlerFunc(f.serve)
}

func (f *Farm) serve(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	f.mu.Lock()
	f.requests[path]++
	round := f.round
	f.mu.Unlock()

	if f.err != nil {
		http.Error(w, f.err.Error(), http.StatusInternalServerError)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "feedfarm: method not allowed", http.StatusMethodNotAllowed)
		return
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	body, ctype, mod, err := f.render(path, round, scheme+"://"+r.Host)
	switch {
	case err != nil:
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	case body == nil:
		http.NotFound(w, r)
		return
	}

	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:16]) + `"`
	f.mu.Lock()
	v, seen := f.versions[path]
	if !seen || v.etag != etag {
		// A new body gets a Last-Modified later than the one before it,
		// so If-Modified-Since cannot mistake it for the old one.
		mod = mod.Truncate(time.Second)
		if seen && !mod.After(v.mod) {
			mod = v.mod.Add(time.Second)
		}
		v = version{etag: etag, mod: mod}
		f.versions[path] = v
	}
	f.mu.Unlock()

	w.Header().Set("Content-Type", ctype)
	w.Header().Set("ETag", v.etag)
	w.Header().Set("Cache-Control", "no-cache")
	sw := &statusWriter{ResponseWriter: w}
	http.ServeContent(sw, r, "", v.mod, bytes.NewReader(body))
	if sw.status == http.StatusNotModified {
		f.mu.Lock()
		f.notModified[path]++
		f.mu.Unlock()
	}
}

// render returns the body, media type and content time for path in round,
// with links under base; a nil body means not found.
func (f *Farm) render(path string, round int, base string) ([]byte, string, time.Time, error) {
	if path == "/" {
		b, err := f.renderIndex(base)
		return b, "text/html; charset=utf-8", epoch(), err
	}
	name, rest, ok := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	i, found := f.sites[name]
	if !ok || !found {
		return nil, "", time.Time{}, nil
	}
	s := f.sc.Sites[i]
	if path == feedPath(s) {
		entries := visible(s, round)
		b, err := renderFeed(s, entries, base)
		return b, feedContentType(s.Format), cmp.Or(latest(entries), epoch()), err
	}
	if !strings.HasSuffix(rest, ".html") {
		return nil, "", time.Time{}, nil
	}
	e, ok := pageEntry(s, path, round)
	if !ok {
		return nil, "", time.Time{}, nil
	}
	b, err := renderPage(f.tmpl, s, e, related(s, e), base)
	return b, "text/html; charset=utf-8", cmp.Or(e.published(), epoch()), err
}

func (f *Farm) renderIndex(base string) ([]byte, error) {
	var d indexData
	for _, s := range f.sc.Sites {
		d.Sites = append(d.Sites, indexSite{
			Title: siteTitle(s), Format: s.Format, Topic: s.Topic, FeedURL: base + feedPath(s),
			SummaryOnly: s.SummaryOnly, Template: s.Template.String(),
		})
	}
	var b bytes.Buffer
	if err := f.tmpl.ExecuteTemplate(&b, "index", d); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// visible returns the entries of s listed in round, newest first; entries
// with equal times keep scenario order.
func visible(s Site, round int) []Entry {
	var out []Entry
	for _, e := range s.Entries {
		if e.FromRound <= round {
			out = append(out, e)
		}
	}
	slices.SortStableFunc(out, func(a, b Entry) int { return b.published().Compare(a.published()) })
	return out
}

// pageEntry returns the entry whose page is at path: the first listed of
// those pointing at it, provided it is listed in round.
func pageEntry(s Site, path string, round int) (Entry, bool) {
	var best Entry
	found := false
	for _, e := range s.Entries {
		if pagePath(s, e) == path && e.FromRound <= round && (!found || e.FromRound < best.FromRound) {
			best, found = e, true
		}
	}
	return best, found
}

// related returns up to four other articles of s that were listed no later
// than e, for the page's related links. The list depends only on the
// scenario, so a page does not change between rounds.
func related(s Site, e Entry) []Entry {
	var out []Entry
	seen := map[string]bool{e.Article.Slug: true}
	for _, o := range s.Entries {
		if o.FromRound <= e.FromRound && !seen[o.Article.Slug] && len(out) < 4 {
			seen[o.Article.Slug] = true
			out = append(out, o)
		}
	}
	return out
}

// statusWriter records the status code written.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func cloneScenario(sc Scenario) Scenario {
	out := Scenario{Sites: slices.Clone(sc.Sites)}
	for i := range out.Sites {
		entries := slices.Clone(out.Sites[i].Entries)
		for j := range entries {
			e := &entries[j]
			e.Article.Paragraphs = slices.Clone(e.Article.Paragraphs)
			e.Header = slices.Clone(e.Header)
			e.Footer = slices.Clone(e.Footer)
		}
		out.Sites[i].Entries = entries
	}
	return out
}
