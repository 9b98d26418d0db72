package extract

import (
	"bytes"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// The readers in this file run only when the normal path (extractRoot)
// found no main text, so that a page where it found some is never read
// another way. Each returns nil when its reading of the page is not the
// page's main text either: an empty result is right for a page that holds
// none (a script-rendered shell), and better than its menus.

// fallback reads a page on which extractRoot found no usable text. It
// tries, in order: the markup inside <noscript>, the text of the page's
// main JSON-LD entity, and the page's content region when that reads as
// content rather than navigation. It returns nil when none of them gives
// the page's main text.
func fallback(page []byte, opts Options, maxNodes int) *Article {
	root, err := html.Parse(bytes.NewReader(page))
	if err != nil || selected(root, opts) {
		return nil // a person chose the block: no reader second-guesses it
	}
	if bytes.Contains(page, []byte("<noscript")) {
		if a := noscriptArticle(page, opts, maxNodes); a != nil {
			return a
		}
	}
	if bytes.Contains(page, []byte("application/ld+json")) {
		if a := ldEntityArticle(root, opts); a != nil {
			return a
		}
	}
	if a := regionArticle(root, opts); a != nil {
		return a
	}
	return descriptionArticle(root, opts)
}

// lastResortConfidence is the most confidence a last-resort reading
// carries: well under LowConfidence, so that a person reviews it.
const lastResortConfidence = 0.2

// lastResortMinText is the least text, in non-space runes, the region of
// a page must hold for a last-resort reading (about forty words, two
// sentences): less is a script-rendered shell's banner or a price or two
// around its mount point, not the page's text.
const lastResortMinText = 200

// lastResortMaxLinks is the link density from which the region of a page
// is its menus (links of a word or two, with a heading over each
// column) and no last-resort reading is given: a script-rendered shell
// keeps its top bar and footer links, and an empty result beats them
// (the shells of the dev pages have no main text at all).
const lastResortMaxLinks = 0.8

// lastResortArticle is the reading of a page on which every reader
// failed but whose body still holds text (Block "last_resort"): its
// content region as regionParagraphs reads it (the landmarks nav,
// header, footer, aside and form, hidden elements and dialogs cut, links
// and table cells kept), without the test that the region reads as
// content rather than navigation, when it holds lastResortMinText or
// more and is not mostly link text (lastResortMaxLinks): what of a
// page's own text is there beats the nothing ErrNoContent gives, a
// shell's menus do not. The low confidence
// and the block tell a caller that has text of its own (a feed item's
// summary) to prefer it. It returns nil when no usable text is left, or
// when Options.Selector matched (a person chose the block).
func lastResortArticle(page []byte, opts Options) *Article {
	root, err := html.Parse(bytes.NewReader(page))
	if err != nil || selected(root, opts) {
		return nil
	}
	body := findFirst(root, atom.Body)
	if body == nil {
		return nil
	}
	m := readMeta(goquery.NewDocumentFromNode(root))
	sg := readSignals(root, body, measure(body))
	removeExcluded(body, opts.Exclude)
	stub := stubPage(body)
	raw, cut := regionParagraphs(body, sg.product(), m.ld.itemNames())
	if cut == nil || !stub && (cut.text < lastResortMinText || cut.linkDensity() >= lastResortMaxLinks) {
		return nil
	}
	titles := append([]string{opts.Title}, m.titles...)
	paras, labelled := cleanLines(raw, newTitleSet(titles...))
	if !usable(paras) && !(stub && wordsText(paras)) {
		return nil
	}
	a := newArticle(m, opts, paras, labelled, BlockLastResort)
	classifyPage(a, sg, []*html.Node{body}, measure(body), m.body, opts)
	a.Confidence = min(a.Confidence, lastResortConfidence)
	return a
}

// noscriptArticle is the page read with the content of its <noscript>
// elements parsed as markup: script-rendered pages, forums among them,
// ship a plain version for clients without script.
func noscriptArticle(page []byte, opts Options, maxNodes int) *Article {
	root, err := html.ParseWithOptions(bytes.NewReader(page), html.ParseOptionEnableScripting(false))
	if err != nil || !unwrapNoscript(root) || countElements(root, maxNodes) > maxNodes {
		return nil
	}
	a, _, err := extractRoot(root, opts, true)
	if err != nil {
		return nil
	}
	return a
}

// unwrapNoscript replaces each <noscript> under <body> by its children,
// parsed as markup, and reports whether there was one. A <noscript>
// holding a line of plain text and no element ("You need to enable
// JavaScript to run this app.") is the notice a script-rendered shell
// shows clients without script, not a plain version of the page: it is
// removed and does not count.
func unwrapNoscript(root *html.Node) bool {
	found := false
	for _, ns := range findAll(root, false, func(n *html.Node) bool { return n.DataAtom == atom.Noscript }) {
		if ns.Parent == nil || ns.Parent.DataAtom == atom.Head {
			continue
		}
		if scriptNotice(ns) {
			ns.Parent.RemoveChild(ns)
			continue
		}
		for c := ns.FirstChild; c != nil; {
			next := c.NextSibling
			ns.RemoveChild(c)
			ns.Parent.InsertBefore(c, ns)
			c = next
		}
		ns.Parent.RemoveChild(ns)
		found = true
	}
	return found
}

// scriptNotice reports whether a <noscript> parsed as markup holds text
// only, shorter than lastResortMinText: a notice asking for script.
func scriptNotice(ns *html.Node) bool {
	n := 0
	for c := ns.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode {
			return false
		}
		if c.Type == html.TextNode {
			k, _ := countText(c.Data)
			n += k
		}
	}
	return n < lastResortMinText
}

