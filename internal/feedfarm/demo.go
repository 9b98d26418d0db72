package feedfarm

import (
	"embed"
	"time"
)

// The demo articles were written for feedsift. They are fiction: the
// places, people and events are invented.
//
//go:embed articles/*.txt
var articleFiles embed.FS

// The four sites both scenarios use, by index.
const (
	siteCourier = iota // RSS 2.0, full content, newsroom pages
	siteLedger         // Atom, summaries only, blog pages
	siteWire           // JSON Feed, full content, wire pages without <article>
	siteDigest         // RDF, summaries only, newsroom pages
)

// farmSites returns the four sites, without entries.
func farmSites() []Site {
	return []Site{
		siteCourier: {Name: "courier", Title: "Vellmouth Courier", Format: FormatRSS, Topic: "local", Template: TemplateNewsroom},
		siteLedger:  {Name: "ledger", Title: "The Northern Ledger", Format: FormatAtom, Topic: "regional", Template: TemplateBlog, SummaryOnly: true},
		siteWire:    {Name: "wire", Title: "Coastline Wire", Format: FormatJSON, Topic: "world", Template: TemplateWire},
		siteDigest:  {Name: "digest", Title: "Science Digest Weekly", Format: FormatRDF, Topic: "science", Template: TemplateNewsroom, SummaryOnly: true},
	}
}

// DemoScenario returns the demo: six invented articles on five events
// spread over four sites, one copy and one repost. Two articles (Vellmouth's
// tram line opening and its first working day) are different outlets'
// stories on the same event and must stay apart.
//
// Round 0 lists five originals:
//
//	courier (rss)   tram-line-3-opens
//	ledger  (atom)  river-aske-floods-lowbridge, tram-line-3-first-day (same event as tram-line-3-opens)
//	wire    (json)  merrow-ferry-strike-ends
//	digest  (rdf)   kestrel-2-reaches-orbit
//
// Round 1 adds a sixth original and two duplicates:
//
//	courier (rss)   carrow-fells-rescue-drone
//	wire    (json)  copy of river-aske-floods-lowbridge: other GUID and URL, partner header and footer lines
//	digest  (rdf)   repost of kestrel-2-reaches-orbit: new GUID and headline, same page plus utm_* parameters
//
// Expected: six stories; the copy and the repost merge into their originals.
func DemoScenario() Scenario {
	day := func(d, h, m int) time.Time { return time.Date(2026, time.March, d, h, m, 0, 0, time.UTC) }
	art := func(slug, author, event string, published time.Time) Article {
		a := demoArticle(slug)
		a.Author, a.Event, a.Published = author, event, published
		return a
	}
	tram := art("tram-line-3-opens", "Marta Kowalczyk", "vellmouth-line-3-opening", day(7, 9, 30))
	tramDay := art("tram-line-3-first-day", "Daniel Okonjo", "vellmouth-line-3-opening", day(9, 14, 10))
	flood := art("river-aske-floods-lowbridge", "Fiona MacAskill", "aske-flood", day(6, 6, 40))
	kestrel := art("kestrel-2-reaches-orbit", "Priya Raman", "kestrel-2-launch", day(4, 18, 20))
	drone := art("carrow-fells-rescue-drone", "Owen Lloyd", "carrow-fells-drone-trial", day(10, 8, 0))
	ferry := art("merrow-ferry-strike-ends", "Coastline Wire staff", "merrow-ferry-strike", day(10, 16, 45))

	sites := farmSites()
	sites[siteCourier].Entries = []Entry{
		{Article: tram, GUID: "vellmouth-courier:article:11842"},
		{Article: drone, GUID: "vellmouth-courier:article:11871", FromRound: 1},
	}
	sites[siteLedger].Entries = []Entry{
		{Article: flood, GUID: "tag:northernledger.example,2026:post-2291"},
		{Article: tramDay, GUID: "tag:northernledger.example,2026:post-2304"},
	}
	sites[siteWire].Entries = []Entry{
		{Article: ferry, GUID: "cw-20260310-0457"},
		{
			Article: flood, GUID: "cw-20260310-0388", FromRound: 1, Published: day(10, 11, 0),
			Slug:   "2026/03/lowbridge-evacuated-as-river-aske-floods",
			Header: []string{"This story was first published by The Northern Ledger and is republished under a content-sharing agreement."},
			Footer: []string{"More from our partner newsrooms: coastlinewire.example/partners", "Source link"},
		},
	}
	sites[siteDigest].Entries = []Entry{
		{Article: kestrel, GUID: "sdw-4410"},
		{
			Article: kestrel, GUID: "sdw-4417", FromRound: 1, Published: day(10, 12, 0),
			Title: "Kestrel-2 is calling home: students' ice satellite sends its first signals",
			Slug:  "kestrel-2-reaches-orbit?utm_source=feed&utm_medium=rss&utm_campaign=weekly",
		},
	}
	return Scenario{Sites: sites}
}

// demoArticle reads articles/<slug>.txt: the title on the first line,
// then paragraphs, one a line. A missing file gives an article without
// title or paragraphs, which Validate rejects.
func demoArticle(slug string) Article {
	b, err := articleFiles.ReadFile("articles/" + slug + ".txt")
	if err != nil {
		return Article{Slug: slug}
	}
	a := ArticleFromText(slug, string(b))
	if len(a.Paragraphs) > 0 {
		a.Title, a.Paragraphs = a.Paragraphs[0], a.Paragraphs[1:]
	}
	return a
}
