package extract

import (
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// stat holds text measures of one element and its descendants.
type stat struct {
	text   int // non-space runes of text
	link   int // non-space runes of text inside <a>
	commas int
	prose  int  // text of paragraph-like descendants (see isProse)
	own    int  // text of direct text children, as in <br>-separated text
	block  bool // has a block-level child element
	// words counts the words of the text as wordsIn does, a word running
	// across elements counted once.
	words wordRun
}

// wordRun is the word count of a stretch of text with what its ends
// are, so that the counts of consecutive stretches add up (join): a word
// split across two elements ("harb<b>our</b>") is one word.
type wordRun struct {
	words int
	// chars: the stretch holds any character, space or not; without
	// one it leaves a word on either side whole. startsWord and endsWord:
	// its first and last characters are not space.
	chars, startsWord, endsWord bool
}

// join returns the run of r followed by next.
func (r wordRun) join(next wordRun) wordRun {
	switch {
	case !next.chars:
		return r
	case !r.chars:
		return next
	}
	words := r.words + next.words
	if r.endsWord && next.startsWord {
		words-- // one word across the boundary
	}
	return wordRun{words: words, chars: true, startsWord: r.startsWord, endsWord: next.endsWord}
}

// good is the text that is not link text.
func (s *stat) good() int { return s.text - s.link }

func (s *stat) linkDensity() float64 {
	if s.text == 0 {
		return 0
	}
	return float64(s.link) / float64(s.text)
}

// measure computes stats for every element under root.
func measure(root *html.Node) map[*html.Node]*stat {
	m := make(map[*html.Node]*stat, 1024)
	// Stats are carved from slabs, one allocation for many elements; the
	// slabs double from 16 stats to statSlab, so that the measure of a
	// small element allocates little.
	var slab []stat
	size := 16
	var walk func(n *html.Node, inLink bool) *stat
	walk = func(n *html.Node, inLink bool) *stat {
		if len(slab) == 0 {
			slab = make([]stat, size)
			size = min(2*size, statSlab)
		}
		s := &slab[0]
		slab = slab[1:]
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch c.Type {
			case html.TextNode:
				k, cm, w := scanText(c.Data)
				s.words = s.words.join(w)
				s.own += k
				s.text += k
				s.commas += cm
				if inLink {
					s.link += k
				}
			case html.ElementNode:
				cs := walk(c, inLink || c.DataAtom == atom.A)
				s.words = s.words.join(cs.words)
				s.text += cs.text
				s.link += cs.link
				s.commas += cs.commas
				s.prose += cs.prose
				if blockTags[c.DataAtom] {
					s.block = true
				}
			}
		}
		if isProse(n, s) {
			s.prose = s.text
		} else if s.own >= 100 && s.own*10 >= s.text*4 && n.DataAtom != atom.Body {
			s.prose += s.own // loose text between <br>s and headings
		}
		m[n] = s
		return s
	}
	walk(root, false)
	return m
}

// statSlab is the most stats measure allocates at once.
const statSlab = 256

// isProse reports whether n reads as one paragraph of the story: a
// paragraph-like element, or one without block children, holding at least
// a short sentence of text that is mostly not links.
func isProse(n *html.Node, s *stat) bool {
	if n.Type != html.ElementNode || s.text < 40 || s.link*2 >= s.text {
		return false
	}
	switch n.DataAtom {
	case atom.P, atom.Li, atom.Dd, atom.Blockquote, atom.Pre, atom.Td:
		return true
	case atom.A, atom.Body, atom.Html:
		return false
	}
	return !s.block
}

func countText(s string) (runes, commas int) {
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if b == ',' {
				commas++
			}
			if !asciiSpace[b] {
				runes++
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '，' || r == '、' || r == '،':
			commas++
			runes++
		case !unicode.IsSpace(r):
			runes++
		}
		i += size
	}
	return runes, commas
}

// scanText is countText that also counts the words of s, as a wordRun,
// for measure; countText, which many callers ask of a paragraph's text,
// stays the lighter loop.
func scanText(s string) (runes, commas int, w wordRun) {
	inWord := false
	for i := 0; i < len(s); {
		var space bool
		if b := s[i]; b < utf8.RuneSelf {
			if b == ',' {
				commas++
			}
			space = asciiSpace[b]
			i++
		} else {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == '，' || r == '、' || r == '،' {
				commas++
			}
			space = unicode.IsSpace(r)
			i += size
		}
		if !space {
			runes++
			if !inWord {
				w.words++
			}
		}
		inWord = !space
	}
	if s != "" {
		w.chars = true
		w.startsWord = !spaceAtStart(s)
		w.endsWord = inWord
	}
	return runes, commas, w
}

// spaceAtStart reports whether s opens with a space.
func spaceAtStart(s string) bool {
	space, _ := spaceAt(s, 0)
	return space
}

// asciiSpace marks the ASCII bytes unicode.IsSpace reports as space.
var asciiSpace = [utf8.RuneSelf]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

// spaceAt reports whether the rune at s[i] is space (unicode.IsSpace; an
// invalid byte is not) and its length in bytes. The text walks that
// count words and runes call it for every byte of a page's text, most of
// it ASCII.
func spaceAt(s string, i int) (space bool, size int) {
	if b := s[i]; b < utf8.RuneSelf {
		return asciiSpace[b], 1
	}
	r, size := utf8.DecodeRuneInString(s[i:])
	return unicode.IsSpace(r), size
}

