package extract_test

import (
	"github.com/feedsift/feedsift/internal/testshared"

	"bytes"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/feedsift/feedsift/extract"
	"github.com/feedsift/feedsift/internal/eval/extracteval"
)

const (
	story1 = "The council voted on Tuesday to extend the tram line to the airport, ending a debate that has lasted almost a decade."
	story2 = "Construction is expected to start next spring and to take about three years, according to the city's transport department."
)

func TestCleanTextJunkLines(t *testing.T) {
	junk := []string{
		"Share this:", "Share on Facebook", "Share on Twitter", "Click to share on Twitter (Opens in new window)",
		"Read more", "Read more »", "Related articles", "Advertisement", "- Advertisement -", "Follow us on Twitter",
		"Subscribe to our newsletter", "All rights reserved", "© 2024 Example Media Ltd.", "Copyright 2024 Example Media",
		"We use cookies to improve your experience. By using this site you agree to our cookie policy.",
		"Related Posts", "You may also like", "Tags: politics, transport", "Posted in World",
		"Filed under: Transport", "Weiterlesen", "Lire la suite", "Leer más", "Teilen", "Partager", "Compartir",
		"Publicité", "Anzeige", "Leave a Comment", "Leave a Reply", "Source link", "Back to top button",
		"Similar Posts", "Scroll to Top", "Your email address will not be published. Required fields are marked *",
		"This site uses Akismet to reduce spam. Learn how your comment data is processed.",
		"Facebook Twitter WhatsApp Email", "IMG_2041.jpg", "shangri la 326122 1280", "5 min read",
		"Wir verwenden Cookies, um unsere Website für Sie optimal zu gestalten.", "Alle Rechte vorbehalten.",
		"Lesen Sie auch: Die Bahn erhöht die Preise", "Photo: Reuters", "Updated: March 5, 2024",
		"Table of Contents", "Written by Jane Doe", "Reviewed by John Roe, MD", "Page 2 of 8",
		"Recent stories by Jane Doe", "Other Posts You May Enjoy", "Join our mailing list", "Pin this for later!",
		"Posted: 2 days ago", "Last updated March 3, 2025 by Jane Doe.", "Get the FREE eBook!",
		"Disclosure: This post contains affiliate links.", "Subscribe to get the latest posts sent to your email.",
		"By Jane Doe · 15 min read", "Comment via: facebook, substack", "Join our mailing list! Get a newsletter each week.",
		"You may be interested in the following topics as well:", "Last updated on 2025-12-17 - Edit this page",
		"Weitere Artikel zum Thema", "Das könnte dich auch interessieren:", "Keine Kommentare", "Temas Relacionados",
		"Contenido Relacionado", "Explore further", "Diesen Artikel teilen", "Weitere Informationen:", "Kontakt:",
		"Quelle: Landesregierung", "Crédits photos : Agence", "Subscribe now to our e-edition for the full story.",
	}
	for _, j := range junk {
		t.Run(j, func(t *testing.T) {
			got := extract.CleanText(story1+"\n"+j+"\n"+story2, extract.Options{})
			if diff := cmp.Diff([]string{story1, story2}, got); diff != "" {
				t.Errorf("junk line %q not dropped (-want +got):\n%s", j, diff)
			}
		})
	}
}

