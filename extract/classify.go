package extract

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Page types, as found in Article.PageType. They are stable lower-case
// names that subscribers may filter on.
const (
	// PageArticle is a single story: news, blog post, essay, report.
	PageArticle = "article"
	// PageLiveForum is a page of many dated posts by turns: a live blog,
	// a forum thread, a comment or question-and-answer thread.
	PageLiveForum = "liveblog_forum"
	// PageListing is a page of teasers linking elsewhere: a section
	// front, a tag, topic, search or archive page.
	PageListing = "listing"
	// PageGallery is a page of pictures with short captions.
	PageGallery = "gallery"
	// PageVideo is a page built around a video player with little text.
	PageVideo = "video"
	// PageOther is any other page: a short notice, a product, a service
	// or a form page.
	PageOther = "other"
)

// LowConfidence is the confidence below which an extraction is shown to
// people as doubtful: the text may be the wrong part of the page, or the
// page may not be an article.
const LowConfidence = 0.5

// Blocks, as found in Article.Block: where the main text came from.
const (
	BlockSelector    = "selector"     // Options.Selector matched
	BlockArticleBody = "article_body" // [itemprop=articleBody]
	BlockArticle     = "article"      // an <article> element
	BlockMain        = "main"         // a scored block inside <main> or <article>
	BlockScored      = "scored"       // a scored container elsewhere
	BlockBody        = "body"         // the whole <body>: nothing stood out
	BlockJSONLD      = "json_ld"      // JSON-LD articleBody replaced the markup's text
	BlockRegion      = "region"       // a page that is not one story: its content region, links and all
	BlockDescription = "description"  // a script-rendered shell: its long meta description
	// BlockLastResort is a page every reader failed on: what text its
	// content region holds, menus and all, with a confidence of at most
	// 0.2. A caller with text of its own (a feed item's) should prefer
	// that.
	BlockLastResort = "last_resort"
)

// signals are what the whole page says about its type, read before
// pruning (scripts and comment sections are still there).
type signals struct {
	ogType      string
	ldTypes     map[string]bool // lower-cased JSON-LD @type values
	itemTypes   map[string]int  // schema.org itemtype names (lower case), by count
	description string          // meta description or og:description
	images      int             // <img> and <picture> outside links
	players     int             // <video>, and <iframe> allowing full screen
	headLinks   int             // headings whose text is mostly a link
	posts       int             // largest run of sibling posts (see postRun)
	teasers     int             // largest run of sibling teasers
	pageGood    int             // the body's non-link text, in runes
}

// unit flags, gathered bottom-up by readSignals.
const (
	hasDate       = 1 << iota // a <time> or a datetime attribute
	hasLinkedHead             // a heading that is mostly a link
)

// unit is an element and its flags.
type unit struct {
	n     *html.Node
	flags int
}

// readSignals walks the document once, before pruning.
func readSignals(root, body *html.Node, st map[*html.Node]*stat) *signals {
	sg := &signals{ldTypes: map[string]bool{}, itemTypes: map[string]int{}}
	if s := st[body]; s != nil {
		sg.pageGood = s.good()
	}
	var kids []unit // reused stack of children, per level
	var walk func(n *html.Node, inLink bool) int
	walk = func(n *html.Node, inLink bool) int {
		flags := 0
		mark := len(kids)
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			f := 0
			switch c.DataAtom {
			case atom.Meta:
				prop := strings.ToLower(getAttr(c, "property") + getAttr(c, "name"))
				switch prop {
				case "og:type":
					sg.ogType = strings.ToLower(strings.TrimSpace(getAttr(c, "content")))
				case "description", "og:description":
					if sg.description == "" {
						sg.description = getAttr(c, "content")
					}
				}
			case atom.Script:
				if strings.EqualFold(getAttr(c, "type"), "application/ld+json") && c.FirstChild != nil {
					ldTypes(c.FirstChild.Data, sg.ldTypes)
				}
				continue
			case atom.Img, atom.Picture:
				if !inLink {
					sg.images++
				}
			case atom.Video:
				sg.players++
			case atom.Iframe:
				if hasAttr(c, "allowfullscreen") || strings.Contains(strings.ToLower(getAttr(c, "allow")), "fullscreen") {
					sg.players++
				}
			case atom.Time:
				f |= hasDate
			case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
				if s := st[c]; s != nil && s.text > 0 && s.link*10 >= s.text*8 {
					sg.headLinks++
					f |= hasLinkedHead
				}
			}
			if hasAttr(c, "datetime") {
				f |= hasDate
			}
			for _, name := range itemTypeNames(getAttr(c, "itemtype")) {
				sg.itemTypes[name]++
			}
			f |= walk(c, inLink || c.DataAtom == atom.A)
			kids = append(kids, unit{c, f})
			flags |= f
		}
		if len(kids)-mark >= 4 {
			p, t := runs(kids[mark:], st)
			sg.posts, sg.teasers = max(sg.posts, p), max(sg.teasers, t)
		}
		kids = kids[:mark]
		return flags
	}
	walk(root, false)
	return sg
}

