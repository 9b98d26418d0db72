package extract

import (
	"bytes"
	"errors"
	"net/url"

	"fmt"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// MaxInputSize is the largest page Extract accepts, in bytes.
const MaxInputSize = 20 << 20

// DefaultMaxNodes is the element limit used when Options.MaxNodes is zero.
const DefaultMaxNodes = 50_000

// Options describe the page being extracted. The zero value is usable.
type Options struct {
	// URL is the page's address, for resolving and host-specific hints.
	URL string
	// Title is the feed item's title. It helps pick the main block and
	// drop the title where the page repeats it above the text.
	Title string
	// Summary is the feed item's summary, HTML or text. The candidate
	// block whose text overlaps it best is preferred.
	Summary string
	// MaxNodes is the element count above which a page is refused with
	// ErrTooComplex. Zero or negative means DefaultMaxNodes.
	MaxNodes int
	// Selector and Exclude override the block choice for one site (see
	// selector.go): the elements matching Exclude are removed first, then
	// those matching Selector, when any, are the main block.
	Selector string
	Exclude  []string
}

// Article is the main text of a page and what the page says about it.
type Article struct {
	Title     string
	Author    string
	Published time.Time // from meta tags, JSON-LD or <time>, in UTC; zero when unknown
	Lang      string    // language tag as the page declares it, e.g. "en" or "de-DE"
	// Paragraphs holds each paragraph, heading, list item or block quote
	// of the story, cleaned, in document order.
	Paragraphs []string
	// PageType is one of the Page* names; Confidence, in [0,1], how
	// likely Paragraphs are the whole story and nothing else; Block is
	// where they came from (one of the Block* names). See classify.go.
	PageType   string
	Confidence float64
	Block      string
}

// Text returns the paragraphs joined by blank lines.
func (a *Article) Text() string {
	if a == nil {
		return ""
	}
	return strings.Join(a.Paragraphs, "\n\n")
}

// Extract returns the main text of an HTML page already decoded to UTF-8
// (invalid bytes are dropped). It returns ErrTooLarge for input over
// MaxInputSize, ErrTooComplex for pages with more than opts.MaxNodes
// elements or nested too deeply, and ErrNoContent when no usable text is
// left after boilerplate removal.
func Extract(page []byte, opts Options) (*Article, error) {
	if len(page) > MaxInputSize {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(page), MaxInputSize)
	}
	if len(bytes.TrimSpace(page)) == 0 {
		return nil, fmt.Errorf("%w: empty page", ErrNoContent)
	}
	maxNodes := opts.MaxNodes
	if maxNodes <= 0 {
		maxNodes = DefaultMaxNodes
	}
	if bytes.Count(page, []byte("<")) > maxNodes {
		// Cheap pre-check; the exact count follows the parse.
		if countStartTags(page, maxNodes) > maxNodes {
			return nil, fmt.Errorf("%w: more than %d elements", ErrTooComplex, maxNodes)
		}
	}
	root, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		// x/net/html fails only on pathological nesting.
		return nil, fmt.Errorf("%w: %w", ErrTooComplex, err)
	}
	if n := countElements(root, maxNodes); n > maxNodes {
		return nil, fmt.Errorf("%w: more than %d elements", ErrTooComplex, maxNodes)
	}
	a, ps, err := extractRoot(root, opts, true)
	if err == nil && !ps.marked && thin(a, ps.prose) {
		// Names pruned most of a page that holds much more text (a
		// listing, a product page, a site whose layout classes read as
		// boilerplate): judge it by tags and hiding alone.
		if root, perr := html.Parse(bytes.NewReader(page)); perr == nil {
			alt, altStats, aerr := extractRoot(root, opts, false)
			if aerr == nil && runeCount(alt.Paragraphs) >= 2*runeCount(a.Paragraphs) {
				a, ps = alt, altStats
			}
		}
	}
	if err == nil && !ps.marked && runeCount(a.Paragraphs) < noscriptShort && bytes.Contains(page, []byte("<noscript")) {
		// A script-rendered page whose markup gave a line or two may
		// ship its text for clients without script (fallback.go).
		if alt := noscriptArticle(page, opts, maxNodes); alt != nil && runeCount(alt.Paragraphs) >= 3*runeCount(a.Paragraphs) {
			a = alt
		}
	}
	if err == nil {
		readRegion(page, a, ps, opts)
		if a.PageType == PageLiveForum {
			a.Paragraphs = dropPostFigures(dropPostFurniture(a.Paragraphs, ps.postNames))
		}
		if ps.product {
			a.Paragraphs = dropPriceLines(withDeclaredDescription(a.Paragraphs, ps.description))
			if ps.availability != nil {
				// The buy box reads out the offer's declared
				// availability (availability.go).
				a.Paragraphs = withoutLines(a.Paragraphs, func(p string) bool { return availabilityLine(p, ps.availability) })
			}
			if ps.offerTerms != nil {
				// The buy box's badges for the declared terms of
				// sale (offerterms.go).
				a.Paragraphs = withoutLines(a.Paragraphs, func(p string) bool { return offerTermLine(p, ps.offerTerms) })
			}
		}
		if ps.product || ps.rated {
			// A shop's template leaves the data its scripts read in
			// hidden elements as JSON (statelines.go).
			a.Paragraphs = withoutLines(a.Paragraphs, stateLine)
		}
		// Identifiers set between a label's letters (opaque.go); after
		// the passes are compared, so that each pass is weighed as it
		// read the page.
		a.Paragraphs = withoutLines(a.Paragraphs, opaqueLine)
		return a, nil
	}
	if !errors.Is(err, ErrNoContent) {
		return a, err
	}
	// Nothing found the usual way: a script-rendered page, a listing
	// of links, a page wrapped in a form (fallback.go).
	if fa := fallback(page, opts, maxNodes); fa != nil {
		return fa, nil
	}
	if la := lastResortArticle(page, opts); la != nil {
		return la, nil
	}
	return nil, err
}