func TestCleanTextKeepsStory(t *testing.T) {
	keep := []string{
		"Readers were invited to leave a reply on the forum, but only a handful of them did so before the deadline.",
		"Share on Facebook was the button most people clicked, the study of 4,000 news sites found.",
		"Read more about the plan, the mayor told reporters, and you will see that the costs are covered.",
		"Copyright infringement claims against the platform rose sharply last year, the report said.",
		"The EU says that websites that use cookies must ask visitors for consent before setting them.",
		"Posted in 2019, the video has since been viewed more than two million times around the world.",
		"“We will not back down,” she said.",
		"Impact of Strikes and Fallout",
		"Background",
	}
	for _, k := range keep {
		t.Run(k, func(t *testing.T) {
			got := extract.CleanText(story1+"\n\n"+k+"\n\n"+story2, extract.Options{})
			if diff := cmp.Diff([]string{story1, k, story2}, got); diff != "" {
				t.Errorf("story line lost (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCleanTextAuthorTail(t *testing.T) {
	bio := "Jane Doe has covered city transport for the Example Times since 2015 and lives in Leeds."
	tests := []struct {
		name string
		in   []string
		want []string
	}{
		{"late heading drops the bio", []string{story1, story2, "About the Author", bio}, []string{story1, story2}},
		{"early heading drops only itself", []string{"About the author", bio, story1, story2}, []string{bio, story1, story2}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := extract.CleanText(strings.Join(tc.in, "\n"), extract.Options{})
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestExtractRecoversMarkedText covers story text in places that look
// like boilerplate: React's streamed segments, a table inside <figure>,
// sections whose anchor id says "toc", a collapsed accordion panel,
// a body class saying "meta" and text separated by <br>.
func TestExtractRecoversMarkedText(t *testing.T) {
	story3 := "The first trams will run every ten minutes between the central station and the new terminal building."
	// Distinct filler: a page that repeats a long paragraph has it dropped
	// as a repeat of the markup (see TestExtractDropsRepeatedArticle).
	s4 := "Residents near the depot asked for noise barriers, which the council agreed to study before the works begin."
	s5 := "The airport operator will pay a fifth of the cost, in return for a stop inside the new car park."
	s6 := "Opponents said the money would be better spent on buses for the outer districts, which have no tram at all."
	s7 := "A public exhibition of the route opens next month in the library, with engineers on hand to answer questions."
	wrap := func(body string) string {
		return "<html><head><title>Tram line</title></head><body><nav><a href=/>Home</a></nav><main>" + body +
			"</main><footer>Example footer</footer></body></html>"
	}
	paras := func(ps ...string) string { return "<p>" + strings.Join(ps, "</p><p>") + "</p>" }
	tests := []struct {
		name string
		page string
		want []string
	}{
		{"react streamed segment", wrap("<p>"+story1+"</p><template id=\"P:0\"></template><p>"+story2+"</p>") +
			"<div hidden id=\"S:0\"><p>" + story3 + "</p></div>", []string{story1, story3, story2}},
		{"table in figure", wrap("<p>" + story1 + "</p><figure class=\"wp-block-table\"><table><tr><td>" + story3 +
			"</td></tr></table></figure><p>" + story2 + "</p>"), []string{story1, story3, story2}},
		{"toc anchor section", wrap(paras(story1, story2, story3, s4, s5) +
			`<div id="toc_cost"><h2>Cost</h2>` + paras(s6, s7, "A second phase to the harbour is planned for the next decade, if money allows.", "The line will carry an expected twelve thousand passengers a day in its first year.") + "</div>"),
			[]string{story1, story2, story3, s4, s5, "Cost", s6, s7, "A second phase to the harbour is planned for the next decade, if money allows.", "The line will carry an expected twelve thousand passengers a day in its first year."}},
		{"collapsed accordion", wrap(paras(story1, story2, story3, s4) +
			`<div role="region" style="display:none">` + paras(s5, s6, s7) + "</div>"),
			[]string{story1, story2, story3, s4, s5, s6, s7}},
		{"br text in meta span", wrap("<span class=\"wrapper meta_field\">" + story1 + "<br><br>" + story2 +
			"<h2>Timing</h2>" + story3 + "<br><br>" + s4 + "<br><br>" + s5 + "</span>"),
			[]string{story1, story2, "Timing", story3, s4, s5}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, err := extract.Extract([]byte(tc.page), extract.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, a.Paragraphs); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestCleanTextTop(t *testing.T) {
	const title = "Tram line to reach the airport by 2028"
	tests := []struct {
		name  string
		text  string
		title string
		want  []string
	}{
		{"breadcrumb and quoted title", "Home » News » “" + title + "”\n“" + title + "”\n" + title + "\n" + story1, title, []string{story1}},
		{"slash breadcrumb", "Home / News / Transport\n" + story1, "", []string{story1}},
		{"section label", "Transport\n" + title + "\n" + story1, title, []string{story1}},
		{"title prefix repeated", "Title: " + title + "\n" + story1, title, []string{story1}},
		{"title prefix kept", "Title: " + title + "\n" + story1, "", []string{title, story1}},
		{"repeated title inferred", title + "\n" + title + "\n" + story1, "", []string{story1}},
		{"byline and date", "By Anna Berg\nMarch 5, 2024\n" + story1, "", []string{story1}},
		{"author bio at end", story1 + "\n“Coffee lover. Music fanatic. Web guru. Devoted writer.”", "", []string{story1}},
		{"quoted speech at end", story1 + "\n“Go. Now. Run.”", "", []string{story1, "“Go. Now. Run.”"}},
		{"related teasers", story1 + "\nRelated Posts\nMarkets fall for a third day\nNew mayor sworn in\n" + story2, "", []string{story1, story2}},
		{"hard-wrapped", strings.Repeat("word ", 12) + "and more\n" + strings.Repeat("text ", 12) + "and more\n" + "end of it.", "",
			[]string{strings.Repeat("word ", 12) + "and more " + strings.Repeat("text ", 12) + "and more end of it."}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := extract.CleanText(tc.text, extract.Options{Title: tc.title})
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestCleanTextNormalises(t *testing.T) {
	tests := []struct{ in, want string }{
		{"the U.S. embassy’s chargĂ© d’affaires", "the U.S. embassy’s chargé d’affaires"},
		{"cafÃ© and crÃ¨me brÃ»lÃ©e", "café and crème brûlée"},
		{"donâ€™t say â€œneverâ€\u009d", "don’t say “never”"},
		{"Ã¢â‚¬Å“double encodedÃ¢â‚¬Å“", "“double encoded“"},
		{"correct text: naïve café, Łódź, Ärger, Ţară, Ăn, ÜBER“", "correct text: naïve café, Łódź, Ärger, Ţară, Ăn, ÜBER“"},
		{"soft\u00adhyphen and zero\u200bwidth\ufeff", "softhyphen and zerowidth"},
		{"  many   spaces\t\u00a0and\u2003tabs ", "many spaces and tabs"},
		{"e\u0301te\u0301", "été"},
		{"bad \xff\xfe bytes", "bad bytes"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got := extract.CleanText(tc.in, extract.Options{})
			if len(got) != 1 || got[0] != tc.want {
				t.Errorf("CleanText(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestExtractErrors(t *testing.T) {
	nested := strings.Repeat("<div>", 60_000) + "text" + strings.Repeat("</div>", 60_000)
	flat := "<html><body>" + strings.Repeat("<p>x</p>", 60_000) + "</body></html>"
	big := make([]byte, 21<<20)
	for i := range big {
		big[i] = 'a'
	}
	rng := rand.New(rand.NewPCG(1, 2))
	garbage := make([]byte, 4096)
	for i := range garbage {
		garbage[i] = byte(rng.Uint32())
	}
	tests := []struct {
		name string
		in   []byte
		opts extract.Options
		want error
	}{
		{"nested divs", []byte(nested), extract.Options{}, extract.ErrTooComplex},
		{"many elements", []byte(flat), extract.Options{}, extract.ErrTooComplex},
		{"MaxNodes option", []byte("<p>" + story1 + "</p><p>" + story2 + "</p>"), extract.Options{MaxNodes: 3}, extract.ErrTooComplex},
		{"21 MB", big, extract.Options{}, extract.ErrTooLarge},
		{"empty", nil, extract.Options{}, extract.ErrNoContent},
		{"blank", []byte(" \n\t "), extract.Options{}, extract.ErrNoContent},
		{"random bytes", garbage, extract.Options{}, extract.ErrNoContent},
		{"punctuation", []byte("<<<>>>&&&;;;!!!???***"), extract.Options{}, extract.ErrNoContent},
		{"empty document", []byte("<html><head><title>x</title></head><body></body></html>"), extract.Options{}, extract.ErrNoContent},
		{"only boilerplate", []byte(`<body><nav><a href="/">Home</a></nav><p>Share this:</p><p>Leave a Reply</p><footer>© 2024 Site</footer></body>`), extract.Options{}, extract.ErrNoContent},
		{"only script", []byte(`<script>` + story1 + `</script>`), extract.Options{}, extract.ErrNoContent},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, err := extract.Extract(tc.in, tc.opts)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Extract = %v, %v; want error %v", a, err, tc.want)
			}
			if !strings.HasPrefix(err.Error(), "extract: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
		})
	}
	// A plain short page is fine.
	a, err := extract.Extract([]byte("<p>"+story1+"</p>"), extract.Options{})
	if err != nil || len(a.Paragraphs) != 1 || a.Paragraphs[0] != story1 {
		t.Errorf("plain page: %v, %v", a, err)
	}
}

func TestExtractSummaryPicksBlock(t *testing.T) {
	block := func(id, s string) string {
		return `<div id="` + id + `">` + strings.Repeat("<p>"+s+"</p>", 4) + `</div>`
	}
	other := "Shares in the mining group fell sharply after it cut its forecast, blaming weaker demand from China and higher costs."
	page := "<html><body>" + block("a", other) + block("b", story1) + "</body></html>"
	for _, tc := range []struct {
		summary string
		want    string
	}{
		{"The council agreed to extend the tram line to the airport after a decade of debate.", story1},
		{"<p>Mining group <b>shares fell</b> after it cut its forecast on weaker China demand.</p>", other},
	} {
		a, err := extract.Extract([]byte(page), extract.Options{Summary: tc.summary})
		if err != nil {
			t.Fatal(err)
		}
		if len(a.Paragraphs) == 0 || a.Paragraphs[0] != tc.want {
			t.Errorf("summary %q: got %q, want block starting %q", tc.summary, a.Paragraphs, tc.want)
		}
	}
}

func TestExtractMetadata(t *testing.T) {
	page := `<html lang="pt-BR"><head><title>Ignored | Site</title>
<script type="application/ld+json">[{"@type":"Organization","name":"Site"},{"@type":["NewsArticle"],"headline":"Rio opens new metro line",
"author":[{"name":"Ana Souza"},{"name":"Luís Lima"}],"datePublished":"2024-07-01T12:00:00-03:00"}]</script></head>
<body><article><h1>Rio opens new metro line</h1><p>` + story1 + `</p><p>` + story2 + `</p></article></body></html>`
	a, err := extract.Extract([]byte(page), extract.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := &extract.Article{
		Title:      "Rio opens new metro line",
		Author:     "Ana Souza, Luís Lima",
		Published:  time.Date(2024, 7, 1, 15, 0, 0, 0, time.UTC),
		Lang:       "pt-BR",
		Paragraphs: []string{story1, story2},
	}
	// The page type and confidence have their own tests (classify_test.go).
	if diff := cmp.Diff(want, a, cmpopts.IgnoreFields(extract.Article{}, "PageType", "Confidence", "Block")); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if got := a.Text(); got != story1+"\n\n"+story2 {
		t.Errorf("Text() = %q", got)
	}
}

// TestExtractConcurrent runs Extract from several goroutines at once; with
// -race it checks that the package shares no mutable state.
func TestExtractConcurrent(t *testing.T) {
	pages, _ := filepath.Glob(filepath.Join("testdata", "*.html"))
	var inputs [][]byte
	var want []string
	for _, p := range pages {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		a, err := extract.Extract(b, extract.Options{})
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, b)
		want = append(want, a.Text())
	}
	var wg sync.WaitGroup
	errs := make(chan string, 8*len(inputs))
	for range 8 {
		wg.Go(func() {
			for i, b := range inputs {
				a, err := extract.Extract(b, extract.Options{})
				if err != nil || a.Text() != want[i] {
					errs <- pages[i]
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for p := range errs {
		t.Errorf("%s: concurrent result differs", p)
	}
}

func FuzzExtract(f *testing.F) {
	pages, _ := filepath.Glob(filepath.Join("testdata", "*.html"))
	for _, p := range pages {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, "")
	}
	f.Add([]byte("<p>Title: x</p><p>Home » a » b</p><script>alert(1)</script>"), "x")
	f.Add([]byte("<div><p>cafÃ© chargĂ© â€™ Ã"), "Ã©")
	f.Add([]byte("<table><tr><td><pre>a\nb</pre><br><br>"), "")
	f.Fuzz(func(t *testing.T, page []byte, title string) {
		a, err := extract.Extract(page, extract.Options{Title: title, Summary: title})
		if err != nil {
			if !errors.Is(err, extract.ErrNoContent) && !errors.Is(err, extract.ErrTooComplex) && !errors.Is(err, extract.ErrTooLarge) {
				t.Fatalf("unexpected error: %v", err)
			}
			return
		}
		if len(a.Paragraphs) == 0 {
			t.Fatal("no error but no paragraphs")
		}
		for _, p := range append(a.Paragraphs, a.Title, a.Author, a.Lang) {
			if !utf8.ValidString(p) {
				t.Fatalf("invalid UTF-8: %q", p)
			}
		}
		for _, p := range a.Paragraphs {
			if p == "" || strings.Contains(p, "\n") || strings.TrimSpace(p) != p {
				t.Fatalf("badly formed paragraph %q", p)
			}
			if strings.Contains(strings.ToLower(p), "<script") && !strings.Contains(strings.ToLower(string(page)), "&lt;script") {
				t.Fatalf("script markup in output: %q", p)
			}
		}
		for _, p := range extract.CleanText(string(page), extract.Options{Title: title}) {
			if !utf8.ValidString(p) || p == "" {
				t.Fatalf("CleanText gave %q", p)
			}
		}
	})
}

func BenchmarkExtract(b *testing.B) {
	pages, _ := filepath.Glob(filepath.Join("testdata", "*.html"))
	for _, p := range pages {
		in, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(strings.TrimSuffix(filepath.Base(p), ".html"), func(b *testing.B) {
			b.SetBytes(int64(len(in)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := extract.Extract(in, extract.Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	wcxb, err := extracteval.LoadWCXB(filepath.Join(testshared.Dir(b), "corpus", "extraction", "wcxb-dev"))
	if err != nil {
		b.Logf("skipping the corpus benchmarks: %v", err)
		return
	}
	var corpus [][]byte
	var total int64
	for _, p := range wcxb[:min(len(wcxb), 100)] {
		corpus = append(corpus, p.HTML)
		total += int64(len(p.HTML))
	}
	b.Run("wcxb-dev-100/feedsift", func(b *testing.B) {
		b.SetBytes(total)
		b.ReportAllocs()
		failed := 0
		for b.Loop() {
			for _, body := range corpus {
				if _, err := extract.Extract(body, extract.Options{}); err != nil {
					failed++
				}
			}
		}
		b.ReportMetric(float64(len(corpus))*float64(b.N)/b.Elapsed().Seconds(), "pages/s")
		b.ReportMetric(float64(failed)/float64(b.N), "failed/op")
	})
	// The baseline: parse with goquery and keep all text of <body>, the
	// least any extractor does.
	b.Run("wcxb-dev-100/goquery-body-text", func(b *testing.B) {
		b.SetBytes(total)
		b.ReportAllocs()
		for b.Loop() {
			for _, body := range corpus {
				doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
				if err != nil {
					b.Fatal(err)
				}
				if doc.Find("body").Text() == "" {
					b.Log("empty body text")
				}
			}
		}
		b.ReportMetric(float64(len(corpus))*float64(b.N)/b.Elapsed().Seconds(), "pages/s")
	})
}

// TestExtractGeneratedClassNames checks that class names made by CSS-in-JS
// and CSS-module tools are read by their meaningful parts only: a hashed
// "tagStyle_…" paragraph class is story text, while a "Tags_Block__…"
// block is still a tag list.
func TestExtractGeneratedClassNames(t *testing.T) {
	page := `<html><body><main><article class="style_1k79xgg">
<p class="tagStyle_z4kqwb-o_O-style_1tcxgp3">` + story1 + `</p>
<p class="tagStyle_z4kqwb-o_O-style_1tcxgp3">` + story2 + `</p>
<div class="Tags_Block__cri4K"><h3 class="Tags_Title__3w7IU">Topics we cover</h3>
<span class="Tags_Tag__1xYz9">Transport policy and city planning news</span></div>
</article></main></body></html>`
	a, err := extract.Extract([]byte(page), extract.Options{})
	if err != nil {
		t.Fatalf("Extract: %v", err)
	}
	want := []string{story1, story2}
	if diff := cmp.Diff(want, a.Paragraphs); diff != "" {
		t.Errorf("paragraphs (-want +got):\n%s", diff)
	}
}