// blockTags start and end a paragraph when the text is emitted.
var blockTags = map[atom.Atom]bool{
	atom.Address: true, atom.Article: true, atom.Aside: true, atom.Blockquote: true, atom.Dd: true,
	atom.Details: true, atom.Dialog: true, atom.Div: true, atom.Dl: true, atom.Dt: true, atom.Fieldset: true,
	atom.Figcaption: true, atom.Figure: true, atom.Footer: true, atom.Form: true, atom.H1: true, atom.H2: true,
	atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true, atom.Header: true, atom.Hgroup: true,
	atom.Hr: true, atom.Li: true, atom.Main: true, atom.Nav: true, atom.Ol: true, atom.P: true, atom.Pre: true,
	atom.Section: true, atom.Summary: true, atom.Table: true, atom.Tbody: true, atom.Thead: true,
	atom.Tfoot: true, atom.Tr: true, atom.Td: true, atom.Th: true, atom.Ul: true, atom.Caption: true,
	atom.Center: true, atom.Menu: true, atom.Body: true, atom.Html: true, atom.Br: true, atom.Legend: true,
	atom.Option: true,
}

// dropTags never hold story text.
var dropTags = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true, atom.Iframe: true,
	atom.Svg: true, atom.Canvas: true, atom.Object: true, atom.Embed: true, atom.Video: true,
	atom.Audio: true, atom.Picture: true, atom.Img: true, atom.Figure: true, atom.Figcaption: true,
	atom.Button: true, atom.Input: true, atom.Select: true, atom.Textarea: true, atom.Option: true,
	atom.Link: true, atom.Meta: true, atom.Dialog: true, atom.Map: true, atom.Source: true, atom.Track: true,
	atom.Head: true, atom.Title: true, atom.Label: true, atom.Nav: true, atom.Aside: true, atom.Menu: true,
	atom.Footer: true,
}

// strongJunk are class/id tokens of elements that never hold the story.
var strongJunk = makeSet("nav", "navbar", "navigation", "menu", "menubar", "submenu", "megamenu", "breadcrumb",
	"breadcrumbs", "crumbs", "share", "shares", "sharing", "sharebar", "social", "socials", "comment", "comments",
	"commentlist", "commentform", "respond", "disqus", "related", "relatedposts", "recommended",
	"recommendations", "recirc", "sidebar", "footer", "cookie", "cookies", "consent", "gdpr", "newsletter",
	"subscribe", "subscription", "paywall", "advert", "advertisement", "advertising", "ad", "ads", "adsense",
	"adslot", "adunit", "dfp", "promo", "promoted", "sponsor", "sponsored", "outbrain", "taboola", "caption",
	"bio", "byline", "meta", "tags", "tag", "taglist", "tagcloud", "popup", "modal", "overlay", "banner",
	"masthead", "toolbar", "pagination", "pager", "skip", "trending",
	"popular", "signup", "login", "search", "author", "rating", "reactions", "sharedaddy", "addtoany", "a2a",
	"wpcnt", "nocontent", "dropdown", "offcanvas", "credit", "credits", "print", "noprint", "jump", "toc",
	"breaking", "ticker", "alert", "teaser", "teasers", "more", "readmore", "next", "prev", "previous",
	"postnav", "subnav", "topbar", "bottombar", "colophon", "copyright", "legal", "disclaimer", "visually",
	"sr", "screen", "reader", "follow", "rss", "feedback", "survey", "poll", "donate", "donation", "sticky")

// junkSubstrings mark junk even inside a longer class name.
var junkSubstrings = []string{"breadcrumb", "newsletter", "cookie", "advert", "sidebar", "social", "sharedaddy",
	"sharing", "outbrain", "taboola", "disqus", "sponsor", "subscribe", "commentlist", "comment-", "-comment",
	"related-", "-related", "relatedposts"}

// positive tokens mark the story container; they rescue weak matches.
var positive = makeSet("article", "entry", "post", "story", "content", "body", "main", "text", "blog", "page",
	"prose", "articlebody", "richtext")

// weakJunk tokens are ignored when a positive token is also present.
var weakJunk = makeSet("more", "next", "prev", "previous", "tag", "caption",
	"print", "jump", "screen", "reader", "sticky", "alert", "breaking", "credit", "search", "author", "teaser",
	"legal", "popular", "visually", "sr", "overlay", "toc", "banner", "dropdown", "rating")

// sizedJunk tokens name small widgets (skip links, tables of contents);
// they also appear in the anchor ids of story sections, so an element
// holding much text that is not links is kept despite them.
var sizedJunk = makeSet("skip", "toc", "jump")

// proseJunk tokens name widgets made of links or short labels (menus,
// teaser lists, screen-reader text, tag lists); an element holding
// paragraphs of text with very few links is kept despite them.
var proseJunk = makeSet("nav", "navigation", "menu", "related", "more", "readmore", "screen", "reader", "sr",
	"visually", "meta", "tags", "tag", "print", "noprint", "sticky", "alert", "dropdown", "caption", "banner",
	"overlay", "popular", "trending", "breaking", "ticker", "next", "prev", "previous", "rating", "search",
	"teaser", "teasers", "credit", "credits", "pagination", "pager", "toolbar", "subnav", "postnav")

