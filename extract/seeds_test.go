package extract_test

import (
	"crypto/sha256"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/unicode/norm"

	"github.com/feedsift/feedsift/extract"
	"github.com/feedsift/feedsift/internal/testshared"
)

// seedSpec says which lines of a seed are junk and which is the title.
// Lines are counted among the seed's non-empty lines; negative indexes
// count from the end. The seed text itself is read at test time.
type seedSpec struct {
	title       int      // index of the title line
	titlePrefix string   // label before the title on its line
	junkIdx     []int    // junk lines given by position
	junk        []string // junk lines given literally
	mojibake    []string // sequences that must be repaired
	repaired    []string // text that must appear after repair
}

var seedSpecs = map[string]seedSpec{
	"000": {title: 2, junkIdx: []int{0, 1}, junk: []string{
		"Leave a Comment",
		"This site uses Akismet to reduce spam. Learn how your comment data is processed.",
	}},
	"001": {title: 1, junk: []string{
		"Business", "Source link", "Leave a Reply",
		"Your email address will not be published. Required fields are marked *", "Back to top button",
	}},
	"002": {title: 0, titlePrefix: "Title: ", junkIdx: []int{-1}},
	"003": {title: 0, junk: []string{
		"Similar Posts", "Leave a Reply", "Your email address will not be published. Required fields are marked *",
	}},
	"004": {title: 1, junk: []string{"shangri la 326122 1280", "Scroll to Top"},
		mojibake: []string{"Ă©"}, repaired: []string{"chargé d’affaires"}},
}

// fixMojibake applies, on the test side, the repairs Extract must make.
var fixMojibake = strings.NewReplacer("Ă©", "é")

func normLine(s string) string {
	return norm.NFC.String(strings.Join(strings.Fields(fixMojibake.Replace(s)), " "))
}

type seedCase struct {
	name  string
	lines []string // non-empty lines, trimmed
	title string
	story []string // expected paragraphs, normalised
	junk  []string
	spec  seedSpec
}

