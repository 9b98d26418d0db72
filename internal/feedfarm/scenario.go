package feedfarm

import (
	"cmp"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/feedsift/feedsift/internal/story"
)

// Feed formats a Site can serve.
const (
	FormatRSS  = "rss"  // RSS 2.0 at /<site>/feed.xml
	FormatAtom = "atom" // Atom 1.0 at /<site>/feed.xml
	FormatRDF  = "rdf"  // RSS 1.0 (RDF) at /<site>/feed.xml
	FormatJSON = "json" // JSON Feed 1.1 at /<site>/feed.json
)

// Article is a story as its author wrote it.
type Article struct {
	// Slug names the article across the scenario and is its default page
	// path: lower-case letters, digits, '-' and '/'.
	Slug   string
	Title  string
	Author string // may be empty
	// Published is when the article first appeared; zero means unknown.
	Published time.Time
	// Paragraphs are plain text, one per <p>.
	Paragraphs []string
	// Event names the real-world event the article covers. Articles that
	// share an Event are different stories on the same subject: related,
	// never copies. Empty means not stated.
	Event string
}

// Scenario describes sites, their feeds and which entries appear in which
// poll round.
type Scenario struct {
	Sites []Site
}

// Site is one news site with one feed.
type Site struct {
	// Name is the path prefix: /<name>/feed.xml (feed.json), /<name>/<slug>.html.
	// Lower-case letters, digits and '-'.
	Name string
	// Title is the site's display name; empty means Name.
	Title string
	// Format is one of FormatRSS, FormatAtom, FormatRDF, FormatJSON.
	Format string
	// Topic is the topic suggested for this feed in a config; empty or a
	// topic story.ValidateTopic accepts.
	Topic string
	// SummaryOnly makes the feed carry only a one or two sentence summary,
	// so the full text is only on the page. A JSON Feed item must have
	// content, so there the summary is also given as content_text.
	SummaryOnly bool
	// Template is how the site wraps its article pages.
	Template Template
	Entries  []Entry
}

// Entry is an article as listed by one site.
type Entry struct {
	Article Article
	// GUID is the item's id in the feed, unique within the site. RSS
	// writes it as a non-permalink <guid>, Atom as <id>, JSON Feed as
	// "id"; RDF has no such field and carries it as <dc:identifier>, so
	// for RDF items readers identify the item by its link.
	GUID string
	// Title is the headline this site shows; empty means Article.Title.
	Title string
	// Slug is the page path on this site, without ".html"; empty means
	// Article.Slug. It may end in a query string ("x?utm_source=feed"),
	// which appears in the feed's link and is ignored when serving.
	Slug string
	// FromRound is the first round in which the entry is listed (0 = from
	// the start).
	FromRound int
	// Published is when this site listed the entry; zero means
	// Article.Published.
	Published time.Time
	// Header and Footer are extra lines this site puts inside the
	// article body, before and after the paragraphs (for example "Source
	// link"). They appear in the page and in the feed's full content.
	Header, Footer []string
	// Keep, when positive, makes the site show only the first Keep
	// paragraphs of the article (a trimmed copy); zero shows them all.
	Keep int
}

// Template is the look of a site's article pages. Each wraps the article in
// a different kind of boilerplate; the zero value is TemplateNewsroom.
type Template int

const (
	// TemplateNewsroom is a newspaper page: cookie banner, header with a
	// menu, breadcrumb, an <article> with headline, byline, a figure
	// whose caption is the image's file name and a share bar, an aside
	// with related and most-read lists, and a footer.
	TemplateNewsroom Template = iota
	// TemplateBlog is a WordPress-style post: site header and menu,
	// breadcrumb, an <article> with entry meta, share links and
	// categories, "Similar Posts", a comment with a reply form ("Leave a
	// Reply", "Your email address will not be published..."), a sidebar,
	// "Back to top button" and a footer.
	TemplateBlog
	// TemplateWire is an older portal page with no <article> or
	// semantic elements at all: nested divs, a top bar, the text in a
	// div of <p>s, a share line, tags, a side column with related links
	// and an advertisement, a cookie notice and "Scroll to Top".
	TemplateWire
)

