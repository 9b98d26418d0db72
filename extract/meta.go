package extract

import (
	"slices"
	"strings"
	"time"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// meta is what the page says about itself.
type meta struct {
	title     string   // best title
	titles    []string // every title-like string, for dropping repeats
	author    string
	published time.Time
	lang      string
	// body is JSON-LD's articleBody, as given (plain text, or HTML on some
	// sites); a fallback when the page's markup yields too little.
	body string
	// bodyOwn: the entity that gave body has the page's own title as its
	// headline (og:title, twitter:title, <title> or <h1> says the same),
	// so body is this page's article, not a site-wide or teaser entity.
	bodyOwn bool
	// bios are the opening words of the descriptions of schema.org
	// Person entities in JSON-LD (bioKey): the author box's text.
	bios []string
	// ld is the page's JSON-LD, for the readers of other declarations
	// (products, the entity a script-rendered page keeps its text in).
	ld linkedData
	// discussion: JSON-LD or microdata declare a forum thread or a
	// question page (DiscussionForumPosting, QAPage), or three or more
	// posts are schema.org Comment items. A FAQ's Question items do not
	// count: articles carry them.
	discussion bool
}

// readMeta reads title, author, publication time and language from meta
// tags, JSON-LD and <time> elements. It must run before scripts are removed.
func readMeta(doc *goquery.Document) meta {
	var m meta
	idx := indexPage(doc.Nodes[0])
	attr := func(sel, name string) string {
		if v, ok := idx.get(sel, name); ok {
			return v
		}
		v, _ := doc.Find(sel).First().Attr(name)
		return collapseSpace(v)
	}
	m.ld = readLinkedData(doc.Nodes[0])
	ld := readJSONLD(m.ld)

	og := attr(`meta[property="og:title"]`, "content")
	tw := attr(`meta[name="twitter:title"]`, "content")
	docTitle, h1 := "", ""
	if idx.title != nil {
		docTitle = collapseSpace(textOf(idx.title))
	}
	if idx.h1 != nil {
		h1 = collapseSpace(textOf(idx.h1))
	}
	m.titles = []string{ld.headline, og, tw, docTitle, h1}
	if cutShort(ld.headline) {
		// A headline cut short for search engines: the page's title
		// that it begins is the whole one.
		for _, t := range []string{og, tw, h1, docTitle} {
			if t != "" && headlineOf(ld.headline, t) {
				m.title = normalize(cleanTitle(t))
				break
			}
		}
	}
	for _, t := range []string{ld.headline, og, tw, h1, docTitle} {
		if m.title == "" && t != "" {
			m.title = normalize(cleanTitle(t))
		}
	}
	if h1 != "" && m.title != "" && titleKey(h1) != titleKey(m.title) &&
		strings.Contains(titleKey(docTitle), titleKey(h1)) && wordCount(h1) >= 3 {
		m.title = normalize(h1)
	}

	m.author = ld.author
	m.body = ld.body
	m.bios = ld.bios
	m.bodyOwn = ld.body != "" && headlineOf(ld.headline, og, tw, docTitle, h1)
	m.discussion = idx.discussion
	for _, sel := range []struct{ q, a string }{
		{`meta[name="author"]`, "content"},
		{`meta[property="article:author"]`, "content"},
		{`meta[name="byl"]`, "content"},
		{`meta[name="dc.creator"]`, "content"},
		{`meta[name="DC.creator"]`, "content"},
		{`meta[name="parsely-author"]`, "content"},
		{`meta[name="sailthru.author"]`, "content"},
	} {
		if m.author != "" {
			break
		}
		if v := attr(sel.q, sel.a); v != "" && !strings.Contains(v, "://") {
			m.author = v
		}
	}
	if m.author == "" {
		for _, sel := range []string{`[itemprop="author"] [itemprop="name"]`, `[itemprop="author"]`, `[rel="author"]`, `.byline .author`, `.author-name`, `.author`, `.byline`} {
			if v := stripBy(collapseSpace(doc.Find(sel).First().Text())); v != "" && wordCount(v) <= 6 {
				m.author = v
				break
			}
		}
	}
	m.author = normalize(stripBy(m.author))

	dates := []string{ld.published}
	for _, sel := range []struct{ q, a string }{
		{`meta[property="article:published_time"]`, "content"},
		{`meta[property="og:published_time"]`, "content"},
		{`meta[itemprop="datePublished"]`, "content"},
		{`[itemprop="datePublished"]`, "datetime"},
		{`meta[name="date"]`, "content"},
		{`meta[name="pubdate"]`, "content"},
		{`meta[name="publishdate"]`, "content"},
		{`meta[name="publish-date"]`, "content"},
		{`meta[name="dc.date"]`, "content"},
		{`meta[name="DC.date"]`, "content"},
		{`meta[name="dc.date.issued"]`, "content"},
		{`meta[name="DC.date.issued"]`, "content"},
		{`meta[name="sailthru.date"]`, "content"},
		{`meta[name="parsely-pub-date"]`, "content"},
		{`time[pubdate]`, "datetime"},
		{`article time[datetime]`, "datetime"},
		{`time[datetime]`, "datetime"},
	} {
		dates = append(dates, attr(sel.q, sel.a))
	}
	for _, d := range dates {
		if t, ok := parseTime(d); ok {
			m.published = t
			break
		}
	}

	for _, v := range []string{attr("html", "lang"), attr("html", "xml:lang"), ld.lang,
		attr(`meta[http-equiv="content-language"]`, "content"), attr(`meta[http-equiv="Content-Language"]`, "content"),
		attr(`meta[property="og:locale"]`, "content")} {
		if v = strings.TrimSpace(strings.ReplaceAll(v, "_", "-")); v != "" && len(v) <= 35 {
			if i := strings.IndexByte(v, ','); i > 0 {
				v = v[:i]
			}
			m.lang = v
			break
		}
	}
	return m
}

// stripBy removes a byline's prefix ("By", "Written by", and the "by"
// of a few other languages) from s, trimmed; s trimmed when it has none.
func stripBy(s string) string {
	s = strings.TrimSpace(s)
	for _, p := range []string{"Written by ", "written by ", "By ", "by ", "BY ", "Von ", "von ", "Par ", "par ", "Por ", "por "} {
		if strings.HasPrefix(s, p) {
			return strings.TrimSpace(s[len(p):])
		}
	}
	return s
}

var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05 Z0700",
	"2006-01-02 15:04:05 -07:00",
	"2006-01-02 15:04:05",
	"2006-01-02T15:04",
	"2006-01-02 15:04",
	"2006-01-02",
	"2006/01/02",
	"20060102",
	time.RFC1123Z,
	time.RFC1123,
	"Mon, 2 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04:05 MST",
	"January 2, 2006",
	"2 January 2006",
}

