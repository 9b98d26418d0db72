package dedupeeval

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// The re-wrapped stream (issue 13): the dev stream's originals, copied
// under headers and footers the dev stream does not use. See the package
// documentation.

// Kinds of the re-wrapped stream's documents (Gold.Kind), and the type of
// its hard-negative pairs (Pair.Type).
const (
	// RewrapOriginal is an original of the dev stream, as it is there.
	RewrapOriginal = "original"
	// RewrapWrap is a copy under a site's short header (at most 30
	// words, variable text included) and footer.
	RewrapWrap = "rw_wrap"
	// RewrapLongHead is a copy under a 40-120 word header full of
	// variable text (stacked dates, bylines, credit and agency notes,
	// partner links): the shared body starts that far in.
	RewrapLongHead = "rw_longhead"
	// RewrapTrim is a wrapped copy whose ending is cut (55-85% of the
	// body's words kept, at a sentence end).
	RewrapTrim = "rw_trim"
	// RewrapResplit is a wrapped copy whose body is re-split into
	// paragraphs of one or two sentences, with "read more" partner lines
	// (and image credits) after every one to six of them.
	RewrapResplit = "rw_resplit"
	// RewrapBrief is the opening 45-90 words of an original inside a
	// large template shared by a few other briefs (fewer than the
	// index's MaxDocFreq, so the template is not yet boilerplate).
	RewrapBrief = "rw_brief"
	// RewrapTemplatePair is the hard-negative type of two briefs of
	// different originals in the same template.
	RewrapTemplatePair = "rewrap_template"
)

// RewrapOptions sets up Rewrap.
type RewrapOptions struct {
	// Seed fixes every random choice; the same seed and dev set give the
	// same stream.
	Seed uint64
	// MaxOriginals, when positive, keeps only the first MaxOriginals
	// originals (in the dev stream's order): a small slice for tests.
	MaxOriginals int
}

// DefaultRewrapSeed is the seed of "feedsift eval dedupe --rewrap".
const DefaultRewrapSeed = 13

// Rewrap builds the re-wrapped stream from dev's originals (core-tier
// documents of kind "original"): each original, two copies of it of two
// kinds among RewrapWrap, RewrapLongHead, RewrapTrim and RewrapResplit,
// and for one original in three a RewrapBrief in a template shared with
// one to four briefs of other originals, each pair of which is a
// RewrapTemplatePair hard negative. Every document keeps its original's
// gold cluster, so HalfOf splits the stream as it splits dev. The stream
// is shuffled (a copy may come before its original, as in dev).
//
// All header, footer and template text is made here from the word lists
// below; nothing is taken from dev but the originals' text.
func Rewrap(dev *Set, opts RewrapOptions) *Set {
	r := rand.New(rand.NewPCG(opts.Seed, 0x13))
	out := &Set{Gold: map[string]Gold{}}
	var origs []Doc
	for _, d := range dev.Docs {
		if g := dev.Gold[d.ID]; g.Tier == "core" && g.Kind == "original" {
			origs = append(origs, d)
		}
	}
	if opts.MaxOriginals > 0 && len(origs) > opts.MaxOriginals {
		origs = origs[:opts.MaxOriginals]
	}
	add := func(id, text, kind string, o Doc) {
		out.Docs = append(out.Docs, Doc{ID: id, Text: text})
		g := dev.Gold[o.ID]
		out.Gold[id] = Gold{ID: id, Cluster: g.Cluster, Kind: kind, Tier: "core", Origin: o.ID}
	}
	sites := make([]site, 8)
	for i := range sites {
		sites[i] = newSite(r, i)
	}
	copyKinds := []string{RewrapWrap, RewrapLongHead, RewrapTrim, RewrapResplit}
	var briefs []Doc // originals that get a brief
	for i, o := range origs {
		add(o.ID, o.Text, RewrapOriginal, o)
		ks := r.Perm(len(copyKinds))[:2]
		for j, k := range ks {
			kind := copyKinds[k]
			s := sites[r.IntN(len(sites))]
			add(fmt.Sprintf("rw%04d-%d-%s", i, j, kind[3:]), s.wrap(r, o.Text, kind), kind, o)
		}
		if r.IntN(3) == 0 {
			briefs = append(briefs, o)
		}
	}
	// Briefs go to templates in groups of 2 to 5, each template new.
	for t := 0; len(briefs) > 0; t++ {
		n := min(2+r.IntN(4), len(briefs))
		tpl := newTemplate(r)
		var ids []string
		for _, o := range briefs[:n] {
			id := fmt.Sprintf("rwbrief%04d-%s", t, strings.NewReplacer(":", "-", "/", "-").Replace(o.ID))
			add(id, tpl.wrap(r, abridge(r, o.Text)), RewrapBrief, o)
			ids = append(ids, id)
		}
		for a := range ids {
			for b := a + 1; b < len(ids); b++ {
				if out.Gold[ids[a]].Cluster != out.Gold[ids[b]].Cluster {
					out.HardNeg = append(out.HardNeg, Pair{ids[a], ids[b], RewrapTemplatePair})
				}
			}
		}
		briefs = briefs[n:]
	}
	r.Shuffle(len(out.Docs), func(i, j int) { out.Docs[i], out.Docs[j] = out.Docs[j], out.Docs[i] })
	return out
}