// ldEntityMinWords is the least text a JSON-LD entity must hold to be
// read as the page's main text, as for articleBody (ldBodyParagraphs).
const ldEntityMinWords = 80

// ldEntityArticle is the text of the page's main JSON-LD entity, the one
// holding the most prose: its articleBody, else its description and text
// and those of its parts (a HowTo's steps, a recipe's instructions, a
// question's answers). Script-rendered pages carry their story there
// while the markup holds only an empty mount point.
func ldEntityArticle(root *html.Node, opts Options) *Article {
	m := readMeta(goquery.NewDocumentFromNode(root))
	var best []string
	var entity map[string]any
	bestWords := 0
	for _, e := range m.ld.entities {
		if siteEntity(e["@type"]) {
			continue
		}
		prose := ldProse(e, 0)
		if n := wordCount(strings.Join(prose, " ")); n > bestWords {
			best, bestWords, entity = prose, n, e
		}
	}
	if bestWords < ldEntityMinWords {
		return nil
	}
	titles := append([]string{opts.Title}, m.titles...)
	paras, labelled := cleanLines(ldParagraphs(best), newTitleSet(titles...))
	if !usable(paras) {
		return nil
	}
	a := newArticle(m, opts, paras, labelled, BlockJSONLD)
	fillFromEntity(a, entity)
	var sg *signals
	if body := findFirst(root, atom.Body); body != nil {
		sg = readSignals(root, body, measure(body))
	} else {
		sg = &signals{ldTypes: map[string]bool{}, itemTypes: map[string]int{}}
	}
	classifyPage(a, sg, nil, nil, m.body, opts)
	return a
}

// fillFromEntity sets the author and publication time the page's meta
// tags did not give from the JSON-LD entity the text came from (a forum
// post or a HowTo, types the meta reader does not take for an article).
func fillFromEntity(a *Article, entity map[string]any) {
	if a.Author == "" {
		a.Author = normalize(stripBy(ldName(entity["author"], 0)))
	}
	if a.Published.IsZero() {
		if d, _ := entity["datePublished"].(string); d != "" {
			if t, ok := parseTime(d); ok {
				a.Published = t
			}
		}
	}
}