// parseTime reads a publication time in one of the usual machine formats
// and returns it in UTC. Years before 1990 or far in the future are refused.
func parseTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 64 {
		return time.Time{}, false
	}
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			if t.Year() < 1990 || t.Year() > 2200 {
				return time.Time{}, false
			}
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// ldInfo is what JSON-LD says about the article.
type ldInfo struct {
	headline, author, published, lang, body string
	bios                                    []string // Person descriptions, as bioKey gives them
}

// readJSONLD reads the first Article-like object of the page's JSON-LD
// and the descriptions of every Person it declares.
func readJSONLD(ld linkedData) ldInfo {
	var info ldInfo
	for _, v := range ld.values {
		walkLD(v, &info, 0)
		info.bios = collectPersonBios(v, info.bios, 0)
	}
	return info
}

var articleTypes = makeSet("article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle",
	"opinionnewsarticle", "backgroundnewsarticle", "reviewnewsarticle", "report", "scholarlyarticle",
	"techarticle", "socialmediaposting", "liveblogposting", "posting", "webpage")

func walkLD(v any, info *ldInfo, depth int) {
	if depth > 8 || info.headline != "" {
		return
	}
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			walkLD(e, info, depth+1)
		}
	case map[string]any:
		if g, ok := x["@graph"]; ok {
			walkLD(g, info, depth+1)
			if info.headline != "" {
				return
			}
		}
		if !isArticleType(x["@type"]) {
			return
		}
		h, _ := x["headline"].(string)
		if h == "" {
			if typ, _ := x["@type"].(string); strings.EqualFold(typ, "WebPage") {
				return
			}
			h, _ = x["name"].(string)
		}
		if h == "" {
			return
		}
		info.headline = collapseSpace(h)
		info.author = ldName(x["author"], 0)
		info.published, _ = x["datePublished"].(string)
		info.lang, _ = x["inLanguage"].(string)
		info.body, _ = x["articleBody"].(string)
	}
}

// cutShort reports whether a title ends with an ellipsis.
func cutShort(title string) bool {
	t := strings.TrimSpace(title)
	return strings.HasSuffix(t, "...") || strings.HasSuffix(t, "…")
}

// headlineOf reports whether headline is one of titles: the same words,
// or, for a headline cut short with an ellipsis, the first words (at
// least five) of one of them.
func headlineOf(headline string, titles ...string) bool {
	if newTitleSet(titles...).matches(headline) {
		return true
	}
	if !cutShort(headline) {
		return false
	}
	cut := strings.TrimRight(strings.TrimSpace(headline), ".…")
	k := titleKey(cut)
	if wordCount(k) < 5 {
		return false
	}
	for _, t := range titles {
		if strings.HasPrefix(titleKey(t), k) {
			return true
		}
	}
	return false
}

func isArticleType(t any) bool {
	switch x := t.(type) {
	case string:
		return in(articleTypes, strings.ToLower(x))
	case []any:
		for _, e := range x {
			if isArticleType(e) {
				return true
			}
		}
	}
	return false
}

func ldName(v any, depth int) string {
	if depth > 3 {
		return ""
	}
	switch x := v.(type) {
	case string:
		if strings.Contains(x, "://") {
			return ""
		}
		return collapseSpace(x)
	case map[string]any:
		n, _ := x["name"].(string)
		return collapseSpace(n)
	case []any:
		var names []string
		for _, e := range x {
			if n := ldName(e, depth+1); n != "" {
				names = append(names, n)
			}
		}
		return strings.Join(names, ", ")
	}
	return ""
}