// Word lists for the generated furniture. Names, outlets and places are
// invented for this generator.
var (
	rwFirst = []string{"Marta", "Olu", "Kenji", "Priya", "Tomasz", "Ines", "Dara", "Felix", "Noor", "Bram",
		"Yusuf", "Leila", "Anneke", "Rafael", "Signe", "Kwame", "Lucia", "Henrik", "Amara", "Jonah"}
	rwLast = []string{"Okafor", "Lindqvist", "Moreau", "Haddad", "Castellano", "Nakamura", "Brennan",
		"Achterberg", "Szabo", "Mensah", "Duarte", "Whitlock", "Ferreira", "Kowal", "Ostrander", "Vance"}
	rwOutlets = []string{"The Harbour Ledger", "Northfield Evening Post", "Valley Courier Online",
		"Meridian Dispatch", "Coastline Daily Record", "Prairie Signal", "Riverside Bulletin", "Summit Observer",
		"Granite State Herald", "Lakeshore Gazette", "Eastgate Chronicle", "The Morning Lantern"}
	rwAgencies = []string{"Continental Press Service", "Allied Newsroom Network", "Trans-Pacific Wire",
		"Independent Media Exchange", "Global Desk Syndicate"}
	rwTowns = []string{"Port Elwin", "Brackenridge", "Altona", "Cape Marrow", "Westhaven", "Lindenfeld",
		"Oakmere", "Sundale", "Fennick Bay", "Ravensholt"}
	rwMonths = []string{"January", "February", "March", "April", "May", "June", "July", "August",
		"September", "October", "November", "December"}
	rwDays     = []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
	rwSections = []string{"Politics", "Business", "Science", "Culture", "Sport", "Technology", "World",
		"Health", "Regional", "Opinion", "Markets", "Education"}
	rwLicences = []string{"a Creative Commons Attribution 4.0 licence", "a content-sharing agreement",
		"a syndication partnership", "an open republishing licence", "the terms of its partner programme"}
	rwRoles = []string{"Senior Correspondent", "Staff Writer", "Regional Editor", "Data Reporter",
		"Contributing Writer", "Night Editor", "Political Reporter"}
	// Partner headlines are built from these parts.
	rwSubjects = []string{"council", "school board", "harbour authority", "rail operator", "hospital trust",
		"farmers' union", "local brewery", "museum", "water company", "county court"}
	rwVerbs   = []string{"weighs", "delays", "unveils", "rejects", "backs", "reviews", "doubles", "scraps"}
	rwObjects = []string{"plan for a new bridge", "budget for next year", "parking charges", "summer festival",
		"solar farm proposal", "bus timetable", "library opening hours", "flood defences", "housing scheme"}
)

func pick(r *rand.Rand, xs []string) string { return xs[r.IntN(len(xs))] }

func rwName(r *rand.Rand) string { return pick(r, rwFirst) + " " + pick(r, rwLast) }

func rwDate(r *rand.Rand, form int) string {
	day, mon, year := 1+r.IntN(28), r.IntN(12), 2019+r.IntN(7)
	hh, mm := r.IntN(24), r.IntN(60)
	switch form % 4 {
	case 0:
		return fmt.Sprintf("%s %d %s %d, %02d:%02d", pick(r, rwDays), day, rwMonths[mon], year, hh, mm)
	case 1:
		return fmt.Sprintf("%02d/%02d/%d %02d:%02d GMT", day, mon+1, year, hh, mm)
	case 2:
		return fmt.Sprintf("%s %d, %d at %d:%02d %s", rwMonths[mon], day, year, 1+hh%12, mm, []string{"am", "pm"}[hh/12])
	default:
		return fmt.Sprintf("%d-%02d-%02dT%02d:%02d", year, mon+1, day, hh, mm)
	}
}

func rwHeadline(r *rand.Rand) string {
	return fmt.Sprintf("%s %s %s %s", pick(r, rwTowns), pick(r, rwSubjects), pick(r, rwVerbs), pick(r, rwObjects))
}

