package feedfarm

import (
	"cmp"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// Defaults and limits of GenOptions.
const (
	DefaultGenFeeds     = 500
	DefaultGenItems     = 3
	DefaultGenRounds    = 2
	DefaultGenCopies    = 25 // percent of originals syndicated
	DefaultGenMaxCopies = 2

	maxGenFeeds  = 20000
	maxGenItems  = 50
	maxGenRounds = 100
)

// GenOptions configures Generate. Zero values mean the documented
// defaults; where a negative value is allowed it means "none".
type GenOptions struct {
	// Seed makes the scenario: the same options give the same scenario
	// (with the same Go version). Zero means 1.
	Seed uint64
	// Feeds is the number of sites, one feed each, named f0000, f0001,
	// ... Default 500; at most 20000.
	Feeds int
	// Items is the number of originals each feed lists in round 0.
	// Default 3; at most 50.
	Items int
	// Rounds is the number of rounds after round 0. Each adds
	// NewPerRound originals and the copies of the previous round's
	// syndicated originals. Default 2; negative means none, and then
	// there are no copies either. At most 100.
	Rounds int
	// NewPerRound is the number of originals added in each round after
	// round 0, on feeds picked at random. Default Feeds/5 (at least 1);
	// negative means none.
	NewPerRound int
	// Copies is the percentage of originals (except those of the last
	// round) that other feeds syndicate in the next round. Default 25;
	// negative means none; at most 100.
	Copies int
	// MaxCopies is the most copies one original gets, each on another
	// feed; each syndicated original gets 1..MaxCopies. Default 2; at
	// most 5, and at most Feeds-1.
	MaxCopies int
	// Formats are the feed formats, given to feeds in turn. Default all
	// four: FormatRSS, FormatAtom, FormatRDF, FormatJSON.
	Formats []string
}

// genTopics are given to feeds in turn.
var genTopics = [...]string{"world", "business", "science", "sport", "local", "culture"}

// Generate returns a large scenario of invented articles. Every word is
// made here: a vocabulary of pseudo-words drawn from the seed plus a few
// English function words, put together into sentences, paragraphs and
// headlines. No two distinct articles share a run of five words (word
// tokens compared case-insensitively, headlines included), so any
// overlap of five words or more between two items means they are the
// same article.
//
// Layout:
//   - site i is "f%04d" (so /f0007/feed.xml); formats, topics and page
//     templates rotate over the sites, and about one site in three is
//     summary-only (its article text is only on the page);
//   - round 0: Items originals on every site;
//   - round r ≥ 1: NewPerRound new originals, and the copies of the
//     syndicated originals of round r-1. A copy is the same article on
//     another site under another GUID, URL ("/<site>/syndicated/...",
//     sometimes with a query string) and often another headline, with a
//     partner header line (naming no site) and/or footer lines crediting
//     the original site, and in one case out of three trimmed to its
//     first paragraphs (at least 60% of them).
//
// Scenario.Stories lists the stories a correct pipeline publishes and
// the URLs that must collapse into each. Generate returns an error
// wrapping ErrInvalidScenario when an option is out of range.
func Generate(opts GenOptions) (Scenario, error) {
	bad := func(format string, args ...any) (Scenario, error) {
		return Scenario{}, fmt.Errorf("%w: generate: "+format, append([]any{ErrInvalidScenario}, args...)...)
	}
	switch {
	case opts.Feeds < 0 || opts.Feeds > maxGenFeeds:
		return bad("Feeds %d not in 1..%d", opts.Feeds, maxGenFeeds)
	case opts.Items < 0 || opts.Items > maxGenItems:
		return bad("Items %d not in 1..%d", opts.Items, maxGenItems)
	case opts.Rounds > maxGenRounds:
		return bad("Rounds %d above %d", opts.Rounds, maxGenRounds)
	case opts.Copies > 100:
		return bad("Copies %d%% above 100%%", opts.Copies)
	case opts.MaxCopies < 0 || opts.MaxCopies > 5:
		return bad("MaxCopies %d not in 1..5", opts.MaxCopies)
	}
	for _, f := range opts.Formats {
		switch f {
		case FormatRSS, FormatAtom, FormatRDF, FormatJSON:
		default:
			return bad("unknown format %q", f)
		}
	}
	opts.Seed = cmp.Or(opts.Seed, 1)
	opts.Feeds = cmp.Or(opts.Feeds, DefaultGenFeeds)
	opts.Items = cmp.Or(opts.Items, DefaultGenItems)
	opts.Rounds = max(cmp.Or(opts.Rounds, DefaultGenRounds), 0)
	opts.NewPerRound = max(cmp.Or(opts.NewPerRound, max(opts.Feeds/5, 1)), 0)
	opts.Copies = max(cmp.Or(opts.Copies, DefaultGenCopies), 0)
	opts.MaxCopies = min(cmp.Or(opts.MaxCopies, DefaultGenMaxCopies), opts.Feeds-1)
	if len(opts.Formats) == 0 {
		opts.Formats = []string{FormatRSS, FormatAtom, FormatRDF, FormatJSON}
	}

	g := newTextGen(opts.Seed)
	r := g.r
	sites := make([]Site, opts.Feeds)
	for i := range sites {
		sites[i] = Site{
			Name:        fmt.Sprintf("f%04d", i),
			Title:       g.siteTitle(),
			Format:      opts.Formats[i%len(opts.Formats)],
			Topic:       genTopics[i%len(genTopics)],
			Template:    Template(i % 3),
			SummaryOnly: r.IntN(3) == 0,
		}
	}
	authors := make([]string, 40)
	for i := range authors {
		authors[i] = g.name()
	}

	base := time.Date(2026, time.April, 1, 6, 0, 0, 0, time.UTC)
	type orig struct {
		site  int
		entry Entry
	}
	var prev []orig // originals of the previous round
	serial := 0
	for round := 0; round <= opts.Rounds; round++ {
		at := base.Add(time.Duration(round) * 24 * time.Hour)
		minute := 0
		stamp := func() time.Time {
			minute++
			return at.Add(time.Duration(minute) * time.Minute)
		}
		var cur []orig
		addOriginal := func(si int) error {
			a, err := g.article(serial, authors[r.IntN(len(authors))], stamp())
			if err != nil {
				return err
			}
			e := Entry{Article: a, GUID: fmt.Sprintf("%s:%d", sites[si].Name, serial), FromRound: round}
			sites[si].Entries = append(sites[si].Entries, e)
			cur = append(cur, orig{si, e})
			serial++
			return nil
		}
		if round == 0 {
			for range opts.Items {
				for si := range sites {
					if err := addOriginal(si); err != nil {
						return Scenario{}, err
					}
				}
			}
		} else {
			// Copies of the previous round come first: they were
			// syndicated soon after the originals appeared.
			for _, o := range prev {
				if r.IntN(100) >= opts.Copies || opts.MaxCopies < 1 {
					continue
				}
				n := 1 + r.IntN(opts.MaxCopies)
				for _, si := range pickOthers(r, opts.Feeds, o.site, n) {
					sites[si].Entries = append(sites[si].Entries, g.copyEntry(sites[o.site], sites[si], o.entry, round, stamp()))
				}
			}
			for range opts.NewPerRound {
				if err := addOriginal(r.IntN(opts.Feeds)); err != nil {
					return Scenario{}, err
				}
			}
		}
		prev = cur
	}
	sc := Scenario{Sites: sites}
	if err := sc.Validate(); err != nil {
		return Scenario{}, fmt.Errorf("feedfarm: generate: made an invalid scenario: %w", err)
	}
	return sc, nil
}

// pickOthers returns n distinct site indices in [0, feeds) other than not.
func pickOthers(r *rand.Rand, feeds, not, n int) []int {
	var out []int
	for len(out) < n {
		si := r.IntN(feeds)
		if si != not && !slices.Contains(out, si) {
			out = append(out, si)
		}
	}
	return out
}

// copyEntry is the syndicated copy on site to of original e of site from.
func (g *textGen) copyEntry(from, to Site, e Entry, round int, at time.Time) Entry {
	r := g.r
	c := Entry{
		Article:   e.Article,
		GUID:      fmt.Sprintf("%s:syn:%s", to.Name, e.GUID),
		FromRound: round,
		Published: at,
		Slug:      "syndicated/" + from.Name + "-" + e.Article.Slug[strings.LastIndexByte(e.Article.Slug, '/')+1:],
	}
	switch r.IntN(4) {
	case 0:
		c.Title = "From " + from.Title + ": " + e.Article.Title
	case 1:
		c.Title = e.Article.Title + " (" + from.Title + ")"
	}
	if r.IntN(3) == 0 {
		c.Slug += "?ref=partner&src=" + from.Name
	}
	// The header names no site, so it soon counts as boilerplate; the
	// footer, after the text, credits the original site.
	credit := "Originally published by " + from.Title + "."
	switch r.IntN(3) {
	case 0:
		c.Header = []string{"This article first appeared in a partner newspaper and is republished under a content-sharing agreement."}
		c.Footer = []string{credit}
	case 1:
		c.Footer = []string{credit, "More partner stories at " + to.Name + ".example/partners"}
	default:
		c.Header = []string{"Partner content."}
		c.Footer = []string{credit, "Source link"}
	}
	if n := len(e.Article.Paragraphs); r.IntN(3) == 0 && n >= 3 {
		least := (n*6 + 9) / 10 // at least 60%, rounded up
		c.Keep = least + r.IntN(n-least)
	}
	return c
}

// textGen makes words, sentences and articles. It remembers every
// five-word run it has handed out, and never hands one out twice.
type textGen struct {
	r     *rand.Rand
	vocab []string
	seen  map[uint64]struct{} // hashes of five-word runs already used
}

// function words are sprinkled between the pseudo-words so the text reads
// a little like English.
var functionWords = [...]string{
	"the", "of", "and", "to", "in", "a", "for", "on", "with", "was", "said", "by",
	"at", "from", "after", "that", "its", "has", "will", "new", "more", "than",
}

var (
	onsets = [...]string{"b", "br", "c", "ch", "d", "dr", "f", "fl", "g", "gr", "h", "k", "l", "m", "n", "p", "pl", "r", "s", "st", "t", "tr", "v", "w"}
	nuclei = [...]string{"a", "e", "i", "o", "u", "ai", "ea", "ou"}
	codas  = [...]string{"", "", "n", "r", "s", "l", "t", "nd", "st", "m"}
)

// vocabSize is the number of pseudo-words. With about 2000 content words,
// chance repeats of five-word runs are rare; textGen still checks.
const vocabSize = 2000

func newTextGen(seed uint64) *textGen {
	g := &textGen{
		r:    rand.New(rand.NewPCG(seed, 0x6665656466617266)), // "feedfarf": a fixed stream
		seen: map[uint64]struct{}{},
	}
	used := map[string]bool{}
	for _, w := range functionWords {
		used[w] = true
	}
	for len(g.vocab) < vocabSize {
		var b strings.Builder
		for range 1 + g.r.IntN(3) {
			b.WriteString(onsets[g.r.IntN(len(onsets))])
			b.WriteString(nuclei[g.r.IntN(len(nuclei))])
			b.WriteString(codas[g.r.IntN(len(codas))])
		}
		if w := b.String(); len(w) >= 3 && !used[w] {
			used[w] = true
			g.vocab = append(g.vocab, w)
		}
	}
	return g
}

func (g *textGen) word() string {
	if g.r.IntN(4) == 0 {
		return functionWords[g.r.IntN(len(functionWords))]
	}
	return g.vocab[g.r.IntN(len(g.vocab))]
}

func capitalise(w string) string {
	return strings.ToUpper(w[:1]) + w[1:]
}

// name is a person's name: two capitalised pseudo-words.
func (g *textGen) name() string {
	return capitalise(g.vocab[g.r.IntN(len(g.vocab))]) + " " + capitalise(g.vocab[g.r.IntN(len(g.vocab))])
}

var titleNouns = [...]string{"Courier", "Herald", "Gazette", "Post", "Observer", "Chronicle", "Times", "Dispatch", "Ledger", "Record"}

// siteTitle is a newspaper name such as "The Brantel Herald".
func (g *textGen) siteTitle() string {
	return "The " + capitalise(g.vocab[g.r.IntN(len(g.vocab))]) + " " + titleNouns[g.r.IntN(len(titleNouns))]
}

// maxTries bounds the attempts at a fresh sentence; with the vocabulary
// above a retry is already rare.
const maxTries = 100

// fresh returns n words (lower-case) whose five-word runs, together with
// the last words of tail, are all unused, and marks them used.
func (g *textGen) fresh(tail []string, n int) ([]string, error) {
	for range maxTries {
		words := make([]string, n)
		for i := range words {
			words[i] = g.word()
		}
		run := append(slices.Clone(tail[max(len(tail)-4, 0):]), words...)
		hashes := shingles(run)
		clash := false
		for i, h := range hashes {
			if _, ok := g.seen[h]; ok || slices.Contains(hashes[:i], h) {
				clash = true
				break
			}
		}
		if clash {
			continue
		}
		for _, h := range hashes {
			g.seen[h] = struct{}{}
		}
		return words, nil
	}
	return nil, fmt.Errorf("feedfarm: generate: no fresh sentence after %d tries", maxTries)
}

// shingles hashes every run of five words.
func shingles(words []string) []uint64 {
	var out []uint64
	for i := 0; i+5 <= len(words); i++ {
		h := fnv.New64a()
		for _, w := range words[i : i+5] {
			h.Write([]byte(w))
			h.Write([]byte{' '})
		}
		out = append(out, h.Sum64())
	}
	return out
}

// article makes original number n.
func (g *textGen) article(n int, author string, published time.Time) (Article, error) {
	r := g.r
	tw, err := g.fresh(nil, 5+r.IntN(5))
	if err != nil {
		return Article{}, err
	}
	title := capitalise(strings.Join(tw, " "))
	a := Article{
		Slug:      fmt.Sprintf("story-%d-%s", n, strings.Join(tw[:min(3, len(tw))], "-")),
		Title:     title,
		Author:    author,
		Published: published,
	}
	var tail []string
	for range 5 + r.IntN(4) {
		var para []string
		for range 2 + r.IntN(3) {
			words, err := g.fresh(tail, 9+r.IntN(9))
			if err != nil {
				return Article{}, err
			}
			tail = append(tail, words...)
			if len(words) > 10 && r.IntN(2) == 0 {
				k := 4 + r.IntN(len(words)-8)
				words[k] += ","
			}
			para = append(para, capitalise(strings.Join(words, " "))+".")
		}
		a.Paragraphs = append(a.Paragraphs, strings.Join(para, " "))
	}
	return a, nil
}