// ldTypes adds the @type values of a JSON-LD block to set, read with a
// plain scan: the block may be malformed, and only the names matter.
func ldTypes(raw string, set map[string]bool) {
	if len(raw) > 1<<20 {
		return
	}
	for {
		i := strings.Index(raw, `"@type"`)
		if i < 0 {
			return
		}
		raw = strings.TrimLeft(raw[i+7:], " \t\r\n:")
		if strings.HasPrefix(raw, "[") {
			end := strings.IndexByte(raw, ']')
			if end < 0 {
				return
			}
			for _, v := range strings.Split(raw[1:end], ",") {
				set[strings.ToLower(strings.Trim(strings.TrimSpace(v), `"`))] = true
			}
			raw = raw[end:]
			continue
		}
		if !strings.HasPrefix(raw, `"`) {
			continue
		}
		end := strings.IndexByte(raw[1:], '"')
		if end < 0 {
			return
		}
		set[strings.ToLower(raw[1:end+1])] = true
		raw = raw[end+1:]
	}
}

// runs looks at sibling elements grouped by tag and class and returns
// the largest group of posts (each with a date, text of its own and few
// links, no linked heading) and of teasers (each with a linked heading,
// or mostly link text, and little other text).
func runs(sibs []unit, st map[*html.Node]*stat) (posts, teasers int) {
	type key struct {
		a   atom.Atom
		tag string
		cls string
	}
	var pc, tc map[key]int
	for _, sib := range sibs {
		c, flags := sib.n, sib.flags
		s := st[c]
		if s == nil || s.text < 20 {
			continue
		}
		k := key{c.DataAtom, c.Data, getAttr(c, "class")}
		switch {
		case flags&hasLinkedHead != 0 || (s.linkDensity() > 0.5 && s.good() < 300):
			if tc == nil {
				tc = map[key]int{}
			}
			tc[k]++
			teasers = max(teasers, tc[k])
		case flags&hasDate != 0 && s.good() >= 80 && s.linkDensity() < 0.4:
			if pc == nil {
				pc = map[key]int{}
			}
			pc[k]++
			posts = max(posts, pc[k])
		}
	}
	return posts, teasers
}

// blockKind says where the chosen blocks came from.
func blockKind(blocks []*html.Node, body, preferred *html.Node) string {
	if len(blocks) == 0 || blocks[0] == body {
		return BlockBody
	}
	if len(blocks) == 1 && blocks[0] == preferred {
		if isArticleBody(preferred) {
			return BlockArticleBody
		}
		return BlockArticle
	}
	for a := blocks[0]; a != nil && a != body; a = a.Parent {
		if a.DataAtom == atom.Main || a.DataAtom == atom.Article || isMain(a) {
			return BlockMain
		}
	}
	return BlockScored
}

// classifyPage sets a.PageType and a.Confidence from the page's signals, the
// chosen blocks (measured after pruning, in st) and the text kept. See
// the package documentation for the formula.
func classifyPage(a *Article, sg *signals, blocks []*html.Node, st map[*html.Node]*stat, ldBody string, opts Options) {
	runes, long := 0, 0
	for _, p := range a.Paragraphs {
		n := utf8.RuneCountInString(p)
		runes += n
		if n >= 80 {
			long++
		}
	}
	text, link := 0, 0
	for _, b := range blocks {
		if s := st[b]; s != nil {
			text, link = text+s.text, link+s.link
		}
	}
	linkDensity := 0.0
	if text > 0 {
		linkDensity = float64(link) / float64(text)
	}
	share := 1.0
	if sg.pageGood > 0 {
		share = min(1, float64(runes)/float64(sg.pageGood))
	}
	a.PageType = pageType(sg, runes, long, linkDensity, share)

	length := min(1, float64(runes)/1500)
	paras := min(1, float64(long)/5)
	links := max(0, 1-3*linkDensity)
	var origin float64
	switch a.Block {
	case BlockSelector, BlockArticleBody:
		origin = 1
	case BlockArticle, BlockMain, BlockJSONLD:
		origin = 0.85
	case BlockScored:
		origin = 0.6
	default:
		origin = 0.2
	}
	agree := agreement(a.Paragraphs, opts.Title+" "+opts.Summary, sg.description, ldBody)
	part := min(1, share/0.3)
	conf := 0.25*length + 0.10*paras + 0.15*links + 0.20*origin + 0.15*agree + 0.15*part
	switch a.PageType {
	case PageLiveForum, PageOther:
		conf *= 0.8
	case PageGallery, PageVideo:
		conf *= 0.6
	case PageListing:
		conf *= 0.4
	}
	a.Confidence = float64(int(min(1, max(0, conf))*100+0.5)) / 100
}