// Header and footer parts: each returns one line (or a few) of a site's
// furniture with fresh variable text.
var rwHeadParts = []func(r *rand.Rand, s *site) string{
	func(r *rand.Rand, s *site) string { // stacked date lines
		l := "First posted " + rwDate(r, s.dateForm) + "\nLast modified " + rwDate(r, s.dateForm)
		if r.IntN(2) == 0 {
			l += "\nIn print: " + rwDate(r, s.dateForm)
		}
		return l
	},
	func(r *rand.Rand, s *site) string { // byline
		b := "By " + rwName(r) + ", " + pick(r, rwRoles)
		if r.IntN(2) == 0 {
			b += ", and " + rwName(r)
		}
		return b
	},
	func(r *rand.Rand, s *site) string { // agency note
		return fmt.Sprintf("Filed by %s from %s at %02d:%02d local time and edited by the %s news desk. Details were correct when filed.",
			pick(r, rwAgencies), pick(r, rwTowns), r.IntN(24), r.IntN(60), s.name)
	},
	func(r *rand.Rand, s *site) string { // credit line
		return fmt.Sprintf("This article was first published by %s and is republished under %s.",
			pick(r, rwOutlets), pick(r, rwLicences))
	},
	func(r *rand.Rand, s *site) string { // reading time and section
		return fmt.Sprintf("%s | %d min read | %d comments", pick(r, rwSections), 2+r.IntN(14), r.IntN(400))
	},
	func(r *rand.Rand, s *site) string { // additional reporting
		return fmt.Sprintf("Additional reporting by %s in %s and %s.", rwName(r), pick(r, rwTowns), rwName(r))
	},
	func(r *rand.Rand, s *site) string { // partner links
		return "From our partners:\n" + rwHeadline(r) + "\n" + rwHeadline(r)
	},
	func(r *rand.Rand, s *site) string { // listen line
		return fmt.Sprintf("Listen to this story (%d:%02d). Audio is generated automatically and may contain errors.", 2+r.IntN(12), r.IntN(60))
	},
}

var rwFootParts = []func(r *rand.Rand, s *site) string{
	func(r *rand.Rand, s *site) string {
		return "Share this story\nFacebook | X | LinkedIn | Email | Print | Copy link"
	},
	func(r *rand.Rand, s *site) string {
		return "Leave a reply\nYour email address will not be shown. Fields marked * are required.\nComment *\nName *\nEmail *\nPost comment"
	},
	func(r *rand.Rand, s *site) string {
		return "More from our partners\n" + rwHeadline(r) + "\n" + rwHeadline(r) + "\n" + rwHeadline(r)
	},
	func(r *rand.Rand, s *site) string {
		return fmt.Sprintf("(c) %d %s. Reuse only under the terms on our licensing page. Distributed by %s.", 2019+r.IntN(7), s.name, pick(r, rwAgencies))
	},
	func(r *rand.Rand, s *site) string {
		return fmt.Sprintf("Tags: %s, %s, %s", pick(r, rwSections), pick(r, rwTowns), pick(r, rwSections))
	},
	func(r *rand.Rand, s *site) string {
		return fmt.Sprintf("%s is a correspondent for %s. Send tips to the newsroom through the contact page.", rwName(r), s.name)
	},
}

// site is one outlet's furniture: which header and footer parts, in which
// order; the parts' variable text is drawn afresh for every copy.
type site struct {
	name       string
	dateForm   int
	head, foot []int
}

func newSite(r *rand.Rand, i int) site {
	s := site{name: rwOutlets[i%len(rwOutlets)], dateForm: r.IntN(4)}
	s.head = r.Perm(len(rwHeadParts))[:2+r.IntN(2)]
	s.foot = r.Perm(len(rwFootParts))[:2+r.IntN(2)]
	return s
}

// wrap copies body under s's furniture as kind.
func (s *site) wrap(r *rand.Rand, body, kind string) string {
	var head []string
	switch kind {
	case RewrapLongHead:
		// Add parts (the site's first) while they fit in a target of
		// 40 to 120 words, then one-line partner links up to it.
		target := 40 + r.IntN(81)
		order := append(append([]int(nil), s.head...), r.Perm(len(rwHeadParts))...)
		for _, p := range order {
			part := rwHeadParts[p](r, s)
			if words(head)+len(strings.Fields(part)) <= target {
				head = append(head, part)
			}
		}
		for {
			part := "Also read: " + rwHeadline(r)
			if words(head)+len(strings.Fields(part)) > target {
				break
			}
			head = append(head, part)
		}
	default:
		// The site's parts while the header stays within 30 words (at
		// least one part), as short as the dev stream's site headers.
		for _, p := range s.head {
			part := rwHeadParts[p](r, s)
			if len(head) > 0 && words(head)+len(strings.Fields(part)) > 30 {
				break
			}
			head = append(head, part)
		}
	}
	switch kind {
	case RewrapTrim:
		body = trimEnd(r, body)
	case RewrapResplit:
		body = resplit(r, body)
	}
	var foot []string
	for _, p := range s.foot {
		foot = append(foot, rwFootParts[p](r, s))
	}
	return s.name + "\n\n" + strings.Join(head, "\n") + "\n\n" + body + "\n\n" + strings.Join(foot, "\n\n")
}