// pageIndex holds, from one walk over the document, the first value of
// each meta tag and the elements readMeta looks at, so that it does not
// scan the document once per selector.
type pageIndex struct {
	meta      map[string]string // "name=author" → content, first occurrence, keys lower-cased
	title, h1 *html.Node
	htmlLang  string
	htmlXML   string
	timePub   string // time[pubdate] datetime
	timeArt   string // article time[datetime]
	timeAny   string // time[datetime]
	itemDate  string // [itemprop=datePublished] datetime
	// discussion: a JSON-LD block or an itemtype names a discussion type,
	// or commentItems reaches discussionComments.
	discussion bool
	// commentItems counts the elements whose itemtype is schema.org's
	// Comment.
	commentItems int
}

// discussionComments is the number of schema.org Comment items (microdata)
// that make a page a discussion, as they make it a forum in classify.go:
// the posts of a thread marked up one by one.
const discussionComments = 3

func indexPage(root *html.Node) *pageIndex {
	idx := &pageIndex{meta: make(map[string]string)}
	var walk func(n *html.Node, inArticle bool)
	walk = func(n *html.Node, inArticle bool) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			switch c.DataAtom {
			case atom.Html:
				if idx.htmlLang == "" {
					idx.htmlLang = getAttr(c, "lang")
					idx.htmlXML = getAttr(c, "xml:lang")
				}
			case atom.Meta:
				content := collapseSpace(getAttr(c, "content"))
				for _, k := range []string{"name", "property", "itemprop", "http-equiv"} {
					if v := getAttr(c, k); v != "" {
						key := k + "=" + strings.ToLower(v)
						if _, ok := idx.meta[key]; !ok {
							idx.meta[key] = content
						}
					}
				}
			case atom.Title:
				if idx.title == nil {
					idx.title = c
				}
			case atom.H1:
				if idx.h1 == nil {
					idx.h1 = c
				}
			case atom.Time:
				dt := getAttr(c, "datetime")
				if dt != "" && idx.timeAny == "" {
					idx.timeAny = dt
				}
				if dt != "" && inArticle && idx.timeArt == "" {
					idx.timeArt = dt
				}
				if hasAttr(c, "pubdate") && idx.timePub == "" {
					idx.timePub = dt
				}
			}
			if commentItem(getAttr(c, "itemtype")) {
				if idx.commentItems++; idx.commentItems >= discussionComments {
					idx.discussion = true
				}
			}
			if !idx.discussion && (discussionType(getAttr(c, "itemtype")) ||
				c.DataAtom == atom.Script && c.FirstChild != nil && strings.EqualFold(getAttr(c, "type"), "application/ld+json") &&
					discussionType(c.FirstChild.Data)) {
				idx.discussion = true
			}
			if strings.EqualFold(getAttr(c, "itemprop"), "datePublished") && idx.itemDate == "" {
				idx.itemDate = getAttr(c, "datetime")
			}
			walk(c, inArticle || c.DataAtom == atom.Article)
		}
	}
	walk(root, false)
	return idx
}

// discussionType reports whether s (an itemtype, or a JSON-LD block)
// names a schema.org type of discussion page.
func discussionType(s string) bool {
	return strings.Contains(s, "DiscussionForumPosting") || strings.Contains(s, "QAPage")
}

// commentItem reports whether an itemtype value names the vocabulary's
// Comment type.
func commentItem(itemtype string) bool {
	return slices.Contains(itemTypeNames(itemtype), "comment")
}

// itemTypeNames returns the type names an itemtype value lists, lower
// case, without their vocabulary's URL: a vocabulary URL ending in
// "/NewsArticle" gives "newsarticle".
func itemTypeNames(itemtype string) []string {
	var names []string
	for _, t := range strings.Fields(itemtype) {
		names = append(names, strings.ToLower(t[strings.LastIndexByte(t, '/')+1:]))
	}
	return names
}

// get answers the selectors readMeta uses from the index. It reports
// false for a selector it does not know.
func (idx *pageIndex) get(sel, name string) (string, bool) {
	switch sel {
	case "html":
		if name == "lang" {
			return collapseSpace(idx.htmlLang), true
		}
		return collapseSpace(idx.htmlXML), true
	case "time[pubdate]":
		return idx.timePub, true
	case "article time[datetime]":
		return idx.timeArt, true
	case "time[datetime]":
		return idx.timeAny, true
	case `[itemprop="datePublished"]`:
		return idx.itemDate, true
	}
	if name != "content" || !strings.HasPrefix(sel, "meta[") || !strings.HasSuffix(sel, `"]`) {
		return "", false
	}
	k, v, ok := strings.Cut(sel[len("meta["):len(sel)-2], `="`)
	if !ok {
		return "", false
	}
	return idx.meta[k+"="+strings.ToLower(v)], true
}