// String returns the template's name.
func (t Template) String() string {
	switch t {
	case TemplateNewsroom:
		return "newsroom"
	case TemplateBlog:
		return "blog"
	case TemplateWire:
		return "wire"
	}
	return fmt.Sprintf("Template(%d)", int(t))
}

// Kind says how an entry relates to the story it belongs to.
type Kind string

// Kinds of Expectation.
const (
	KindOriginal Kind = "original" // first listing of an article: one story
	KindCopy     Kind = "copy"     // the same article listed later by another site
	KindRepost   Kind = "repost"   // the same article listed again by the same site
)

// Expectation is what a correct pipeline does with one entry.
type Expectation struct {
	Site  string // site name
	GUID  string // entry GUID
	URL   string // path and query of the entry's link, e.g. "/wire/x.html?utm_source=feed"
	Title string // headline the entry shows
	Round int    // round from which the entry is listed
	Kind  Kind
	// Story is the Article.Slug of the story the entry belongs to.
	Story string
	// Original is, for a copy or repost, the URL (path and query) of the
	// original entry it must merge into; empty for an original.
	Original string
	// Event is Article.Event: originals sharing it must stay apart.
	Event string
}

// Expected lists one Expectation per entry, ordered by round, then site
// and entry order in the scenario. The originals are the stories a correct
// pipeline publishes; every copy and repost must be merged into the story
// of its original. Expected assumes a valid scenario (see Validate).
func (sc Scenario) Expected() []Expectation {
	type ref struct {
		site, entry int
	}
	var refs []ref
	for si, s := range sc.Sites {
		for ei := range s.Entries {
			refs = append(refs, ref{si, ei})
		}
	}
	slices.SortStableFunc(refs, func(a, b ref) int {
		return cmp.Compare(sc.Sites[a.site].Entries[a.entry].FromRound, sc.Sites[b.site].Entries[b.entry].FromRound)
	})
	type orig struct {
		site int
		url  string
	}
	firsts := map[string]orig{}
	out := make([]Expectation, 0, len(refs))
	for _, r := range refs {
		s := sc.Sites[r.site]
		e := s.Entries[r.entry]
		x := Expectation{
			Site:  s.Name,
			GUID:  e.GUID,
			URL:   entryURL(s, e),
			Title: e.title(),
			Round: e.FromRound,
			Kind:  KindOriginal,
			Story: e.Article.Slug,
			Event: e.Article.Event,
		}
		if o, ok := firsts[e.Article.Slug]; ok {
			x.Kind, x.Original = KindCopy, o.url
			if o.site == r.site {
				x.Kind = KindRepost
			}
		} else {
			firsts[e.Article.Slug] = orig{r.site, x.URL}
		}
		out = append(out, x)
	}
	return out
}