// siteEntityTypes are schema.org types that describe the site, its
// publisher or its furniture rather than one page's content: their
// description is the same on every page. Types ending in "organization"
// and pages other than question and FAQ pages (whose questions and
// answers are content) count too.
var siteEntityTypes = makeSet("website", "person", "brand", "corporation", "localbusiness", "breadcrumblist",
	"sitenavigationelement", "wpheader", "wpfooter", "wpsidebar", "searchaction", "imageobject", "logo")

// siteEntity reports whether a JSON-LD @type value names only types of
// siteEntityTypes.
func siteEntity(t any) bool {
	site := func(name string) bool {
		name = strings.ToLower(name)
		return in(siteEntityTypes, name) || strings.HasSuffix(name, "organization") ||
			strings.HasSuffix(name, "page") && name != "qapage" && name != "faqpage"
	}
	switch x := t.(type) {
	case string:
		return site(x)
	case []any:
		for _, e := range x {
			if name, _ := e.(string); !site(name) {
				return false
			}
		}
		return len(x) > 0
	}
	return false
}

// ldPartKeys name the members of a JSON-LD entity whose prose is part
// of the entity's own: the steps of a HowTo, the instructions of a
// Recipe, the answers of a Question, the posts of a thread.
var ldPartKeys = []string{"step", "itemListElement", "recipeInstructions", "mainEntity",
	"acceptedAnswer", "suggestedAnswer", "comment", "hasPart"}

// ldProse returns the prose of a JSON-LD value, in reading order: an
// entity's articleBody alone when it has one, else its description and
// text, then the prose of its parts (ldPartKeys); strings in a list of
// parts are prose too. The strings may hold HTML.
func ldProse(v any, depth int) []string {
	if depth > 6 {
		return nil
	}
	switch x := v.(type) {
	case string:
		if depth > 0 {
			return []string{x}
		}
	case []any:
		var out []string
		for _, e := range x {
			out = append(out, ldProse(e, depth+1)...)
		}
		return out
	case map[string]any:
		if body, _ := x["articleBody"].(string); strings.TrimSpace(body) != "" {
			return []string{body}
		}
		var out []string
		for _, k := range []string{"description", "text", "reviewBody"} {
			if s, _ := x[k].(string); strings.TrimSpace(s) != "" {
				out = append(out, s)
			}
		}
		for _, k := range ldPartKeys {
			if p, ok := x[k]; ok {
				out = append(out, ldProse(p, depth+1)...)
			}
		}
		return out
	}
	return nil
}

// ldParagraphs splits JSON-LD prose into raw paragraphs: HTML is read as
// markup (each block one paragraph), plain text at its line breaks.
func ldParagraphs(prose []string) []string {
	var out []string
	for _, s := range prose {
		if strings.Contains(s, "<") {
			if n, err := html.Parse(strings.NewReader(s)); err == nil {
				out = append(out, emit(n)...)
				continue
			}
		}
		out = append(out, splitParagraphs(s)...)
	}
	return out
}

// regionMinText is the least text, in non-space runes, the content
// region of a page must hold to be read as its main text (about a
// hundred words): less is what a script-rendered shell leaves around
// its mount point (a top bar, a banner).
const regionMinText = 500

// regionMinLinkWords is the least average number of words of the links
// of a region made mostly of links: teasers and product cards carry a
// headline or a name and a price, the entries of a menu one to three
// words.
const regionMinLinkWords = 5

// regionMinCards is the least number of sibling cards (see cardRun) that
// make a region of short links a listing rather than a menu, as six
// sibling teasers make a page a listing (classify.go).
const regionMinCards = 6