// noscriptShort is the length, in non-space runes, under which the text
// found is a line or two rather than a page's text (about a hundred
// words, as regionMinText), and the page is read again with its
// <noscript> content as markup.
const noscriptShort = 500

// thin reports whether a is short next to the paragraph text the page
// held before pruning (pageProse, non-space runes).
func thin(a *Article, pageProse int) bool {
	n := runeCount(a.Paragraphs)
	return n < 1500 && n*5 < pageProse
}

func runeCount(paras []string) int {
	n := 0
	for _, p := range paras {
		k, _ := countText(p)
		n += k
	}
	return n
}

// pageStats is what one extraction pass saw of the page.
type pageStats struct {
	prose int // paragraph text of the body before pruning, non-space runes
	// text is all the text of the body before pruning (scripts too),
	// non-space runes: no reading of the page's region can give more.
	text   int
	marked bool // the page marked the article (articleBody, <article>)
	// declaresArticle: the page calls itself an article (a JSON-LD
	// article type or og:type article); see readRegion.
	declaresArticle bool
	// structuredArticle: the page's JSON-LD or microdata gives an
	// article type (og:type alone does not).
	structuredArticle bool
	// product: customer reviews were pruned (pruneMode.product), so the
	// content region is read without them too.
	product bool
	// reviewRuns: dated customer reviews were cut (reviewRunNodes) from
	// a page that declares no Product, so the content region is read
	// without them too.
	reviewRuns bool
	// postNames: the names of the posts' writers on a discussion page
	// (postNameLinks), which repeat from post to post and stay.
	postNames map[string]bool
	// rated: a buyers' reviews section holding a rating histogram was
	// cut (ratedReviewNodes): the page is one item's.
	rated bool
	// description is the declared Product's description, on a product
	// page (lddescription.go).
	description productDescription
	// availability holds the words of the offers' declared availability
	// ("in stock"), on a product page (availability.go).
	availability map[string]bool
	// offerTerms holds the words of the terms of sale the offers
	// declare ("shipping", "returns"), on a product page
	// (offerterms.go).
	offerTerms map[string]bool
	// items are the names of the Products and ProductGroups the page's
	// JSON-LD declares, on a product page (linkedData.itemNames): the
	// region's reader (readRegion) parses the page again but not its
	// JSON-LD.
	items []string
	// itemPage: the page sells one item its JSON-LD or microdata
	// declares and its one <h1> names (singleItemPage), on a product
	// page, or one its OpenGraph tags declare on a page with no
	// schema.org Product (openGraphItemPage).
	itemPage bool
	// storyList: the block chosen by score holds several elements the
	// page marks as articles (markedStoryList): a list of stories, read
	// as a listing whatever its article markup says.
	storyList bool
	// cardArticle: the <article> chosen as the block is one of a run of
	// sibling <article> elements (inArticleRun), one card of a grid.
	cardArticle bool
}