var junkRoles = makeSet("navigation", "menu", "menubar", "complementary", "contentinfo", "banner", "search",
	"dialog", "alertdialog", "toolbar", "tablist", "note", "marquee")

func getAttr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

// tokens splits class and id values into lower-case words, breaking on
// punctuation and camelCase. A word without upper-case letters is a
// slice of v, not a copy: the function runs for every class of the page.
func tokens(v string) []string {
	var out []string
	start, upper := -1, false // the current word's offset in v (-1: none) and whether it holds an upper-case letter
	var prev rune
	for i, r := range v {
		switch {
		case unicode.IsUpper(r):
			if unicode.IsLower(prev) && start >= 0 {
				out = append(out, lowerWord(v[start:i], upper))
				start = -1
			}
			if start < 0 {
				start = i
			}
			upper = true
		case unicode.IsLetter(r):
			if start < 0 {
				start, upper = i, false
			}
		default:
			// digits are dropped: "ad-300x250" has the token "ad"
			if start >= 0 {
				out = append(out, lowerWord(v[start:i], upper))
				start = -1
			}
		}
		prev = r
	}
	if start >= 0 {
		out = append(out, lowerWord(v[start:], upper))
	}
	return out
}

// lowerWord returns w, a run of letters, with its upper-case letters
// lower-cased (other letters, title-case ones too, are kept as they are);
// upper says whether w holds any, so that a lower-case w is returned
// without a copy.
func lowerWord(w string, upper bool) string {
	if !upper {
		return w
	}
	var b strings.Builder
	b.Grow(len(w))
	for _, r := range w {
		if unicode.IsUpper(r) {
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// classTokens is tokens over the words of a class or id value. In words
// generated by CSS-in-JS and CSS-module tools ("Tags_Block__cri4K",
// "tagStyle_z4kqwb-o_O-style_1tcxgp3") the hash parts are skipped, and so
// are the ambiguous weakJunk names such as "tag": a component's local name
// says less than a hand-written class. Of a utility class word only the
// utility is read (utilityName).
func classTokens(v string) []string {
	var out []string
	for rest := v; rest != ""; {
		var w string
		w, rest = nextField(rest)
		if w = utilityName(w); w == "" {
			continue
		}
		if !hashWord(w) {
			out = append(out, tokens(w)...)
			continue
		}
		for parts := w; parts != ""; {
			var p string
			p, parts = cutPart(parts)
			if hashPart(p) || hexGroup(p) {
				continue
			}
			for _, t := range tokens(p) {
				if !in(weakJunk, t) {
					out = append(out, t)
				}
			}
		}
	}
	return out
}

// nextField returns the first word of s as strings.Fields splits it and
// the text after it; the word is "" when s holds only space.
func nextField(s string) (field, rest string) {
	start := -1
	for i := 0; i < len(s); {
		space, size := spaceAt(s, i)
		switch {
		case !space && start < 0:
			start = i
		case space && start >= 0:
			return s[start:i], s[i+size:]
		}
		i += size
	}
	if start < 0 {
		return "", ""
	}
	return s[start:], ""
}

// cutPart returns the part of a class word before its first '_' or '-'
// and the text after that separator (classTokens' parts; an empty part
// holds no token and no hash).
func cutPart(w string) (part, rest string) {
	if i := strings.IndexAny(w, "_-"); i >= 0 {
		return w[:i], w[i+1:]
	}
	return w, ""
}

// hashWord reports whether a part of the class word w is a hash
// (hashPart).
func hashWord(w string) bool {
	for rest := w; rest != ""; {
		var p string
		p, rest = cutPart(rest)
		if hashPart(p) {
			return true
		}
	}
	return false
}

// hashPart reports whether a part of a class word is a hash: five or
// more characters mixing letters and digits, other than a size such as
// "300x250".
func hashPart(part string) bool {
	if len(part) < 5 {
		return false
	}
	letters, digits, xs := 0, 0, 0
	for _, r := range part {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == 'x':
			xs++
			letters++
		case unicode.IsLetter(r):
			letters++
		}
	}
	return digits > 0 && letters > 0 && !(letters == 1 && xs == 1)
}

// attrJunk reports whether an element's class, id, role, aria-label or
// itemprop names boilerplate, or whether it is hidden. s is the element's
// measure (nil when unknown): tokens in sizedJunk and proseJunk, and
// hiding a folded panel, do not count against an element holding much
// text with few links, nor, when heroes is set, against a page's hero
// (titleBanner).
func attrJunk(n *html.Node, s *stat, discussion, heroes bool) bool {
	if role := strings.ToLower(getAttr(n, "role")); role != "" && in(junkRoles, role) {
		return true
	}
	if hasAttr(n, "hidden") || strings.EqualFold(getAttr(n, "aria-hidden"), "true") {
		return !collapsedProse(n, s)
	}
	if st := strings.ToLower(strings.ReplaceAll(getAttr(n, "style"), " ", "")); st != "" &&
		(strings.Contains(st, "display:none") || strings.Contains(st, "visibility:hidden")) {
		return !collapsedProse(n, s)
	}
	if hiddenClass(getAttr(n, "class")) {
		return !collapsedProse(n, s)
	}
	if ip := strings.ToLower(getAttr(n, "itemprop")); !discussion && (ip == "comment" || ip == "comments") {
		return true
	}
	id := getAttr(n, "id")
	if headingAnchor(n, id) {
		id = "" // the slug of the section's own heading, not a widget's name
	}
	// The class and the id are read apart, as the words of one value
	// "class id" would be, without building it for every element.
	class := getAttr(n, "class")
	if strings.TrimSpace(class) == "" && strings.TrimSpace(id) == "" && getAttr(n, "aria-label") == "" {
		return false
	}
	lcClass, lcID := strings.ToLower(class), strings.ToLower(id)
	toks := append(classTokens(class), classTokens(id)...)
	pos := false
	for _, t := range toks {
		if in(positive, t) {
			pos = true
			break
		}
	}
	long := s != nil && s.good() >= 300 && s.linkDensity() < 0.3
	prose := s != nil && s.good() >= 400 && s.linkDensity() < 0.15 && s.prose*10 >= s.text*6 || namedPanel(n, s)
	features, featuresRead := false, false // holdsFeatureCards, read once when a name needs it
	for _, t := range toks {
		if in(strongJunk, t) && !(pos && in(weakJunk, t)) && !(long && in(sizedJunk, t)) &&
			!(prose && in(proseJunk, t)) && !(discussion && in(commentWords, t)) {
			if in(proseJunk, t) {
				if !featuresRead {
					features, featuresRead = holdsFeatureCards(n), true // featurecards.go
				}
				if features || heroes && titleBanner(n, s) { // titlebanner.go
					continue
				}
			}
			return true
		}
	}
	if !pos && siteHeader(toks, id) {
		return true
	}
	for _, s := range junkSubstrings {
		if (strings.Contains(lcClass, s) || strings.Contains(lcID, s)) && !(discussion && strings.Contains(s, "comment")) {
			return true
		}
	}
	if al := getAttr(n, "aria-label"); al != "" {
		for _, t := range tokens(al) {
			switch t {
			case "breadcrumb", "breadcrumbs", "share", "social", "related", "comments", "navigation", "menu",
				"advertisement", "footer", "sidebar", "newsletter", "cookie", "cookies":
				return true
			}
		}
	}
	return false
}

// headingAnchor reports whether id, the id of n, is the anchor that
// documentation and blog generators make from the heading opening n: the
// words of the heading's text, lower-cased and joined by hyphens or
// underscores ("sharing-with-a-single-developer" for "Sharing with a
// single developer"), with a number added to tell repeats apart or a
// short prefix before them (withoutAnchorPrefix). Such an
// id is the writer's heading, not the name of a widget, whatever words
// it holds. A one-word id is never taken for one ("comments").
func headingAnchor(n *html.Node, id string) bool {
	if len(id) < 8 || !strings.ContainsAny(id, "-_") {
		return false
	}
	h := n
	for depth := 0; depth < 3 && h != nil && !isHeading(h); depth++ {
		h = firstElementChild(h)
	}
	if h == nil || !isHeading(h) {
		return false
	}
	got := slugWords(textOf(h))
	want := withoutAnchorPrefix(slugWords(id), got) // anchorprefix.go
	if len(want) < 2 || len(got) < len(want)-1 {
		return false
	}
	if len(want) == len(got)+1 {
		// a number told apart a repeated heading: "setting-up-1"
		last := want[len(want)-1]
		if strings.Trim(last, "0123456789") != "" {
			return false
		}
		want = want[:len(want)-1]
	}
	return slices.Equal(want, got)
}

// firstElementChild returns n's first child element when no text other
// than white space comes before it, or nil.
func firstElementChild(n *html.Node) *html.Node {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch c.Type {
		case html.ElementNode:
			return c
		case html.TextNode:
			if strings.TrimSpace(c.Data) != "" {
				return nil
			}
		}
	}
	return nil
}

// slugWords returns the lower-case runs of letters and digits of s.
func slugWords(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// prune removes boilerplate elements under body, except protected ones.
// st holds the measures taken before pruning. With mode.byName false, class,
// id, role and aria-label names are not read: only tags that never hold
// the story and hidden elements go.
func prune(body *html.Node, protected map[*html.Node]bool, st map[*html.Node]*stat, mode pruneMode) {
	bs := st[body]
	for _, f := range findAll(body, true, func(x *html.Node) bool { return x.DataAtom == atom.Form }) {
		if mode.formHolders == nil {
			mode.formHolders = make(map[*html.Node]bool)
		}
		for a := f.Parent; a != nil && !mode.formHolders[a]; a = a.Parent {
			mode.formHolders[a] = true
		}
	}
	var walk func(n *html.Node, inArticle bool, mode pruneMode)
	walk = func(n *html.Node, inArticle bool, mode pruneMode) {
		for c := n.FirstChild; c != nil; {
			next := c.NextSibling
			switch c.Type {
			case html.CommentNode, html.DoctypeNode:
				n.RemoveChild(c)
			case html.ElementNode:
				if !protected[c] && (junkElement(c, inArticle, st[c], mode) && !holdsStory(c, st[c], bs) && !headlineTeaser(c, st[c]) ||
					foldedNameList(c, st[c], bs)) {
					n.RemoveChild(c)
				} else {
					walk(c, inArticle || c.DataAtom == atom.Article || c.DataAtom == atom.Main || sectionHeaderScope(c) ||
						getAttr(c, "itemprop") == "articleBody", codeMode(c, mode))
				}
			}
			c = next
		}
	}
	walk(body, false, mode)
}

// codeMode is the prune mode for the children of n: inside <pre> and
// <code>, class names are a syntax highlighter's token kinds ("comment",
// "meta", "tag"), never boilerplate, so only hiding and tags remove
// anything there.
func codeMode(n *html.Node, mode pruneMode) pruneMode {
	if n.DataAtom == atom.Pre || n.DataAtom == atom.Code {
		mode.byName = false
	}
	return mode
}

// holdsStory reports whether n, marked as boilerplate by its tag or
// names, holds most of the page's paragraph text with few links: a
// broken tag can nest the rest of a story in an ad slot or a header, and
// some sites wrap the whole page in a form or a "sidebar" layout. Such an
// element is kept, and its children are judged one by one. Hidden
// elements and tags that never hold the story (script, nav, …) are not
// rescued.
func holdsStory(n *html.Node, s, body *stat) bool {
	if s == nil || body == nil || body.prose == 0 || hidden(n) || modal(n) || consentPanel(n) {
		return false
	}
	if dropTags[n.DataAtom] {
		return false
	}
	return s.prose*2 > body.prose && s.good() >= 500 && s.linkDensity() < 0.3
}

// consentWords name a site's cookie consent banner or privacy
// preference panel.
var consentWords = makeSet("cookie", "cookies", "consent", "gdpr")

// consentNamed reports whether a lower-cased class or id value holds
// one of the words consentPanel looks for, inside a longer name too.
func consentNamed(lower string) bool {
	return strings.Contains(lower, "cookie") || strings.Contains(lower, "consent") || strings.Contains(lower, "gdpr")
}

// consentPanel reports whether n is a cookie consent banner or preference
// panel: named for consent (consentWords) and holding a control to answer
// it (a button, a checkbox). Such a panel is never a page's content, yet
// its long purpose descriptions can outweigh the text of a page made of
// links (a listing, a shop category) once names are no longer read.
func consentPanel(n *html.Node) bool {
	class, id := getAttr(n, "class"), getAttr(n, "id")
	if !consentNamed(strings.ToLower(class)) && !consentNamed(strings.ToLower(id)) {
		return false // the cheap test first: this runs on every element
	}
	names := class + " " + id
	named := false
	for _, t := range classTokens(names) {
		if in(consentWords, strings.ToLower(t)) {
			named = true
			break
		}
	}
	if !named {
		return false
	}
	return findControl(n)
}

// findControl reports whether n holds a button or an input.
func findControl(n *html.Node) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		if c.DataAtom == atom.Button || c.DataAtom == atom.Input || findControl(c) {
			return true
		}
	}
	return false
}