// product reports whether the page declares a schema.org Product (JSON-LD
// or microdata) and no article.
func (sg *signals) product() bool {
	return (sg.ldTypes["product"] || sg.itemTypes["product"] > 0) && !sg.declaresArticle()
}

// declaresArticle reports whether the page calls itself an article: a
// JSON-LD or microdata article type, or og:type article.
//
// og:type article counts only when the structured data does not call the
// page a collection of items (CollectionPage, ItemList,
// SearchResultsPage): many site templates set og:type article on every
// page, section fronts and shop categories included, while a page's
// JSON-LD or microdata type is set for that page.
func (sg *signals) declaresArticle() bool {
	if sg.structuredArticle() {
		return true
	}
	for _, n := range []string{"collectionpage", "itemlist", "searchresultspage"} {
		if sg.ldTypes[n] || sg.itemTypes[n] > 0 {
			return false
		}
	}
	return sg.ogType == "article"
}

// structuredArticleTypes are the schema.org types, lower case, that
// structuredArticle reads as an article.
var structuredArticleTypes = makeSet("newsarticle", "article", "blogposting", "reportagenewsarticle",
	"analysisnewsarticle", "opinionnewsarticle")

// structuredArticle reports whether the page's structured data (JSON-LD
// or microdata) gives an article type.
func (sg *signals) structuredArticle() bool {
	for n := range structuredArticleTypes {
		if sg.ldTypes[n] || sg.itemTypes[n] > 0 {
			return true
		}
	}
	return false
}

// pageType decides the page type; see the package documentation.
func pageType(sg *signals, runes, long int, linkDensity, share float64) string {
	ld := func(names ...string) bool {
		for _, n := range names {
			if sg.ldTypes[n] || sg.itemTypes[n] > 0 {
				return true
			}
		}
		return false
	}
	articleLD := sg.declaresArticle()
	switch {
	case ld("liveblogposting", "discussionforumposting", "qapage") ||
		sg.itemTypes["comment"] >= 3 || sg.posts >= 4 && !articleLD:
		return PageLiveForum
	case runes < 1500 && (strings.HasPrefix(sg.ogType, "video") || ld("videoobject") && sg.players > 0):
		return PageVideo
	case runes < 2000 && (ld("imagegallery", "mediagallery") || sg.images >= 10 && runes < sg.images*100):
		return PageGallery
	case (sg.teasers >= 6 || sg.headLinks >= 8) && (linkDensity >= 0.35 || !articleLD && (long < 4 && runes < 2500 || linkDensity > 0.25)):
		return PageListing
	case runes >= 800 && long >= 3 || articleLD && runes >= 400:
		return PageArticle
	}
	return PageOther
}

// agreement is how far the text agrees with what the page and the feed
// say it is about: the best share of the distinctive words of the feed
// item's title and summary, of the meta description and of JSON-LD's
// articleBody found in the text; 0.5 when none of them is given.
func agreement(paras []string, feed, description, ldBody string) float64 {
	var sets []summaryWords
	union := make(map[string]bool)
	for _, ref := range []string{feed, description, ldBody} {
		if set := summaryTokens(ref, ""); set != nil {
			sets = append(sets, set)
			for w := range set {
				union[w] = false
			}
		}
	}
	if len(sets) == 0 {
		return 0.5
	}
	for _, p := range paras {
		for rest := strings.ToLower(p); rest != ""; { // the words of p (words)
			var w string
			if w, rest = nextWord(rest); w == "" {
				continue
			}
			if _, ok := union[w]; ok {
				union[w] = true
			}
		}
	}
	best := 0.0
	for _, set := range sets {
		n := 0
		for w := range set {
			if union[w] {
				n++
			}
		}
		best = max(best, float64(n)/float64(len(set)))
	}
	return best
}