// extractRoot is Extract on a parsed page; byName is prune's.
func extractRoot(root *html.Node, opts Options, byName bool) (*Article, pageStats, error) {
	resolveStreamed(root)
	inlineBodyTemplates(root)
	doc := goquery.NewDocumentFromNode(root)
	m := readMeta(doc)

	body := doc.Find("body").First()
	if body.Length() == 0 {
		return nil, pageStats{}, fmt.Errorf("%w: no body", ErrNoContent)
	}
	bodyNode := body.Get(0)
	if a, ok, err := extractSelected(root, bodyNode, m, opts); ok {
		// A person chose the block: no retry second-guesses it.
		return a, pageStats{marked: true}, err
	}
	summary := summaryTokens(opts.Summary, opts.Title)

	dropRemarks(bodyNode) // remarks.go: a question's and its answers' comments
	// Protect the likely article and its ancestors from pruning.
	st := measure(bodyNode)
	sg := readSignals(root, bodyNode, st)
	protected := make(map[*html.Node]bool)
	mode := pruneMode{byName: byName, discussion: m.discussion || commentsCarryPage(bodyNode, st), product: sg.product(), heroes: !sg.declaresArticle()}
	var writers, headshots []string
	if !mode.discussion && !mode.product {
		// The writer's boxes are read before pruning, which may take
		// the byline or the box's name link (writerbox.go).
		writers = writerBoxes(bodyNode, m.author)
		// and the headshots' names, before pruning takes the images
		// (headshotbio.go).
		headshots = headshotNames(bodyNode)
	}
	reviewRuns, rated := false, false
	if !mode.product && !sg.declaresArticle() {
		// Dated customer reviews on a page that declares no Product.
		reviewRuns, rated = cutReviewRuns(bodyNode)
		if reviewRuns {
			st = measure(bodyNode)
		}
	}
	preferred := preferredBlock(bodyNode, st, summary)
	if preferred != nil && mode.product && withinReviews(preferred) {
		preferred = nil // one customer review of many is not the product's text
	}
	if preferred != nil {
		protect(protected, preferred)
	}
	for _, mn := range findAll(bodyNode, false, isMain) {
		protect(protected, mn)
	}
	if pp := mainParagraphParent(bodyNode, mode); pp != nil {
		protect(protected, pp)
	}
	ps := pageStats{prose: st[bodyNode].prose, text: st[bodyNode].text, marked: preferred != nil, declaresArticle: sg.declaresArticle(), structuredArticle: sg.structuredArticle(), product: mode.product, reviewRuns: reviewRuns, rated: rated, cardArticle: inArticleRun(preferred)}
	if mode.product {
		ps.description = readProductDescription(m.ld, bodyNode)
		ps.availability = declaredAvailability(m.ld, bodyNode)
		ps.offerTerms = declaredOfferTerms(m.ld)
		ps.itemPage = singleItemPage(m.ld, bodyNode)
		ps.items = m.ld.itemNames()
	} else if !ps.declaresArticle {
		ps.itemPage = openGraphItemPage(root, bodyNode) // itemopengraph.go
	}
	captions := captionBoxes(bodyNode, st)
	actions := actionBoxes(bodyNode, st)
	labels := controlLabels(bodyNode) // controllabel.go: before pruning removes the controls
	if !sg.declaresArticle() && !mode.product {
		// filterpanel.go: a product page's "filter" boxes sort its reviews
		labels = joinNodes(labels, filterPanels(bodyNode, st))
	}
	var products []string
	if mode.product && preferred == nil {
		products = m.ld.productsOnOffer()
	}
	prune(bodyNode, protected, st, mode)

	st = measure(bodyNode)
	blocks := chooseBlocks(bodyNode, st, preferred, summary, ps.declaresArticle)
	if !ps.declaresArticle && !mode.product && preferred == nil {
		blocks = mainSections(bodyNode, blocks, st) // mainsections.go
	}
	blocks = withOpening(bodyNode, blocks, st) // opening.go: a thread's opening post
	var others map[*html.Node]bool
	if mode.product && preferred == nil {
		blocks, others = ownProduct(bodyNode, blocks, st, products)
	}
	// Other pages' teasers beside the story, in its block or in the
	// blocks around it (teaserRuns), and the banners set between its
	// paragraphs (storyActions).
	host := pageHost(opts.URL)
	scope := blocks[0]
	if len(blocks) > 1 && blocks[0].Parent != nil {
		scope = blocks[0].Parent
	}
	ss := newStories() // the tree is read, not changed, until the blocks are emitted (stories)
	teasers := teaserRuns(scope, host, ss)
	if rated {
		// One item's page by its buyers' ratings (ratinghistogram.go):
		// strips of priced cards are other items.
		teasers = joinNodes(teasers, ratedItemStrips(bodyNode, st))
	}
	if mode.product {
		teasers = joinNodes(joinNodes(otherProducts(blocks, st, teasers), others), productStrips(bodyNode, st, ps.items))
	}
	skip := joinNodes(joinNodes(teasers, storyCaptions(captions, blocks[0], ss)), storyActions(actions, scope, ps.structuredArticle, ss))
	if ps.declaresArticle && !ps.structuredArticle {
		skip = joinNodes(skip, closingActions(actions, scope)) // closingactions.go
	}
	skip = joinNodes(skip, figureGrids(scope, ss))
	skip = joinNodes(skip, slideshows(scope, ss))          // slideshow.go
	skip = joinNodes(skip, disclosureNotices(scope, host)) // disclosures.go
	skip = joinNodes(skip, postProfileDefinitions(scope))  // postprofiles.go
	skip = joinNodes(skip, storyHeaderMeta(scope, st))     // headermeta.go
	skip = joinNodes(skip, interfaceLines(scope))          // interfacelines.go
	skip = joinNodes(skip, labels)
	skip = joinNodes(skip, linkBoxLeadIns(scope)) // leadin.go
	skip = joinNodes(skip, titleFields(scope))    // titlefields.go
	var raw []string
	titles := append([]string{opts.Title}, m.titles...)
	ts := newTitleSet(titles...)
	intro := standfirst(blocks[0], bodyNode, st, captions, mode.product, ts)
	var postLines map[*html.Node]bool
	if sg.discussion() {
		postLines = postDateLinks(blocks) // postdates.go
		ps.postNames = make(map[string]bool)
		postLines = joinNodes(postLines, postNameLinks(postLines, ps.postNames))
	}
	raw = append(raw, intro...)
	for _, b := range blocks {
		if teasers[b] {
			continue
		}
		bc := blockContext{host: host, cards: blockCardsAreItems(ps, preferred), downloads: !mode.product, postLines: postLines}
		raw = append(raw, emitSkipping(b, skip, bc, ss)...) // cardblock.go
	}
	if !mode.product && !ps.structuredArticle && blockKind(blocks, bodyNode, preferred) == BlockScored {
		raw = append(raw, archiveGrid(blocks[len(blocks)-1], bodyNode, st)...)
	}
	paras, labelled := cleanLines(raw, ts)
	paras = dropAuthorBox(paras, m.author)
	paras = dropSignedBios(paras, bylineBioNames(raw)) // signedbio.go
	paras = dropHeadshotBio(paras, headshots)          // headshotbio.go
	paras = dropPersonBio(paras, m.bios)               // authorbio.go
	paras = dropAfterLDBody(paras, m.body)
	paras = dropWriterBoxes(paras, writers) // writerbox.go
	block := blockKind(blocks, bodyNode, preferred)
	if alt := ldBodyParagraphs(m.body, m.bodyOwn, paras, newTitleSet(titles...)); alt != nil {
		paras, block = alt, BlockJSONLD
	}
	if !usable(paras) {
		return nil, ps, fmt.Errorf("%w: no main text found", ErrNoContent)
	}
	a := newArticle(m, opts, paras, labelled, block)
	// The page is classified on its block's text: a standfirst
	// lengthens a story without making a page one.
	judged := a
	if len(intro) > 0 {
		introClean, _ := cleanLines(intro, newTitleSet(titles...))
		if n := leadingIntro(paras, introClean); n > 0 && n < len(paras) {
			judged = new(Article)
			*judged = *a
			judged.Paragraphs = paras[n:]
		}
	}
	classifyPage(judged, sg, blocks, st, m.body, opts)
	a.PageType, a.Confidence = judged.PageType, judged.Confidence
	if markedStoryList(sg, blocks, st, block) { // storyitems.go
		a.PageType, ps.storyList = PageListing, true
	}
	return a, ps, nil
}