// modal reports whether n is a dialog shown on demand over the page
// (role dialog or alertdialog, or aria-modal): a privacy policy or a
// size guide opened from a link, never the page's story however long.
func modal(n *html.Node) bool {
	role := strings.ToLower(getAttr(n, "role"))
	return role == "dialog" || role == "alertdialog" || strings.EqualFold(getAttr(n, "aria-modal"), "true")
}

// commentWords name comments and replies: boilerplate under a story, the
// content of a discussion page.
var commentWords = makeSet("comment", "comments", "commentlist", "respond")

// hiddenClasses are the class words CSS frameworks use to hide an element
// on every screen, and those of hover cards and tooltips, which show
// another page's text on demand.
var hiddenClasses = makeSet("hide", "is-hidden", "d-none", "display-none",
	"tooltip", "popover", "hovercard", "hover-card")

// hiddenClass reports whether a class value hides its element: a word of
// hiddenClasses, where "d-none" counts only without a word that shows the
// element again from some screen width or state ("d-md-block",
// "sm:block").
func hiddenClass(class string) bool {
	if class == "" {
		return false
	}
	return classHides(class, hiddenClasses)
}

// classHides reports whether a class value holds a word of hiding and
// no word that shows the element again from some screen width or state
// (showsAgain).
func classHides(class string, hiding map[string]struct{}) bool {
	hide, shown := false, false
	for _, w := range strings.Fields(strings.ToLower(class)) {
		switch {
		case in(hiding, w):
			hide = true
		case showsAgain(w):
			shown = true
		}
	}
	return hide && !shown
}

