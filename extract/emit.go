package extract

import (
	"strings"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// emitter turns a block into paragraphs: every block-level element and
// every <br> ends one.
type emitter struct {
	buf    strings.Builder
	link   int  // non-space runes inside <a> in buf
	total  int  // non-space runes in buf
	pre    int  // depth of <pre> elements
	head   int  // depth of h1–h6 elements
	inPre  bool // buf holds preformatted text
	item   int  // depth of li, td, th, dd and dt elements
	cell   int  // depth of td and th elements of a data table
	data   int  // depth of data tables (dataTable)
	inCell bool // buf holds text of a table cell
	inHead bool // buf holds heading text
	inDoc  bool // buf holds the text of a link to a document (documentLink)
	// downloads keeps lines linking to documents (documentLink), but on
	// a product page, whose manuals and data sheets are the shop's.
	downloads bool
	inItem    bool // buf holds text of a list item or table cell
	story     int  // words of story-like paragraphs emitted so far
	// keepLinks keeps paragraphs that are mostly link text: the items of
	// a listing (see regionParagraphs).
	keepLinks bool
	// skip holds elements not emitted: the boxes trailing the story
	// (see trailingBoxes).
	skip map[*html.Node]bool
	// postLines holds the links showing a post's date or its writer's name
	// on a discussion page, each emitted as a line of its own
	// (postdates.go).
	postLines map[*html.Node]bool
	out       []string
	// owner is the innermost block element around the text in buf, and
	// seen holds each paragraph's text with its container (owner's
	// parent): a paragraph that repeats a sibling is the story's own (see
	// ownMark).
	owner *html.Node
	seen  map[ownKey]bool
	// freshBox is the container of the last paragraph of story text
	// when that paragraph was said for the first time in its <article>
	// (see ownRepeat).
	freshBox *html.Node

	// lists holds the story's own lists and headings (storyLists),
	// which keep their links; list is the depth of them around the text, inList
	// whether buf holds text of one.
	lists  map[*html.Node]bool
	list   int
	inList bool

	// cards holds the cards of the listing read (see regionParagraphs),
	// and cardLines the lines of the card around the text: a line that
	// repeats one of its own card goes.
	cards     map[*html.Node]bool
	cardLines map[string]bool
	// cardItems is the depth of list items and table cells around the
	// card, inCardItem whether buf holds text of one inside it: such
	// lines may repeat (opening hours: "closed", "closed").
	cardItems  int
	inCardItem bool

	// linkedHead holds a heading dropped as mostly link text until the
	// next line shows whether it describes the page the heading links
	// to; lastLinkedHead is the last heading held so; headAnchor is
	// whether a link in the heading in buf points at an anchor; heading
	// is the last heading (h1–h6) walked into, nil inside a <header>
	// holding none (childpages.go).
	linkedHead     string
	lastLinkedHead string
	headAnchor     bool
	heading        *html.Node
	// root is the block walked; teasers is 0 until onTeaserBlock
	// measures it, then 1 on a teaser block, -1 on another
	// (teaserblock.go); teaserHead is whether the heading held back
	// was held on a teaser block.
	root       *html.Node
	teasers    int
	teaserHead bool
}

// Marks start the raw lines emit takes from some elements, so that
// cleanLines can tell them apart: preMark a line of a <pre> element (kept
// as it is: a line of code such as "}" or "print" is not a share button),
// headMark the text of a heading (h1–h6) or of a <header>
// element (a box's title: see dropEmptyTail), itemMark a list item or table
// cell (kept when it repeats: an ingredient or a "Yes" cell may appear
// twice), ownMark a paragraph that repeats an earlier paragraph of the
// same container (sibling <p> elements, lines between <br>s of one
// element), or of the same <article> after new text of its own container
// (see ownRepeat): a story that says a paragraph twice, where a page
// carrying its article twice puts each copy in an element of its own,
// postMark a post's date or its writer's name on a discussion page
// (postdates.go: never junk). They are
// Unicode noncharacters (reserved for a program's internal use), and emit
// and CleanText remove them from the page's own text, so a page cannot
// forge them.
const (
	preMark  = "\ufdd0"
	headMark = "\ufdd1"
	itemMark = "\ufdd2"
	ownMark  = "\ufdd3"
	postMark = "\ufdd4"
)

// markStripper removes the marks; a Replacer is safe for concurrent use.
var markStripper = strings.NewReplacer(preMark, "", headMark, "", itemMark, "", ownMark, "", postMark, "")

// stripMarks removes the marks from s.
func stripMarks(s string) string {
	if !strings.Contains(s, "\xef\xb7") { // the first two bytes of every mark
		return s
	}
	return markStripper.Replace(s)
}

// emit returns the raw paragraphs of n, skipping those that are mostly
// link text (menus and link lists that survived pruning) unless they are
// one web address written out, threads of user replies after the
// story (isThread) and boxes after it (trailingBoxes).
func emit(n *html.Node) []string { return emitSkipping(n, nil, blockContext{}, nil) }

// blockContext is what the emitter of a block knows of the page around
// it.
type blockContext struct {
	// host, the page's, tells the story's citations of other sites
	// (storyLists).
	host string
	// cards, set for the block chosen on a page other than a product's
	// (whose runs of cards are other products), reads the cards of the
	// block that hold half its text as a region's are (contentCards).
	cards bool
	// downloads, set on a page other than a product's, keeps a line
	// linking to a document (documentLink).
	downloads bool
	// postLines holds the links that are posts' dates and writers'
	// names, emitted as lines that are never junk (postDateLinks,
	// postNameLinks).
	postLines map[*html.Node]bool
}

// emitSkipping is emit, skipping the elements of extra too, in the
// page's context bc. ss memoizes the story containers trailingBoxes and
// storyLists ask for (stories); nil computes them.
func emitSkipping(n *html.Node, extra map[*html.Node]bool, bc blockContext, ss *stories) []string {
	skip := joinNodes(trailingBoxes(n, extra, ss), fieldNameLists(n))
	for k := range extra {
		if skip == nil {
			skip = make(map[*html.Node]bool)
		}
		skip[k] = true
	}
	e := &emitter{skip: skip, postLines: bc.postLines, lists: proseLists(n, storyLists(n, bc.host, ss)), owner: n, downloads: bc.downloads, root: n}
	if bc.cards {
		e.cards = contentCards(n)
	}
	e.walk(n, false)
	e.flush()
	return e.out
}

func (e *emitter) walk(n *html.Node, inLink bool) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch c.Type {
		case html.TextNode:
			if e.pre > 0 && strings.Contains(c.Data, "\n") {
				// preformatted text: one paragraph per line
				for i, line := range strings.Split(c.Data, "\n") {
					if i > 0 {
						e.flush()
					}
					e.text(line, inLink)
				}
				continue
			}
			e.text(c.Data, inLink)
		case html.ElementNode:
			if e.cards[c] {
				e.flush()
				outer, items := e.cardLines, e.cardItems
				e.cardLines, e.cardItems = make(map[string]bool), e.item
				if isItem(c) {
					e.cardItems++
				}
				e.element(c, inLink)
				e.flush()
				e.cardLines, e.cardItems = outer, items
				continue
			}
			e.element(c, inLink)
		}
	}
}