// newArticle is the Article of paras taken from block, with the page's
// metadata. Its title is the page's, else the feed item's, else the one a
// "Title:" label in the text gave (labelled).
func newArticle(m meta, opts Options, paras []string, labelled string, block string) *Article {
	a := &Article{
		Title:      m.title,
		Author:     m.author,
		Published:  m.published,
		Lang:       m.lang,
		Paragraphs: paras,
		Block:      block,
	}
	if a.Title == "" {
		a.Title = normalize(opts.Title)
	}
	if a.Title == "" {
		a.Title = labelled
	}
	return a
}

// ldBodyParagraphs returns the paragraphs of JSON-LD's articleBody when
// the page's markup gave clearly less of the story than the body holds
// (under half its words, and the body at least ldBodyMinWords long): the
// story is then rendered by script, behind a wall, or cut into pieces the
// markup pass could not join. It returns nil otherwise, and nil when the
// body shares too little with the markup's text to be the same article's
// (a site-wide description, say), unless own says the body's entity is
// the page's own article (its headline is the page's title): then the
// markup's block, not the body, is what is off (a caption and an author
// box where a script renders the story).
func ldBodyParagraphs(body string, own bool, fromDOM []string, ts titleSet) []string {
	const ldBodyMinWords = 80
	if wordCount(body) < ldBodyMinWords || len(body) > MaxInputSize {
		return nil
	}
	if strings.Contains(body, "<") {
		if n, err := html.Parse(strings.NewReader(body)); err == nil {
			if lines := emit(n); len(lines) > 0 {
				body = strings.Join(lines, "\n\n")
			}
		}
	}
	domWords := wordCount(strings.Join(fromDOM, " "))
	bodyWords := wordCount(body)
	if domWords*2 >= bodyWords {
		return nil
	}
	paras, _ := cleanLines(splitParagraphs(body), ts)
	if !usable(paras) {
		return nil
	}
	if !own && domWords >= 20 && overlapShare(fromDOM, paras) < 0.5 {
		return nil
	}
	return paras
}