func loadSeeds(t *testing.T) []seedCase {
	t.Helper()
	dir := filepath.Join(testshared.Dir(t), "seeds")
	files, _ := filepath.Glob(filepath.Join(dir, "*.txt"))
	if len(files) == 0 {
		t.Skipf("no seeds in %s (set FEEDSIFT_SHARED to the shared data directory)", dir)
	}
	var out []seedCase
	for _, f := range files {
		base := filepath.Base(f)
		spec, ok := seedSpecs[base[:3]]
		if !ok {
			t.Errorf("seed %s has no expectations in seedSpecs", base)
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var lines []string
		for l := range strings.SplitSeq(string(data), "\n") {
			if l = strings.TrimSpace(l); l != "" {
				lines = append(lines, l)
			}
		}
		idx := func(i int) int {
			if i < 0 {
				return len(lines) + i
			}
			return i
		}
		c := seedCase{name: base, lines: lines, spec: spec}
		c.title = strings.TrimPrefix(lines[spec.title], spec.titlePrefix)
		if spec.titlePrefix != "" && !strings.HasPrefix(lines[spec.title], spec.titlePrefix) {
			t.Fatalf("%s: title line lacks prefix %q", base, spec.titlePrefix)
		}
		skip := map[int]bool{spec.title: true}
		for _, i := range spec.junkIdx {
			skip[idx(i)] = true
			c.junk = append(c.junk, lines[idx(i)])
		}
		for _, j := range spec.junk {
			found := false
			for i, l := range lines {
				if l == j {
					skip[i] = true
					found = true
				}
			}
			if !found {
				t.Fatalf("%s: junk line %q not in seed; expectations are stale", base, j)
			}
			c.junk = append(c.junk, j)
		}
		for i, l := range lines {
			if !skip[i] {
				c.story = append(c.story, normLine(l))
			}
		}
		out = append(out, c)
	}
	return out
}

// sitePage wraps the seed's lines in a realistic site template.
func sitePage(c seedCase) string {
	var b strings.Builder
	t := html.EscapeString(c.title)
	fmt.Fprintf(&b, `<!DOCTYPE html><html lang="en-US"><head><meta charset="utf-8">
<title>%s – The Daily Example</title><meta property="og:title" content="%s">
<meta property="article:published_time" content="2024-02-03T10:15:00+01:00">
<meta name="author" content="Jane Doe">
<script>var tpl = "<p>Leave a Reply</p>";</script><style>p { margin: 0 }</style></head>
<body class="post-template-default single single-post has-sidebar">
<header id="masthead" class="site-header"><div class="site-branding"><p class="site-title"><a href="/">The Daily Example</a></p>
<p class="site-description">News you can use, every single day of the week.</p></div>
<nav class="main-navigation" aria-label="Primary"><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li>
<li><a href="/business">Business</a></li><li><a href="/tech">Tech</a></li></ul></nav></header>
<div class="breadcrumbs"><a href="/">Home</a> » <a href="/world">World</a> » %s</div>
<div id="content" class="content-sidebar-wrap"><main id="main" class="site-main">
<article id="post-42" class="post type-post status-publish hentry"><div class="entry-content">
`, t, t, t)
	for _, l := range c.lines {
		fmt.Fprintf(&b, "<p>%s</p>\n", html.EscapeString(l))
	}
	fmt.Fprintf(&b, `<div class="sharedaddy sd-sharing-enabled"><h3 class="sd-title">Share this:</h3>
<ul><li><a href="#">Facebook</a></li><li><a href="#">Twitter</a></li></ul></div>
</div><footer class="entry-footer"><span class="cat-links">Posted in <a href="/world">World</a></span></footer></article>
<div class="related-posts"><h2>Related Posts</h2><ul><li><a href="/a">Markets rally as oil prices fall for a third straight week</a></li></ul></div>
<div id="comments" class="comments-area"><h2 class="comments-title">2 thoughts on “%s”</h2>
<ol class="comment-list"><li class="comment"><article class="comment-body"><p>Great article, thank you for explaining all of this so clearly and calmly.</p></article></li></ol>
<div id="respond" class="comment-respond"><h3>Leave a Reply</h3><form action="/wp-comments-post.php">
<p>Your email address will not be published. Required fields are marked *</p><textarea name="comment"></textarea>
<p><input type="submit" value="Post Comment"></p></form></div></div>
</main><aside id="secondary" class="widget-area"><section class="widget"><h2>Recent Posts</h2>
<p>Our newsroom covers world affairs, markets and technology, with reporters in twelve countries.</p>
<ul><li><a href="/b">Another headline that is long enough to look real</a></li></ul></section></aside></div>
<footer id="colophon" class="site-footer"><p>© 2024 The Daily Example. All rights reserved.</p>
<p>We use cookies to improve your experience on our website.</p></footer></body></html>`, t)
	return b.String()
}

// barePage puts the seed's lines as paragraphs in a bare body.
func barePage(c seedCase) string {
	var b strings.Builder
	b.WriteString("<html><body>\n")
	for _, l := range c.lines {
		fmt.Fprintf(&b, "<p>%s</p>\n", html.EscapeString(l))
	}
	b.WriteString("</body></html>")
	return b.String()
}

// seedsGolden records, for every seed and every way it is extracted, the
// paragraph and word counts and a digest of the text, so that any change of
// the output shows in review. It holds no seed text: the seeds are read
// from the shared directory at test time and never copied here.
const seedsGolden = "testdata/seeds.golden.txt"

func digestLine(seed, run string, paras []string) string {
	text := strings.Join(paras, "\n\n")
	sum := sha256.Sum256([]byte(text))
	return fmt.Sprintf("%s %s paragraphs=%d words=%d sha256=%x", seed, run, len(paras), len(strings.Fields(text)), sum[:12])
}

func TestSeeds(t *testing.T) {
	var digests []string
	defer func() {
		if t.Failed() || t.Skipped() {
			return
		}
		got := strings.Join(digests, "\n") + "\n"
		if *update {
			if err := os.WriteFile(seedsGolden, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
		want, err := os.ReadFile(seedsGolden)
		if err != nil {
			t.Fatalf("%v (run go test ./extract -run TestSeeds -update to create it)", err)
		}
		if diff := cmp.Diff(string(want), got); diff != "" {
			t.Errorf("seed extraction differs from %s (-want +got):\n%s", seedsGolden, diff)
		}
	}()
	for _, c := range loadSeeds(t) {
		t.Run(c.name, func(t *testing.T) {
			opts := extract.Options{URL: "https://example.com/world/story", Title: c.title}
			type run struct {
				name      string
				paras     []string
				title     string
				wantTitle bool
			}
			var runs []run
			for _, p := range []struct {
				name string
				page string
				opts extract.Options
			}{
				{"site", sitePage(c), opts},
				{"site-no-feed-title", sitePage(c), extract.Options{URL: opts.URL}},
				{"bare", barePage(c), opts},
			} {
				a, err := extract.Extract([]byte(p.page), p.opts)
				if err != nil {
					t.Fatalf("%s: Extract: %v", p.name, err)
				}
				runs = append(runs, run{p.name, a.Paragraphs, a.Title, true})
			}
			runs = append(runs, run{name: "cleantext", paras: extract.CleanText(strings.Join(c.lines, "\n\n"), opts)})
			for _, r := range runs {
				digests = append(digests, digestLine(c.name, r.name, r.paras))
				if diff := cmp.Diff(c.story, r.paras); diff != "" {
					t.Errorf("%s: paragraphs differ from the story lines (-want +got):\n%s", r.name, diff)
				}
				for _, p := range r.paras {
					for _, j := range c.junk {
						if normLine(p) == normLine(j) {
							t.Errorf("%s: junk line survived: %q", r.name, p)
						}
					}
					for _, m := range c.spec.mojibake {
						if strings.Contains(p, m) {
							t.Errorf("%s: mojibake %q not repaired in %q", r.name, m, p)
						}
					}
				}
				for _, want := range c.spec.repaired {
					if !strings.Contains(strings.Join(r.paras, "\n"), want) {
						t.Errorf("%s: repaired text %q missing", r.name, want)
					}
				}
				if r.wantTitle && r.title != normLine(c.title) {
					t.Errorf("%s: Title = %q, want %q", r.name, r.title, c.title)
				}
			}
		})
	}
}