// showsAgain reports whether the class word w shows its element again
// from a screen width or on a state: "d-md-block", or a utility class
// such as "sm:block", "lg:inline-flex", "group-hover:grid".
func showsAgain(w string) bool {
	if strings.HasPrefix(w, "d-") && w != "d-none" {
		return true
	}
	if !strings.Contains(w, ":") {
		return false
	}
	for _, d := range []string{"block", "flex", "grid", "inline", "table", "contents"} {
		if strings.HasSuffix(w, d) {
			return true
		}
	}
	return false
}

// hidden reports whether n is hidden by an attribute or inline style.
func hidden(n *html.Node) bool {
	if hasAttr(n, "hidden") || strings.EqualFold(getAttr(n, "aria-hidden"), "true") {
		return true
	}
	st := strings.ToLower(strings.ReplaceAll(getAttr(n, "style"), " ", ""))
	return st != "" && (strings.Contains(st, "display:none") || strings.Contains(st, "visibility:hidden"))
}

// pruneMode says what prune reads.
type pruneMode struct {
	// byName: class, id, role and aria-label names; without it only tags
	// that never hold the story, hidden elements, cookie consent panels
	// (consentPanel) and, with product, customer reviews go.
	byName bool
	// discussion: the page declares itself a discussion (schema.org
	// DiscussionForumPosting, QAPage), whose replies and answers
	// are the content, so names of comments do not remove them.
	discussion bool
	// product: the page declares a schema.org Product and no article, so
	// elements named for reviews hold customer reviews, not its text.
	product bool
	// heroes: the page declares no article, so an element named for a
	// widget that holds the page's <h1> is its hero (titlebanner.go).
	heroes bool
	// formHolders are the elements that hold a <form> (see formPanel),
	// set by prune.
	formHolders map[*html.Node]bool
}