// overlapShare is the share of the words of a found in b, as sets of
// lower-cased words.
func overlapShare(a, b []string) float64 {
	words := func(ps []string) map[string]bool {
		m := make(map[string]bool)
		for _, p := range ps {
			for _, w := range strings.Fields(strings.ToLower(p)) {
				m[w] = true
			}
		}
		return m
	}
	return setShare(words(a), words(b), 0)
}

// countStartTags counts start tags with the tokenizer, stopping past limit.
func countStartTags(page []byte, limit int) int {
	z := html.NewTokenizer(bytes.NewReader(page))
	n := 0
	for n <= limit {
		switch z.Next() {
		case html.ErrorToken:
			return n
		case html.StartTagToken, html.SelfClosingTagToken:
			n++
		}
	}
	return n
}

func countElements(root *html.Node, limit int) int {
	n := 0
	var walk func(*html.Node)
	walk = func(x *html.Node) {
		for c := x.FirstChild; c != nil && n <= limit; c = c.NextSibling {
			if c.Type == html.ElementNode {
				n++
				walk(c)
			}
		}
	}
	walk(root)
	return n
}

// preferredBlock returns the element the page marks as the article:
// the largest [itemprop=articleBody], else the best <article>, when it
// holds enough text.
func preferredBlock(body *html.Node, st map[*html.Node]*stat, summary summaryWords) *html.Node {
	var best *html.Node
	for _, n := range findAll(body, true, isArticleBody) {
		if st[n].good() >= 140 && (best == nil || st[n].good() > st[best].good()) {
			best = n
		}
	}
	if best != nil {
		return best
	}
	arts := findAll(body, true, func(n *html.Node) bool { return n.DataAtom == atom.Article })
	bestScore := 0.0
	for _, n := range arts {
		s := st[n]
		if s.good() < 140 || s.linkDensity() > 0.5 {
			continue
		}
		score := float64(s.good()) * (1 + overlap(n, summary))
		if score > bestScore {
			best, bestScore = n, score
		}
	}
	// Prefer a nested article that holds most of the text.
	for best != nil {
		var inner *html.Node
		for _, n := range arts {
			if n != best && contains(best, n) && st[n].good()*10 >= st[best].good()*7 {
				inner = n
				break
			}
		}
		if inner == nil {
			break
		}
		best = inner
	}
	return best
}

// mainParagraphParent returns the element whose direct <p> children hold
// the most text, outside dialogs (modal) and cookie consent panels
// (consentPanel): a privacy policy in a modal is often the longest text
// of a shop's page; on a product page
// (mode.product), outside its customer reviews too. An element inside a
// hidden one (hidden: an attribute or inline style) is taken only when
// the visible elements hold under half its text: a story hidden until a
// script shows it (a lock or age screen) is still the page's, but beside
// a visible story of its size hidden paragraphs are a copy nobody sees.
func mainParagraphParent(body *html.Node, mode pruneMode) *html.Node {
	sum := make(map[*html.Node]int)
	var best, shown *html.Node
	var walk func(n *html.Node, hid bool)
	walk = func(n *html.Node, hid bool) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode || modal(c) || consentPanel(c) || mode.product && reviewNamed(c) {
				continue // a dialog's or a consent panel's text, or customer reviews, are not the page's
			}
			if c.DataAtom == atom.P {
				k, _ := countText(textOf(c))
				sum[n] += k
				if best == nil || sum[n] > sum[best] {
					best = n
				}
				if !hid && (shown == nil || sum[n] > sum[shown]) {
					shown = n
				}
			}
			walk(c, hid || hidden(c))
		}
	}
	walk(body, hidden(body))
	if shown != nil && sum[shown]*2 >= sum[best] {
		return shown
	}
	return best
}

// chooseBlocks picks the elements whose text is emitted, in document order.
func chooseBlocks(body *html.Node, st map[*html.Node]*stat, preferred *html.Node, summary summaryWords, article bool) []*html.Node {
	top, siblings := scoreCandidates(body, st, summary, article)
	if preferred != nil && preferred.Parent != nil && st[preferred] != nil {
		ps := st[preferred]
		if top == nil || contains(preferred, top) || ps.good()*2 >= st[top].good() {
			return []*html.Node{preferred}
		}
	}
	if top == nil {
		return []*html.Node{body}
	}
	return siblings
}

type cand struct {
	n     *html.Node
	score float64
}