func words(lines []string) int {
	n := 0
	for _, l := range lines {
		n += len(strings.Fields(l))
	}
	return n
}

// sentences cuts text at '.', '!' or '?' before a space and at line
// breaks, keeping the punctuation.
func sentences(text string) []string {
	var out []string
	for _, para := range strings.Split(text, "\n") {
		start := 0
		for i := 0; i < len(para); i++ {
			if c := para[i]; (c == '.' || c == '!' || c == '?') && i+1 < len(para) && para[i+1] == ' ' {
				out = append(out, strings.TrimSpace(para[start:i+1]))
				start = i + 1
			}
		}
		if s := strings.TrimSpace(para[start:]); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// trimEnd keeps the sentences holding the first 55-85% of text's words.
func trimEnd(r *rand.Rand, text string) string {
	ss := sentences(text)
	total := len(strings.Fields(text))
	keep := total * (55 + r.IntN(31)) / 100
	n, i := 0, 0
	for ; i < len(ss) && n < keep; i++ {
		n += len(strings.Fields(ss[i]))
	}
	return strings.Join(ss[:max(i, 1)], " ")
}

// resplit puts one or two sentences in each paragraph and, after every
// first to sixth paragraph (the density drawn once a copy), a "read more"
// line with a partner headline and, one time in two, an image credit.
func resplit(r *rand.Rand, text string) string {
	ss := sentences(text)
	var paras []string
	every := 1 + r.IntN(6)
	next := every
	for i := 0; i < len(ss); {
		n := min(1+r.IntN(2), len(ss)-i)
		paras = append(paras, strings.Join(ss[i:i+n], " "))
		i += n
		if next--; next == 0 && i < len(ss) {
			paras = append(paras, "Read more: "+rwHeadline(r))
			if r.IntN(2) == 0 {
				paras = append(paras, fmt.Sprintf("Image credit - %s for %s", rwName(r), pick(r, rwAgencies)))
			}
			next = every
		}
	}
	return strings.Join(paras, "\n\n")
}

// abridge keeps the sentences holding the first 45-90 words of text.
func abridge(r *rand.Rand, text string) string {
	ss := sentences(text)
	keep := 45 + r.IntN(46)
	n, i := 0, 0
	for ; i < len(ss) && n < keep; i++ {
		n += len(strings.Fields(ss[i]))
	}
	return strings.Join(ss[:max(i, 1)], " ")
}

// template is a large frame shared by a few briefs: fixed text of 30-90
// words above and 30-70 below, drawn once, with a date line that varies.
type template struct {
	head, foot string
	dateForm   int
}

func newTemplate(r *rand.Rand) template {
	outlet := pick(r, rwOutlets)
	var head []string
	head = append(head, outlet+" | "+pick(r, rwSections)+" briefing")
	target := 30 + r.IntN(61)
	for words(head) < target {
		switch r.IntN(4) {
		case 0:
			head = append(head, "Today's top stories: "+rwHeadline(r)+"; "+rwHeadline(r)+".")
		case 1:
			head = append(head, fmt.Sprintf("Edited by %s with %s. Compiled from %s reports.", rwName(r), rwName(r), pick(r, rwAgencies)))
		case 2:
			head = append(head, fmt.Sprintf("Sign up for the %s %s briefing, sent every weekday before %d am.", outlet, pick(r, rwSections), 6+r.IntN(4)))
		default:
			head = append(head, "Trending now: "+rwHeadline(r)+" | "+rwHeadline(r))
		}
	}
	var foot []string
	target = 30 + r.IntN(41)
	for words(foot) < target {
		switch r.IntN(3) {
		case 0:
			foot = append(foot, "Elsewhere in the briefing: "+rwHeadline(r)+"; "+rwHeadline(r)+".")
		case 1:
			foot = append(foot, fmt.Sprintf("You are reading the %s briefing. Forward it to a friend, or manage your subscription from your account page.", outlet))
		default:
			foot = append(foot, fmt.Sprintf("Pictures by %s for %s, (c) %d.", rwName(r), outlet, 2019+r.IntN(7)))
		}
	}
	return template{head: strings.Join(head, "\n"), foot: strings.Join(foot, "\n"), dateForm: r.IntN(4)}
}

func (t template) wrap(r *rand.Rand, brief string) string {
	return t.head + "\n" + rwDate(r, t.dateForm) + "\n\n" + brief + "\n\n" + t.foot
}