// reviewWords name customer reviews: the product page's comments.
var reviewWords = makeSet("review", "reviews")

// reviewNamed reports whether n's class or id names reviews.
func reviewNamed(n *html.Node) bool {
	names := getAttr(n, "class") + " " + getAttr(n, "id")
	if !containsFoldASCII(names, "review") {
		// Every token of reviewWords holds "review": most elements are
		// answered without splitting their names into tokens.
		return false
	}
	for _, t := range classTokens(names) {
		if in(reviewWords, t) {
			return true
		}
	}
	return false
}

// withinReviews reports whether n or an ancestor is named for reviews.
func withinReviews(n *html.Node) bool {
	for ; n != nil; n = n.Parent {
		if n.Type == html.ElementNode && reviewNamed(n) {
			return true
		}
	}
	return false
}

func junkElement(n *html.Node, inArticle bool, s *stat, mode pruneMode) bool {
	if dropTags[n.DataAtom] {
		return !textFigure(n) && !disclosureToggle(n) && !headingToggle(n) && !storyAside(n, s) // headingtoggle.go, storyaside.go
	}
	switch n.DataAtom {
	case atom.Header:
		if !inArticle {
			return true
		}
	case atom.Form:
		return true
	case atom.Article, atom.Main:
		// judged by attributes only when they clearly say so
		return strings.EqualFold(getAttr(n, "aria-hidden"), "true") || hasAttr(n, "hidden")
	}
	if !mode.byName {
		return hidden(n) && !collapsedProse(n, s) || consentPanel(n) || mode.product && reviewNamed(n)
	}
	if n.DataAtom == 0 && strings.Contains(n.Data, "-") {
		// custom elements: <ad-slot>, <share-bar>
		for _, t := range tokens(n.Data) {
			if in(strongJunk, t) && !in(weakJunk, t) {
				return true
			}
		}
	}
	if mode.product && reviewNamed(n) {
		return true
	}
	if inRunningText(n) {
		// a word or phrase of a sentence: its names style it (a link to
		// a topic page, a glossary popup), they do not make it a widget;
		// hiding still removes it (a hover card, a tooltip)
		return hidden(n) || hiddenClass(getAttr(n, "class"))
	}
	if attrJunk(n, s, mode.discussion, mode.heroes) {
		// a formula's box is kept whatever its names say, unless hidden
		return hidden(n) || hiddenClass(getAttr(n, "class")) || !formulaBox(n)
	}
	return mode.formHolders[n] && formPanel(n, s)
}

// inRunningText reports whether n, an inline element (a, span, em, …),
// sits inside a sentence: the text right after it continues the sentence
// (it begins with a letter or digit, after white space at most, or with
// a comma), and the text right before it holds a word or n opens its
// parent's text. A share button or a "Read more" link closes a line or
// stands alone; a word inside a sentence is the writer's.
func inRunningText(n *html.Node) bool {
	if !inlineTags[n.DataAtom] || n.DataAtom == atom.Span && n.FirstChild == nil {
		return false
	}
	next := n.NextSibling
	if next == nil || next.Type != html.TextNode {
		return false
	}
	after := strings.TrimLeft(next.Data, " \t\r\n")
	r, _ := utf8.DecodeRuneInString(after)
	if !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == ',') {
		return false
	}
	prev := n.PrevSibling
	for prev != nil && prev.Type == html.TextNode && strings.TrimSpace(prev.Data) == "" && prev.PrevSibling == nil {
		prev = nil // only white space opens the parent
	}
	if prev == nil {
		return true
	}
	return prev.Type == html.TextNode && strings.IndexFunc(prev.Data, unicode.IsLetter) >= 0
}

// Limits of formPanel: the form holds at most formPanelMaxForm words, and
// its box at most formPanelMaxPitch words outside it.
const (
	formPanelMaxForm  = 150
	formPanelMaxPitch = 50
	// formPanelMaxRunes is a length no form panel reaches, checked
	// before its words are counted.
	formPanelMaxRunes = 4000
)