// regionArticle is the page's content region (regionParagraphs), links
// kept, when it reads as content: enough text, and either mostly text of
// its own (a page wrapped whole in a form), links long enough to be
// teasers, or a run of cards (a listing whose every item is one link).
// Menus and footers that escaped the landmark cut are lists of short
// links, one text each, and give nil.
func regionArticle(root *html.Node, opts Options) *Article {
	body := findFirst(root, atom.Body)
	if body == nil {
		return nil
	}
	m := readMeta(goquery.NewDocumentFromNode(root))
	sg := readSignals(root, body, measure(body))
	removeExcluded(body, opts.Exclude)
	raw, cut := regionParagraphs(body, sg.product(), m.ld.itemNames()) // cuts the landmarks from body
	if !readsAsContent(body, cut) {
		return nil
	}
	st := measure(body)
	titles := append([]string{opts.Title}, m.titles...)
	paras, labelled := cleanLines(raw, newTitleSet(titles...))
	if !usable(paras) {
		return nil
	}
	a := newArticle(m, opts, paras, labelled, BlockRegion)
	classifyPage(a, sg, []*html.Node{body}, st, m.body, opts)
	return a
}

// readsAsContent reports whether the text under n, measured in s, is
// content rather than navigation (see regionArticle).
func readsAsContent(n *html.Node, s *stat) bool {
	if s == nil || s.text < regionMinText {
		return false
	}
	if s.linkDensity() < 0.5 {
		return true
	}
	links, linkWords := 0, 0
	for _, a := range findAll(n, false, func(x *html.Node) bool { return x.DataAtom == atom.A }) {
		if k := wordCount(textOf(a)); k > 0 {
			links, linkWords = links+1, linkWords+k
		}
	}
	return linkWords >= regionMinLinkWords*links || cardRun(n, measure(n)) >= regionMinCards
}

// cardRun returns the largest number of sibling cards under n with the
// same tag and first class word (familyClass). A card is an item of a listing: 15 or more
// characters of text in two or more separate pieces (a name and a
// price, a headline and a date) and links to one or two addresses (a
// picture and a title linking to the same page, a "buy" link). A menu's
// entries are one link text each; a menu's columns link to many pages.
// One walk, bottom up, so that a page nested deep costs no more than a
// flat one.
func cardRun(n *html.Node, st map[*html.Node]*stat) int {
	best, _ := cardRuns(n, st, 0)
	return best
}

// cardRuns walks n as cardRun does and returns, besides the largest run,
// the cards of every run of at least least cards (none when least is 0).
func cardRuns(n *html.Node, st map[*html.Node]*stat, least int) (int, []*html.Node) {
	best, runs := cardRunGroups(n, st, least)
	var cards []*html.Node
	for _, r := range runs {
		cards = append(cards, r...)
	}
	return best, cards
}

// cardRunGroups walks n as cardRun does and returns, besides the largest
// run, every run of at least least cards (none when least is 0), each in
// document order; a parent's runs come after those of its descendants,
// in the order of their first cards.
func cardRunGroups(n *html.Node, st map[*html.Node]*stat, least int) (int, [][]*html.Node) {
	type key struct{ tag, class string }
	best := 0
	var groups [][]*html.Node
	var walk func(x *html.Node) cardInfo
	walk = func(x *html.Node) cardInfo {
		var info cardInfo
		if x.DataAtom == atom.A {
			info.addHref(getAttr(x, "href"))
		}
		var runs map[key][]*html.Node
		var order []key // the keys of runs by their first card
		for c := x.FirstChild; c != nil; c = c.NextSibling {
			switch {
			case c.Type == html.TextNode && strings.TrimSpace(c.Data) != "":
				info.pieces++
			case c.Type == html.ElementNode && !dropTags[c.DataAtom]:
				ci := walk(c)
				info.merge(ci)
				if s := st[c]; s == nil || s.text < 15 || !ci.card() {
					continue
				}
				if runs == nil {
					runs = make(map[key][]*html.Node)
				}
				k := key{c.Data, familyClass(c)}
				if runs[k] == nil {
					order = append(order, k)
				}
				runs[k] = append(runs[k], c)
				best = max(best, len(runs[k]))
			}
		}
		if least > 0 {
			for _, k := range order {
				if r := runs[k]; len(r) >= least {
					groups = append(groups, r)
				}
			}
		}
		return info
	}
	walk(n)
	return best, groups
}

