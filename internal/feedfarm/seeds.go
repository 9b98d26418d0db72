package feedfarm

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// SeedScenario builds a scenario of the same shape as DemoScenario from the
// caller's articles, for example the raw seed texts read with
// ArticleFromText. Each article is an original: article i is listed by site
// i mod 4 (courier, ledger, wire, digest) from round 0. In round 1 two
// duplicates appear:
//
//   - a copy of article 0 on the wire site, with another GUID and path and
//     partner header and footer lines;
//   - a repost of article min(3, n-1) on its own site, with a new GUID, the
//     headline prefixed "UPDATE: " and the same page plus utm_* parameters.
//
// Missing fields are filled in: an empty Title becomes the first line of
// the paragraphs that does not look like page furniture (breadcrumb,
// section label, image file name, comment-form text) with any "Title:"
// prefix and enclosing quotes removed; an empty or unusable Slug is made
// from the title and made unique; a zero Published becomes a time on
// 2 March 2026, later for each article. The paragraphs are kept as they
// are, junk lines included, one <p> each: cleaning them is the daemon's
// job. With no articles the sites have no entries.
func SeedScenario(seeds []Article) Scenario {
	base := time.Date(2026, time.March, 2, 7, 0, 0, 0, time.UTC)
	sites := farmSites()
	arts := make([]Article, len(seeds))
	used := map[string]bool{}
	for i, a := range seeds {
		a.Paragraphs = slices.Clone(a.Paragraphs)
		if a.Title == "" {
			a.Title = titleFromLines(a.Paragraphs)
		}
		if a.Title == "" {
			a.Title = fmt.Sprintf("Untitled seed %d", i)
		}
		if !validSlug(a.Slug) || used[a.Slug] {
			a.Slug = uniqueSlug(slugify(a.Title), used)
		}
		used[a.Slug] = true
		if a.Published.IsZero() {
			a.Published = base.Add(time.Duration(i) * 97 * time.Minute)
		}
		arts[i] = a
		s := &sites[i%len(sites)]
		s.Entries = append(s.Entries, Entry{Article: a, GUID: fmt.Sprintf("%s:seed:%d", s.Name, i)})
	}
	if len(arts) == 0 {
		return Scenario{Sites: sites}
	}
	later := base.AddDate(0, 0, 1)
	a := arts[0]
	sites[siteWire].Entries = append(sites[siteWire].Entries, Entry{
		Article: a, GUID: "wire:syndicated:0", FromRound: 1, Published: later,
		Slug:   "2026/03/" + a.Slug[strings.LastIndexByte(a.Slug, '/')+1:],
		Header: []string{"This story was first published by a partner newsroom and is republished under a content-sharing agreement."},
		Footer: []string{"More from our partner newsrooms: coastlinewire.example/partners", "Source link"},
	})
	i := min(3, len(arts)-1)
	a = arts[i]
	s := &sites[i%len(sites)]
	s.Entries = append(s.Entries, Entry{
		Article: a, GUID: fmt.Sprintf("%s:seed:%d:repost", s.Name, i), FromRound: 1,
		Published: later.Add(time.Hour),
		Title:     "UPDATE: " + a.Title,
		Slug:      a.Slug + "?utm_source=feed&utm_medium=rss&utm_campaign=repost",
	})
	return Scenario{Sites: sites}
}

// ArticleFromText returns an article whose paragraphs are the non-blank
// lines of text, trimmed, in order. Title, Author and Published are left
// empty; SeedScenario fills them in.
func ArticleFromText(slug, text string) Article {
	a := Article{Slug: slug}
	for line := range strings.Lines(text) {
		if line = strings.TrimSpace(line); line != "" {
			a.Paragraphs = append(a.Paragraphs, line)
		}
	}
	return a
}

// titleFromLines picks a headline from raw lines: the first that is not
// junk, without a "Title:" prefix or enclosing quotes. A line too long to
// be a headline gives its first sentence, cut to twelve words.
func titleFromLines(lines []string) string {
	for _, l := range lines {
		if isJunkLine(l) {
			continue
		}
		t := strings.TrimSpace(l)
		if rest, ok := strings.CutPrefix(t, "Title:"); ok {
			t = strings.TrimSpace(rest)
		}
		t = strings.TrimSpace(strings.Trim(t, "\"'“”‘’«» "))
		words := strings.Fields(t)
		if len(words) <= 25 {
			return strings.Join(words, " ")
		}
		words = strings.Fields(t[:sentenceEnd(t, 0)])
		if len(words) > 12 {
			return strings.Join(words[:12], " ") + "…"
		}
		return strings.Join(words, " ")
	}
	return ""
}

// isJunkLine reports whether a line looks like page furniture rather than
// a headline or body text: empty, a breadcrumb, fewer than three words
// (a section label), a known boilerplate phrase, or an image file name.
func isJunkLine(s string) bool {
	t := strings.TrimSpace(s)
	words := strings.Fields(t)
	if len(words) < 3 || strings.ContainsAny(t, "»›") || strings.Contains(t, " > ") {
		return true
	}
	low := strings.ToLower(t)
	for _, p := range [...]string{
		"leave a reply", "leave a comment", "source link", "similar posts", "related posts",
		"share this", "back to top", "scroll to top", "your email address will not be published",
		"this site uses akismet", "advertisement",
	} {
		if strings.HasPrefix(low, p) {
			return true
		}
	}
	numbers := 0
	for _, w := range words {
		lw := strings.ToLower(w)
		for _, ext := range []string{".jpg", ".jpeg", ".png", ".webp", ".gif"} {
			if strings.HasSuffix(lw, ext) {
				return true
			}
		}
		if len(w) >= 3 && strings.Trim(w, "0123456789") == "" {
			numbers++
		}
	}
	return numbers >= 2 && len(words) < 8
}

// slugify makes a slug of at most eight words from a title.
func slugify(title string) string {
	var words []string
	for w := range strings.FieldsFuncSeq(strings.ToLower(title), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	}) {
		words = append(words, w)
		if len(words) == 8 {
			break
		}
	}
	if len(words) == 0 {
		return "seed"
	}
	return strings.Join(words, "-")
}

// uniqueSlug returns slug, or slug-2, slug-3... if it is already used.
func uniqueSlug(slug string, used map[string]bool) string {
	s := slug
	for n := 2; used[s]; n++ {
		s = fmt.Sprintf("%s-%d", slug, n)
	}
	return s
}