// formPanel reports whether n is a box built around a form that asks the
// reader for something (a field to type in: a quote request, a lead or
// contact form, a newsletter sign-up): a <div>, <section> or <aside>
// holding such a form of at most formPanelMaxForm words and, outside
// it, at most formPanelMaxPitch words, the heading and line that pitch
// the form ("get a free quote", "talk to an expert"). The form goes
// anyway (forms are pruned); its pitch is the same panel. A page wrapped
// whole in a form is not such a box: its form is long.
func formPanel(n *html.Node, s *stat) bool {
	switch n.DataAtom {
	case atom.Div, atom.Section, atom.Aside:
	default:
		return false
	}
	if s != nil && s.text > formPanelMaxRunes {
		return false // far longer than a form and its pitch: skip the count
	}
	forms := findAll(n, false, func(x *html.Node) bool { return x.DataAtom == atom.Form })
	if len(forms) == 0 {
		return false
	}
	inForms, asks := 0, false
	for _, f := range forms {
		w := wordsIn(f)
		if w > formPanelMaxForm {
			return false
		}
		inForms += w
		if !asks {
			asks = len(findAll(f, false, asksInput)) > 0
		}
	}
	return asks && wordsIn(n)-inForms <= formPanelMaxPitch
}

// asksInput reports whether n is a field the reader types into: a
// <textarea>, or an <input> for text, an e-mail address or a phone
// number. A text field of a few characters at most (maxlength under
// quantityMaxLen) asks for a quantity, such as a recipe's servings, on
// the content beside it.
func asksInput(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Textarea:
		return true
	case atom.Input:
		switch strings.ToLower(getAttr(n, "type")) {
		case "", "text", "email", "tel":
			ml, err := strconv.Atoi(strings.TrimSpace(getAttr(n, "maxlength")))
			return err != nil || ml >= quantityMaxLen
		}
	}
	return false
}

// quantityMaxLen bounds the maxlength of a text field that asks for a
// quantity rather than words (see asksInput).
const quantityMaxLen = 5

func contains(a, b *html.Node) bool {
	for ; b != nil; b = b.Parent {
		if a == b {
			return true
		}
	}
	return false
}

func protect(set map[*html.Node]bool, n *html.Node) {
	for ; n != nil; n = n.Parent {
		set[n] = true
	}
}

// findAll returns the elements under root for which f is true, in
// document order, without descending into matches when nested is false.
func findAll(root *html.Node, nested bool, f func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			if f(c) {
				out = append(out, c)
				if !nested {
					continue
				}
			}
			walk(c)
		}
	}
	walk(root)
	return out
}

func isArticleBody(n *html.Node) bool {
	return strings.EqualFold(getAttr(n, "itemprop"), "articleBody")
}

func isMain(n *html.Node) bool {
	return n.DataAtom == atom.Main || strings.EqualFold(getAttr(n, "role"), "main")
}

// siteHeader reports whether class/id tokens name the site's header
// ("site-header", id "header") rather than an article's.
func siteHeader(toks []string, id string) bool {
	if strings.EqualFold(id, "header") {
		return true
	}
	hdr, site := false, false
	for _, t := range toks {
		switch t {
		case "header":
			hdr = true
		case "site", "global", "top", "masthead", "navbar", "nav":
			site = true
		}
	}
	return hdr && site
}

// textFigure reports whether n is a figure wrapping a data table (as
// WordPress's table block does) or a block quote (a pull quote, a
// testimonial: HTML's own pattern for a quote with its attribution);
// such a figure is story text, not a picture and its caption. So is a
// figure holding a code listing, and the caption naming the listing
// (codefigure.go).
func textFigure(n *html.Node) bool {
	if n.DataAtom == atom.Figcaption {
		return listingCaption(n)
	}
	return n.DataAtom == atom.Figure && len(findAll(n, false, isTextFigureContent)) > 0
}

func isTextFigureContent(n *html.Node) bool {
	return n.DataAtom == atom.Table || n.DataAtom == atom.Blockquote || codeListing(n)
}

// resolveStreamed puts the content of React's streamed segments where
// the page's script would: each hidden <div id="S:x"> at the end of the
// body goes in place of its placeholder, <template id="P:x">, or
// <template id="B:x"> whose fallback it replaces up to the boundary's
// closing <!--/$--> comment.
func resolveStreamed(root *html.Node) {
	templates := make(map[string]*html.Node)
	var segments []*html.Node
	for _, n := range findAll(root, true, func(n *html.Node) bool {
		id := getAttr(n, "id")
		return len(id) > 2 && id[1] == ':' && (n.DataAtom == atom.Template && (id[0] == 'B' || id[0] == 'P') ||
			n.DataAtom == atom.Div && id[0] == 'S' && hasAttr(n, "hidden"))
	}) {
		if id := getAttr(n, "id"); n.DataAtom == atom.Template && (id[0] == 'P' || templates[id[2:]] == nil) {
			templates[id[2:]] = n
		} else {
			segments = append(segments, n)
		}
	}
	// A page saved with its comments stripped has no boundary to read.
	boundaries := len(segments) == 0 || hasBoundaryEnd(root)
	for _, s := range segments {
		t := templates[getAttr(s, "id")[2:]]
		if t == nil || t.Parent == nil || s.Parent == nil || contains(s, t) {
			continue
		}
		// The fallback runs up to the boundary's closing comment; without
		// one (pages saved with comments stripped) it stays in place.
		var fallback []*html.Node
		closed, depth := false, 0
		for c := t.NextSibling; c != nil && !closed; c = c.NextSibling {
			if c.Type == html.CommentNode {
				switch {
				case c.Data == "/$" && depth == 0:
					closed = true
					continue
				case c.Data == "/$":
					depth--
				case strings.HasPrefix(c.Data, "$"):
					depth++
				}
			}
			if contains(c, s) {
				closed = false
				break
			}
			fallback = append(fallback, c)
		}
		if !closed && !boundaries {
			fallback = strippedFallback(t)
		} else if !closed {
			fallback = nil
		}
		if getAttr(t, "id")[0] == 'P' {
			fallback = nil
		}
		for _, c := range fallback {
			t.Parent.RemoveChild(c)
		}
		s.Parent.RemoveChild(s)
		for c := s.FirstChild; c != nil; {
			next := c.NextSibling
			s.RemoveChild(c)
			t.Parent.InsertBefore(c, t)
			c = next
		}
		t.Parent.RemoveChild(t)
	}
}