// scoreCandidates scores containers readability-style: each paragraph-like
// element with enough text gives points to its ancestors; the scores are
// scaled by one minus the link density and by the overlap with the feed
// summary. It returns the top candidate and the list of blocks to emit:
// the top candidate with the siblings that look like part of the story.
func scoreCandidates(body *html.Node, st map[*html.Node]*stat, summary summaryWords, article bool) (*html.Node, []*html.Node) {
	scores := make(map[*html.Node]float64)
	var order []*html.Node
	add := func(n *html.Node, v float64) {
		if n == nil || n.Type != html.ElementNode {
			return
		}
		if _, ok := scores[n]; !ok {
			scores[n] = initialScore(n)
			order = append(order, n)
		}
		scores[n] += v
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			s := st[c]
			scorable := false
			switch c.DataAtom {
			case atom.P, atom.Pre, atom.Td, atom.Blockquote:
				scorable = true
			case atom.Div, atom.Section, atom.Article, atom.Span, atom.Font, atom.Center:
				scorable = s != nil && !s.block
			}
			first := c.Parent
			if !scorable && s != nil && s.block && s.own >= 400 && s.own*10 >= s.text*4 && c.DataAtom != atom.Body {
				// Loose text between <br>s scores its own element.
				scorable, first = true, c
			}
			if scorable && s != nil && s.text >= 25 {
				v := 1 + float64(s.commas) + min(float64(s.text)/100, 3)
				if first == c {
					v = 1 + min(float64(s.own)/100, 3)
				}
				level := 0
				for a := first; a != nil && level < 5; a = a.Parent {
					switch level {
					case 0:
						add(a, v)
					case 1:
						add(a, v/2)
					default:
						add(a, v/float64(level*3))
					}
					if a == body {
						break
					}
					level++
				}
			}
			walk(c)
		}
	}
	walk(body)
	if len(order) == 0 {
		return nil, nil
	}
	cands := make([]cand, 0, len(order))
	for _, n := range order {
		s := st[n]
		if s == nil {
			continue
		}
		cands = append(cands, cand{n, scores[n] * (1 - s.linkDensity())})
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].score > cands[j].score })
	if len(summary) > 0 {
		k := min(len(cands), 5)
		for i := range k {
			cands[i].score *= 1 + 2*overlap(cands[i].n, summary)
		}

		sort.SliceStable(cands[:k], func(i, j int) bool { return cands[i].score > cands[j].score })
	}
	top := cands[0]
	final := make(map[*html.Node]float64, len(cands))
	for _, c := range cands {
		final[c.n] = c.score
	}
	top = widen(body, top, cands, final, article)
	top.n = climb(body, top.n, st)
	// Siblings that belong to the story.
	threshold := max(10, top.score*0.2)
	topOverlap := overlap(top.n, summary)
	var blocks []*html.Node
	if top.n.Parent == nil || top.n == body {
		return top.n, []*html.Node{top.n}
	}
	for s := top.n.Parent.FirstChild; s != nil; s = s.NextSibling {
		if s == top.n {
			blocks = append(blocks, s)
			continue
		}
		if s.Type != html.ElementNode || st[s] == nil {
			continue
		}
		ss := st[s]
		bonus := 0.0
		if getAttr(s, "class") != "" && getAttr(s, "class") == getAttr(top.n, "class") {
			bonus = top.score * 0.2
		}
		if topOverlap >= 0.3 && overlap(s, summary) < topOverlap/2 {
			continue // a block about something else
		}
		switch {
		case final[s]+bonus >= threshold:
			blocks = append(blocks, s)
		case s.DataAtom == atom.P || isHeading(s):
			ld := ss.linkDensity()
			txt := ss.text
			if (txt > 80 && ld < 0.25) || (txt <= 80 && txt > 0 && ld == 0 && (isHeading(s) || strings.Contains(textOf(s), ". "))) {
				blocks = append(blocks, s)
			}
		}
	}
	return top.n, blocks
}

func isHeading(n *html.Node) bool {
	switch n.DataAtom {
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		return true
	}
	return false
}

func initialScore(n *html.Node) float64 {
	var s float64
	switch n.DataAtom {
	case atom.Div, atom.Article, atom.Main:
		s = 5
	case atom.Section, atom.Pre, atom.Td, atom.Blockquote:
		s = 3
	case atom.Address, atom.Ol, atom.Ul, atom.Dl, atom.Dd, atom.Dt, atom.Li, atom.Form:
		s = -3
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Th:
		s = -5
	}
	return s + classWeight(n)
}

// classWeight is readability's hint from class and id names.
func classWeight(n *html.Node) float64 {
	w := 0.0
	for _, v := range []string{getAttr(n, "class"), getAttr(n, "id")} {
		if v == "" {
			continue
		}
		pos, neg := false, false
		for _, t := range tokens(v) {
			if in(positive, t) || t == "articlebody" || t == "hentry" || t == "single" {
				pos = true
			}
			if in(strongJunk, t) && !in(weakJunk, t) {
				neg = true
			}
		}
		if pos {
			w += 25
		}
		if neg {
			w -= 25
		}
	}
	if isArticleBody(n) {
		w += 50
	}
	return w
}

// textOf returns the raw text of n, without ruby annotations (<rt>, <rp>).
func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(x *html.Node) {
		for c := x.FirstChild; c != nil; c = c.NextSibling {
			switch c.Type {
			case html.TextNode:
				b.WriteString(c.Data)
			case html.ElementNode:
				if c.DataAtom != atom.Rt && c.DataAtom != atom.Rp { // ruby annotations, as in emit
					walk(c)
				}
			}
		}
	}
	walk(n)
	return b.String()
}