// Validate reports the first problem that would make the farm serve
// something broken or make Expected ambiguous. The error wraps
// ErrInvalidScenario.
func (sc Scenario) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrInvalidScenario}, args...)...)
	}
	names := map[string]bool{}
	type first struct {
		round, count int
		article      Article
	}
	firsts := map[string]*first{}
	for si, s := range sc.Sites {
		if !validName(s.Name) {
			return bad("site %d: name %q: want lower-case letters, digits and '-'", si, s.Name)
		}
		if names[s.Name] {
			return bad("site %q: name used twice", s.Name)
		}
		names[s.Name] = true
		switch s.Format {
		case FormatRSS, FormatAtom, FormatRDF, FormatJSON:
		default:
			return bad("site %q: unknown format %q", s.Name, s.Format)
		}
		if s.Template < TemplateNewsroom || s.Template > TemplateWire {
			return bad("site %q: unknown template %d", s.Name, int(s.Template))
		}
		if s.Topic != "" {
			if err := story.ValidateTopic(s.Topic); err != nil {
				return bad("site %q: %v", s.Name, err)
			}
		}
		guids := map[string]bool{}
		pages := map[string]string{} // page path → article slug
		for ei, e := range s.Entries {
			where := fmt.Sprintf("site %q entry %d", s.Name, ei)
			switch {
			case e.GUID == "":
				return bad("%s: empty GUID", where)
			case guids[e.GUID]:
				return bad("%s: GUID %q used twice", where, e.GUID)
			case !validSlug(e.Article.Slug):
				return bad("%s: article slug %q: want lower-case letters, digits, '-' and '/'", where, e.Article.Slug)
			case e.title() == "":
				return bad("%s: no title", where)
			case len(e.Article.Paragraphs) == 0:
				return bad("%s: article %q has no paragraphs", where, e.Article.Slug)
			case e.FromRound < 0:
				return bad("%s: negative FromRound %d", where, e.FromRound)
			case e.Keep < 0:
				return bad("%s: negative Keep %d", where, e.Keep)
			}
			guids[e.GUID] = true
			page, query, _ := strings.Cut(e.slug(), "?")
			if !validSlug(page) {
				return bad("%s: slug %q: want lower-case letters, digits, '-' and '/'", where, e.Slug)
			}
			if _, err := url.ParseQuery(query); err != nil {
				return bad("%s: slug %q: query: %v", where, e.Slug, err)
			}
			if other, ok := pages[page]; ok && other != e.Article.Slug {
				return bad("%s: page %q already shows article %q", where, page, other)
			}
			pages[page] = e.Article.Slug
			f := firsts[e.Article.Slug]
			switch {
			case f == nil:
				firsts[e.Article.Slug] = &first{round: e.FromRound, count: 1, article: e.Article}
				continue
			case !slices.Equal(f.article.Paragraphs, e.Article.Paragraphs):
				return bad("%s: article %q has other paragraphs than an earlier entry with that slug", where, e.Article.Slug)
			case e.FromRound < f.round:
				f.round, f.count = e.FromRound, 1
			case e.FromRound == f.round:
				f.count++
			}
		}
	}
	for slug, f := range firsts {
		if f.count > 1 {
			return bad("article %q is first listed by %d entries in round %d: which is the original would depend on poll order", slug, f.count, f.round)
		}
	}
	return nil
}

// title is the headline the entry shows.
func (e Entry) title() string {
	if e.Title != "" {
		return e.Title
	}
	return e.Article.Title
}

// slug is the entry's page path with optional query, without ".html".
func (e Entry) slug() string {
	if e.Slug != "" {
		return e.Slug
	}
	return e.Article.Slug
}

// paragraphs are the article paragraphs the entry shows: all of them, or
// the first Keep.
func (e Entry) paragraphs() []string {
	if e.Keep > 0 && e.Keep < len(e.Article.Paragraphs) {
		return e.Article.Paragraphs[:e.Keep]
	}
	return e.Article.Paragraphs
}

// published is when the site listed the entry.
func (e Entry) published() time.Time {
	if !e.Published.IsZero() {
		return e.Published.UTC()
	}
	return e.Article.Published.UTC()
}

// pagePath is the path the entry's page is served at, without query.
func pagePath(s Site, e Entry) string {
	page, _, _ := strings.Cut(e.slug(), "?")
	return "/" + s.Name + "/" + page + ".html"
}

// entryURL is the path and query of the entry's link.
func entryURL(s Site, e Entry) string {
	p := pagePath(s, e)
	if _, query, ok := strings.Cut(e.slug(), "?"); ok {
		p += "?" + query
	}
	return p
}

func validName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

func validSlug(s string) bool {
	if s == "" {
		return false
	}
	for seg := range strings.SplitSeq(s, "/") {
		if !validName(seg) {
			return false
		}
	}
	return true
}