// familyClass is the first word of n's class attribute: the name the
// items of one list share, where later words mark a position or a state
// ("item first", "item", "item last"; "row odd", "row even").
func familyClass(n *html.Node) string {
	if words := strings.Fields(getAttr(n, "class")); len(words) > 0 {
		return words[0]
	}
	return ""
}

// cardInfo is what cardRun knows of an element: the pieces of text it
// holds and the distinct addresses it links to, up to three (three
// meaning "more than two").
type cardInfo struct {
	pieces int
	hrefs  []string
}

func (ci *cardInfo) addHref(h string) {
	if len(ci.hrefs) < 3 && !slices.Contains(ci.hrefs, h) {
		ci.hrefs = append(ci.hrefs, h)
	}
}

func (ci *cardInfo) merge(o cardInfo) {
	ci.pieces += o.pieces
	for _, h := range o.hrefs {
		ci.addHref(h)
	}
}

// card reports whether the element links to one or two addresses and
// holds its text in two or more pieces.
func (ci cardInfo) card() bool {
	return len(ci.hrefs) >= 1 && len(ci.hrefs) <= 2 && ci.pieces >= 2
}

// descriptionMinRunes is the least length of a meta description read as
// the page's text: more than search engines (about 160 characters) and
// link previews (about 300) show. A description that long was not
// written as a teaser but cut from the page's own text, as forums
// rendered by script fill it with the opening post.
const descriptionMinRunes = 300

// descriptionKeys are the meta tags that describe a page, as
// "attribute=value" keys of the page index.
var descriptionKeys = []string{"name=description", "property=og:description", "name=twitter:description",
	"property=twitter:description"}

// descriptionArticle is the page's longest meta description when it is
// longer than descriptionMinRunes (Block "description"): the last
// reading of a script-rendered shell whose markup holds nothing else.
// A teaser-length description gives nil: it sums up the page or the
// site, and an empty result is better than a slogan.
func descriptionArticle(root *html.Node, opts Options) *Article {
	idx := indexPage(root)
	best := ""
	for _, k := range descriptionKeys {
		if v := normalize(idx.meta[k]); utf8.RuneCountInString(v) > utf8.RuneCountInString(best) {
			best = v
		}
	}
	if utf8.RuneCountInString(best) <= descriptionMinRunes {
		return nil
	}
	doc := goquery.NewDocumentFromNode(root)
	m := readMeta(doc)
	paras, labelled := cleanLines([]string{best}, newTitleSet(append([]string{opts.Title}, m.titles...)...))
	if !usable(paras) {
		return nil
	}
	a := newArticle(m, opts, paras, labelled, BlockDescription)
	sg := &signals{ldTypes: map[string]bool{}, itemTypes: map[string]int{}}
	if body := findFirst(root, atom.Body); body != nil {
		sg = readSignals(root, body, measure(body))
	}
	classifyPage(a, sg, nil, nil, m.body, opts)
	return a
}

// selected reports whether Options.Selector matches an element of the
// page's body.
func selected(root *html.Node, opts Options) bool {
	if opts.Selector == "" {
		return false
	}
	body := findFirst(root, atom.Body)
	g, err := compileSelector(opts.Selector)
	return err == nil && body != nil && cascadia.Query(body, g) != nil
}

// removeExcluded removes the elements matching any of the Exclude
// selectors from under body, as the usual path does (extractSelected).
func removeExcluded(body *html.Node, exclude []string) {
	for _, ex := range exclude {
		g, err := compileSelector(ex)
		if err != nil {
			continue // Extract has refused the page already
		}
		for _, n := range cascadia.QueryAll(body, g) {
			if n.Parent != nil && n != body {
				n.Parent.RemoveChild(n)
			}
		}
	}
}