// summaryTokens returns the distinctive words of the feed summary and
// title (the summary may be HTML).
// summaryWords are the summary's distinctive words, each with its own
// index in 0..len-1.
type summaryWords map[string]int

func summaryTokens(summary, title string) summaryWords {
	text := title + " " + summary
	if strings.ContainsRune(summary, '<') {
		if n, err := html.Parse(strings.NewReader(summary)); err == nil {
			text = title + " " + textOf(n)
		}
	}
	set := make(summaryWords)
	for _, w := range words(text) {
		if _, seen := set[w]; !seen && utf8.RuneCountInString(w) >= 4 {
			set[w] = len(set)
		}
	}
	if len(set) < 4 {
		return nil
	}
	return set
}

// words splits text into lower-case runs of letters, digits and marks.
func words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !wordRune(r) })
}

// nextWord returns the first word of s as words splits it (s lower-cased
// already) and the text after it; the word is "" when s holds none. A
// caller that reads each word once walks s with it instead of building
// the slice words returns.
func nextWord(s string) (word, rest string) {
	start := -1
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		inWord := wordRune(r)
		switch {
		case inWord && start < 0:
			start = i
		case !inWord && start >= 0:
			return s[start:i], s[i+size:]
		}
		i += size
	}
	if start < 0 {
		return "", ""
	}
	return s[start:], ""
}

// wordRune reports whether r belongs in a word (words).
func wordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) || r == '_'
}

// overlap is the share of summary words found in n's text: the words
// of textOf(n) as words splits them, read from the text nodes in place
// (the text is not copied; a word may run across elements, as in
// textOf). It runs for every candidate block of every page.
func overlap(n *html.Node, summary summaryWords) float64 {
	if len(summary) == 0 {
		return 0
	}
	sc := overlapScan{summary: summary, found: make([]bool, len(summary))}
	sc.walk(n)
	sc.endWord()
	return float64(sc.hits) / float64(len(summary))
}

// overlapScan is overlap's state: the current word, lower-cased, and
// which summary words were found.
type overlapScan struct {
	summary summaryWords
	word    []byte
	found   []bool
	hits    int
}

func (sc *overlapScan) walk(x *html.Node) {
	for c := x.FirstChild; c != nil; c = c.NextSibling {
		switch c.Type {
		case html.TextNode:
			sc.text(c.Data)
		case html.ElementNode:
			if c.DataAtom != atom.Rt && c.DataAtom != atom.Rp { // as textOf
				sc.walk(c)
			}
		}
	}
}

func (sc *overlapScan) text(s string) {
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			// ASCII: letters, digits and '_' are word runes.
			switch {
			case 'A' <= b && b <= 'Z':
				sc.word = append(sc.word, b+'a'-'A')
			case 'a' <= b && b <= 'z', '0' <= b && b <= '9', b == '_':
				sc.word = append(sc.word, b)
			default:
				sc.endWord()
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r = unicode.ToLower(r); wordRune(r) {
			sc.word = utf8.AppendRune(sc.word, r)
		} else {
			sc.endWord()
		}
		i += size
	}
}

func (sc *overlapScan) endWord() {
	if len(sc.word) == 0 {
		return
	}
	if i, ok := sc.summary[string(sc.word)]; ok && !sc.found[i] {
		sc.found[i] = true
		sc.hits++
	}
	sc.word = sc.word[:0]
}

// numberPunct are the characters a number in a table may hold besides
// its digits.
const numberPunct = ",.%$€£¥+-−–/:()"

// usable reports whether paragraphs hold real text: at least five
// word-like tokens, words or numbers (CJK characters count one each,
// halved).
func usable(paras []string) bool {
	n, cjk, tokens := 0, 0, 0
	for _, p := range paras {
		for _, f := range strings.Fields(p) {
			letters, digits, numeric, total := 0, 0, 0, 0
			for _, r := range f {
				total++
				switch {
				case r < utf8.RuneSelf: // the cases below, for ASCII, without the table lookups
					switch {
					case r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z':
						letters++
					case r >= '0' && r <= '9':
						digits++
					case strings.ContainsRune(numberPunct, r):
						numeric++
					}
				case unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Thai):
					cjk++
				case unicode.IsLetter(r) || unicode.IsMark(r):
					letters++
				case r >= '0' && r <= '9':
					digits++
				case strings.ContainsRune(numberPunct, r):
					numeric++
				}
			}
			tokens++
			// Words, and numbers as tables of results or figures hold
			// them ("1,250", "$3.5", "72%").
			if total <= 25 && (letters*10 >= total*7 || digits > 0 && digits+numeric == total) {
				n++
			}
		}
	}
	// Most tokens must look like words: random bytes decode to long
	// runs of mixed symbols and scripts.
	return n+cjk/2 >= 5 && (n*2 >= tokens || cjk > 0 && n+cjk/2 >= tokens)
}