// depthsOpenedBy returns the emitter's depth counters that element c
// opens (a list of links, a list item or cell, a <pre>, a data table, a
// cell of one, a heading) in an array, to spare the walk an allocation
// per element, and how many there are.
func (e *emitter) depthsOpenedBy(c *html.Node) (depths [6]*int, n int) {
	for _, d := range [...]struct {
		opens bool
		depth *int
	}{
		{e.lists[c], &e.list},
		{isItem(c), &e.item},
		{c.DataAtom == atom.Pre, &e.pre},
		{c.DataAtom == atom.Table && dataTable(c), &e.data},
		{(c.DataAtom == atom.Td || c.DataAtom == atom.Th) && e.data > 0, &e.cell},
		{isHeading(c) || c.DataAtom == atom.Header, &e.head},
	} {
		if d.opens {
			depths[n] = d.depth
			n++
		}
	}
	return depths, n
}

// element walks c, an element child of the element walked.
func (e *emitter) element(c *html.Node, inLink bool) {
	if dropTags[c.DataAtom] && c.DataAtom != atom.Nav && c.DataAtom != atom.Aside && c.DataAtom != atom.Footer && c.DataAtom != atom.Menu && !textFigure(c) && !(disclosureToggle(c) && !toggleLabelShown(c)) && !headingToggle(c) {
		return
	}
	if e.story >= threadMinStory && isThread(c) {
		return // comments under the story
	}
	if e.skip[c] || c.DataAtom == atom.Rt || c.DataAtom == atom.Rp || mathAnnotation(c) {
		// <rt> is a ruby annotation (the reading of the word
		// above which it is shown), <rp> its parentheses for
		// browsers without ruby: neither is the running text.
		return
	}
	if e.postLines[c] {
		e.flush()
		e.out = append(e.out, postMark+textOf(c))
		return
	}
	block := blockTags[c.DataAtom] || displayFormula(c)
	owner := e.owner
	if block {
		e.flush()
		e.owner = c
	}
	e.noteHeadingLink(c)
	e.noteDocumentLink(c) // doclinks.go
	if isHeading(c) {
		e.heading = c // for childpages.go
	} else if c.DataAtom == atom.Header {
		e.heading = nil // a box's title, not a heading of a list entry
	}
	// The depths c opens are one deeper while its content is walked.
	depths, n := e.depthsOpenedBy(c)
	for _, d := range depths[:n] {
		*d++
	}
	e.walk(c, inLink || c.DataAtom == atom.A && !ownAnchor(c)) // ownanchor.go
	for _, d := range depths[:n] {
		*d--
	}
	if block {
		e.flush()
		e.owner = owner
	} else if !inlineTags[c.DataAtom] || fieldBreak(c) {
		// unknown inline elements (custom tags) separate words,
		// and so do the fields of a card
		e.buf.WriteByte(' ')
	}
}