// strippedFallback returns the fallback of boundary template t on a page
// whose boundary comments were stripped: the element right after t when
// it holds a placeholder's few words or none ("Loading paragraph...", an
// empty skeleton); anything longer may be the page's own text and stays.
func strippedFallback(t *html.Node) []*html.Node {
	c := t.NextSibling
	for c != nil && c.Type == html.TextNode && strings.TrimSpace(c.Data) == "" {
		c = c.NextSibling
	}
	if c == nil || c.Type != html.ElementNode || len(strings.Fields(textOf(c))) > 4 ||
		len(findAll(c, true, func(n *html.Node) bool { return getAttr(n, "id") != "" && getAttr(n, "id")[0] == 'S' })) > 0 {
		return nil
	}
	return []*html.Node{c}
}

// hasBoundaryEnd reports whether the page under n holds a Suspense
// boundary's closing comment, <!--/$-->.
func hasBoundaryEnd(n *html.Node) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.CommentNode && c.Data == "/$" || c.Type == html.ElementNode && hasBoundaryEnd(c) {
			return true
		}
	}
	return false
}

// collapsedProse reports whether a hidden element is the folded panel of
// an accordion or tab set: a region labelled by its toggle, holding text
// rather than links (textPanel: paragraphs, a feature list or a table),
// or a shorter panel wired to the toggle right before it (toggledPanel).
func collapsedProse(n *html.Node, s *stat) bool {
	if reviewsPanel(n) { // reviewpanel.go
		return false
	}
	if toggledPanel(n, s) {
		return true
	}
	if !textPanel(s) {
		return false
	}
	if panelRole(n) {
		return true
	}
	if hasAttr(n, "aria-labelledby") {
		return true
	}
	for _, t := range tokens(getAttr(n, "class") + " " + getAttr(n, "id")) {
		switch t {
		case "accordion", "collapse", "collapsible", "tabpanel", "faq":
			return true
		}
	}
	return false
}

// inlineBodyTemplates replaces a <script type="text/template"> that sits
// inside the element marked as the article body ([itemprop=articleBody])
// with the HTML it holds. Some blog platforms ship the post that way and
// render it with script; without this the article body is empty. Templates
// elsewhere (widgets, comment forms) are left alone, and only templates
// whose content has no template placeholders ("{{", "<%") are inlined.
func inlineBodyTemplates(root *html.Node) {
	for _, body := range findAll(root, true, isArticleBody) {
		for _, s := range findAll(body, false, func(n *html.Node) bool {
			return n.DataAtom == atom.Script && strings.EqualFold(strings.TrimSpace(getAttr(n, "type")), "text/template")
		}) {
			if s.Parent == nil || s.FirstChild == nil || s.FirstChild.Type != html.TextNode {
				continue
			}
			src := s.FirstChild.Data
			if len(src) > MaxInputSize || strings.Contains(src, "{{") || strings.Contains(src, "<%") {
				continue
			}
			nodes, err := html.ParseFragment(strings.NewReader(src), s.Parent)
			if err != nil {
				continue
			}
			for _, n := range nodes {
				s.Parent.InsertBefore(n, s)
			}
			s.Parent.RemoveChild(s)
		}
	}
}

// otherProducts adds to skip, on a product page, the runs of
// regionMinCards or more sibling cards (cardRuns) in the chosen blocks:
// the grids and carousels of other products ("customers also bought",
// "similar items"), each a name, a price and a link, beside the
// product's own text. Cards holding half a block's text or more are that
// block's content (a shop's category page that declares its items as
// Products) and stay.
func otherProducts(blocks []*html.Node, st map[*html.Node]*stat, skip map[*html.Node]bool) map[*html.Node]bool {
	for _, b := range blocks {
		_, cards := cardRuns(b, st, regionMinCards)
		bs := st[b]
		if len(cards) == 0 || bs == nil {
			continue
		}
		text := 0
		for _, c := range cards {
			text += st[c].text
		}
		if text*2 >= bs.text {
			continue
		}
		if skip == nil {
			skip = make(map[*html.Node]bool)
		}
		for _, c := range cards {
			skip[c] = true
		}
	}
	return skip
}

// containsFoldASCII reports whether s holds word, a lower-case ASCII
// word, in any mix of cases.
func containsFoldASCII(s, word string) bool {
	for i := 0; i+len(word) <= len(s); i++ {
		j := 0
		for j < len(word) && s[i+j]|0x20 == word[j] {
			j++
		}
		if j == len(word) {
			return true
		}
	}
	return false
}