// Strong alternatives to the top candidate (see widen) score at least
// this share of its score: on a page that declares an article, a share
// close to it, as a story split over containers scores evenly; on other
// pages (listings, shops, service and landing pages made of sections),
// half, as their sections are of uneven length.
const (
	altShareArticle = 0.75
	altShareOther   = 0.5
)

// widen moves the top candidate up the tree when the story is split over
// several containers (as Mozilla's readability does): to the closest
// ancestor shared by three or more strong alternatives (see
// altShareArticle and altShareOther; article tells whether the page
// declares an article), then to an
// ancestor scoring higher than the child it came from, then past wrappers
// with a single element child.
func widen(body *html.Node, top cand, cands []cand, final map[*html.Node]float64, article bool) cand {
	if top.n == body {
		return top // nothing above it to widen to
	}
	share := altShareArticle
	if !article {
		share = altShareOther
	}
	var alts []*html.Node
	for _, c := range cands[1:min(len(cands), 6)] {
		if c.score >= top.score*share {
			alts = append(alts, c.n)
		}
	}
	if len(alts) >= 3 {
		for a := top.n.Parent; a != nil && a != body; a = a.Parent {
			k := 0
			for _, alt := range alts {
				if contains(a, alt) {
					k++
				}
			}
			if k >= 3 {
				top = cand{a, max(final[a], top.score)}
				break
			}
		}
	}
	last, threshold := top.score, top.score/3
	for p := top.n.Parent; p != nil && p != body; p = p.Parent {
		ps, ok := final[p]
		if !ok {
			continue
		}
		if ps < threshold {
			break
		}
		if ps > last {
			top = cand{p, ps}
			break
		}
		last = ps
	}
	for p := top.n.Parent; p != nil && p != body && onlyElementChild(p) == top.n; p = p.Parent {
		top = cand{p, top.score}
	}
	return top
}

func onlyElementChild(n *html.Node) *html.Node {
	var only *html.Node
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode {
			if only != nil {
				return nil
			}
			only = c
		}
	}
	return only
}

// climb moves from the top candidate to an ancestor when the ancestor
// adds much paragraph text with few links: stories whose every paragraph
// sits in its own wrapper give no single container a high score.
func climb(body, top *html.Node, st map[*html.Node]*stat) *html.Node {
	if top == body {
		return top
	}
	// Each ancestor is compared with the last accepted one, not with its
	// own child, so wrappers that add only a heading or an image between
	// the story's sections do not stop the climb.
	skipped, prev := 0, st[top]
	for p := top.Parent; p != nil && p != body && skipped < climbReach; p = p.Parent {
		ps, ts := st[p], st[top]
		if ps == nil || ts == nil {
			break
		}
		same := ps.text == prev.text
		prev = ps
		extra, extraLink, extraP := ps.text-ts.text, ps.link-ts.link, ps.prose-ts.prose
		if extra <= 0 {
			top, skipped = p, 0
			continue
		}
		if extraP*10 < ts.prose*3 || extraLink*4 > extra || extraP*10 < extra*6 {
			if !same {
				skipped++
			}
			continue
		}
		top, skipped = p, 0
	}
	return top
}

// climbReach is how many ancestors adding too little paragraph text climb
// looks past; wrappers that add no text at all are not counted.
const climbReach = 3

// pageHost is the host of pageURL, lower-cased, without a leading
// "www.", or "" when pageURL gives none.
func pageHost(pageURL string) string {
	u, err := url.Parse(strings.TrimSpace(pageURL))
	if err != nil {
		return ""
	}
	return strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
}

// dropPriceLines returns paras without the lines that are only prices:
// a currency sign or code with figures, signs and percentages ("$129.99",
// "€82 €96 (-15%)", "USD: 149.64"). On a product page these are the buy
// box's figures, not the product's description, and so are prices
// behind a label naming them (labelledPriceLine); paras itself when
// nothing else would be left.
func dropPriceLines(paras []string) []string {
	var kept []string
	for _, p := range paras {
		if !priceLine(p) && !labelledPriceLine(p) { // pricelabel.go
			kept = append(kept, p)
		}
	}
	if len(kept) == 0 || len(kept) == len(paras) {
		return paras
	}
	return kept
}

// priceLine reports whether p holds a currency sign or a three-letter
// currency code and otherwise only figures, white space and the signs
// written around amounts.
func priceLine(p string) bool {
	currency := false
	for _, f := range strings.Fields(p) {
		rest := strings.TrimRight(f, ":")
		if len(rest) == 3 && strings.ToUpper(rest) == rest && strings.IndexFunc(rest, func(r rune) bool { return r < 'A' || r > 'Z' }) < 0 {
			currency = true
			continue
		}
		for _, r := range f {
			switch {
			case unicode.Is(unicode.Sc, r):
				currency = true
			case unicode.IsDigit(r) || strings.ContainsRune(".,:%()+-–~/|", r):
			default:
				return false
			}
		}
	}
	return currency
}