// fieldBreak reports whether c, an inline element, and the inline element
// right after it are two fields of a card set side by side, a title and a
// price, a label and its value, which a style sheet lays out apart: their
// parent holds no text of its own (running text writes its words between
// its inline elements), each holds two letters or digits or more (not a
// word set one letter per element), and one ends in a letter or digit
// where the other starts with one or with a currency sign. Wide CJK
// characters are never set apart: those scripts write no spaces.
func fieldBreak(c *html.Node) bool {
	next := c.NextSibling
	if next == nil || next.Type != html.ElementNode || !inlineTags[next.DataAtom] || c.Parent == nil {
		return false
	}
	for k := c.Parent.FirstChild; k != nil; k = k.NextSibling {
		if k.Type == html.TextNode && strings.TrimSpace(k.Data) != "" {
			return false
		}
	}
	a, b := []rune(textOf(c)), []rune(textOf(next))
	if len(a) == 0 || len(b) == 0 || wordRunes(a) < 2 || wordRunes(b) < 2 {
		return false
	}
	last, first := a[len(a)-1], b[0]
	if !(unicode.IsLetter(last) || unicode.IsDigit(last)) || isWideCJK(last) || isWideCJK(first) {
		return false
	}
	return unicode.IsLetter(first) || unicode.IsDigit(first) || unicode.Is(unicode.Sc, first)
}

// wordRunes counts the letters and digits of rs, stopping at two.
func wordRunes(rs []rune) int {
	k := 0
	for _, r := range rs {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if k++; k == 2 {
				break
			}
		}
	}
	return k
}

// contentCards returns the cards of n's runs of regionMinCards sibling
// cards or more (cardRuns) when they hold half of n's text or more: the
// items of a catalogue or a topic page read as its block, whose linked
// names are its content, not a menu. Fewer, they are teasers beside a
// story, and nil is returned.
func contentCards(n *html.Node) map[*html.Node]bool {
	st := measure(n)
	_, cards := cardRuns(n, st, regionMinCards)
	if len(cards) == 0 || st[n] == nil {
		return nil
	}
	text := 0
	for _, c := range cards {
		if s := st[c]; s != nil {
			text += s.text
		}
	}
	if text*2 < st[n].text {
		return nil
	}
	m := make(map[*html.Node]bool, len(cards))
	for _, c := range cards {
		m[c] = true
	}
	return m
}

// cardRepeat reports whether s repeats a line of the card it is in.
func (e *emitter) cardRepeat(s string) bool {
	if e.cardLines == nil || e.inCardItem {
		return false
	}
	k := strings.Join(strings.Fields(strings.ToLower(s)), " ")
	if e.cardLines[k] {
		return true
	}
	e.cardLines[k] = true
	return false
}

// dataTable reports whether n, a <table>, holds data rather than a page's
// layout or a grid of links: it neither holds nor sits in another table,
// and under half its text is link text. Its cells keep their links (team
// names in standings, titles in a list of releases).
func dataTable(n *html.Node) bool {
	for a := n.Parent; a != nil; a = a.Parent {
		if a.DataAtom == atom.Table {
			return false
		}
	}
	if len(findAll(n, false, func(x *html.Node) bool { return x.DataAtom == atom.Table })) > 0 {
		return false
	}
	link, total := linkText(n, false)
	return link*2 < total
}

// linkText counts the non-space runes of n's text inside links and in all.
func linkText(n *html.Node, inLink bool) (link, total int) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch c.Type {
		case html.TextNode:
			k, _ := countText(c.Data)
			total += k
			if inLink {
				link += k
			}
		case html.ElementNode:
			l, t := linkText(c, inLink || c.DataAtom == atom.A)
			link, total = link+l, total+t
		}
	}
	return link, total
}

// isURLLine reports whether s is one web address and nothing else.
func isURLLine(s string) bool {
	s = strings.TrimSpace(s)
	if strings.ContainsAny(s, " \t\n") {
		return false
	}
	return strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "www.")
}

func isItem(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Li, atom.Td, atom.Th, atom.Dd, atom.Dt:
		return true
	}
	return false
}

// inlineTags are the inline elements of HTML, current and obsolete: they
// never separate words, so "中文<font>Go</font>中文", "super<wbr>long" and
// ruby annotations keep their spacing exactly as the page has it.
var inlineTags = map[atom.Atom]bool{
	atom.Span: true, atom.A: true, atom.B: true, atom.I: true, atom.Em: true, atom.Strong: true, atom.U: true,
	atom.S: true, atom.Sub: true, atom.Sup: true, atom.Small: true, atom.Mark: true, atom.Abbr: true,
	atom.Cite: true, atom.Q: true, atom.Code: true, atom.Time: true, atom.Font: true, atom.Big: true,
	atom.Tt: true, atom.Strike: true, atom.Acronym: true, atom.Nobr: true, atom.Wbr: true, atom.Ins: true,
	atom.Del: true, atom.Bdi: true, atom.Bdo: true, atom.Dfn: true, atom.Kbd: true, atom.Samp: true,
	atom.Var: true, atom.Data: true, atom.Ruby: true, atom.Rb: true, atom.Rt: true, atom.Rp: true,
	atom.Rtc: true, atom.Output: true, atom.Blink: true, atom.Marquee: true,
}

func (e *emitter) text(s string, inLink bool) {
	s = stripMarks(s)
	if e.pre > 0 {
		e.inPre = true
	}
	if e.head > 0 {
		e.inHead = true
	}
	if e.item > 0 {
		e.inItem = true
	}
	if e.cell > 0 {
		e.inCell = true
	}
	if e.list > 0 {
		e.inList = true
	}
	if e.item > e.cardItems {
		e.inCardItem = true
	}
	e.buf.WriteString(s)
	k, _ := countText(s)
	e.total += k
	if inLink {
		e.link += k
	}
}

func (e *emitter) flush() {
	if e.total > 0 {
		s := e.buf.String()
		pendingHead, teaserHead := e.linkedHead, e.teaserHead
		e.linkedHead, e.teaserHead = "", false
		switch {
		case e.cardRepeat(s):
			// the card's name again, under its picture and in its link
		case e.inPre:
			e.out = append(e.out, preMark+s)
		case e.inHead && (!(e.link*10 > e.total*7) || (e.inList && !e.inItem) || e.cardLines != nil):
			// A heading that is mostly link text is a teaser's, unless
			// the story writes it among its paragraphs (storyLists).
			e.out = append(e.out, headMark+s)
		case e.link*10 > e.total*7 && len(strings.Fields(s)) < 40 && !isURLLine(s) && !e.keepLinks && !e.inCell && !e.inList && !e.inDoc && e.cardLines == nil:
			if e.inHead {
				e.holdLinkedHeading(s) // childpages.go
			}
			// A paragraph that is mostly link text is a menu or a link list;
			// a URL written out as a line is the story citing its source.
		case e.inItem:
			if teaserHead && pendingHead != "" {
				// a teaser's title before its list item (teaserblock.go)
				e.out = append(e.out, headMark+pendingHead)
			}
			e.out = append(e.out, itemMark+s)
		default:
			if h := linkedHeadingFor(pendingHead, s, teaserHead); h != "" {
				e.out = append(e.out, headMark+h)
			}
			if e.ownRepeat(s) {
				s = ownMark + s
			}
			e.out = append(e.out, s)
			if e.story < threadMinStory {
				if w := wordCount(s); w >= 12 {
					e.story += w
				}
			}
		}
	}
	e.buf.Reset()
	e.link, e.total, e.inPre, e.inHead, e.inItem, e.inCell, e.inList = 0, 0, false, false, false, false, false
	e.inDoc = false
	e.inCardItem = false
	e.headAnchor = false
}
