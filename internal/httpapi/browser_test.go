package httpapi_test

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/feedsift/feedsift/dedupe"
	"github.com/feedsift/feedsift/internal/feedfarm"
	"github.com/feedsift/feedsift/internal/httpapi"
	"github.com/feedsift/feedsift/internal/ledger"
	"github.com/feedsift/feedsift/internal/natstest"
	"github.com/feedsift/feedsift/internal/story"
	"github.com/feedsift/feedsift/sink"
)

// chromiumPath is where Debian's chromium package puts the browser
// (scripts/install-chromium.sh installs it).
const chromiumPath = "/usr/bin/chromium"

// reviewEnv is a real review stack: embedded JetStream, the publisher, a
// bbolt store consuming the stream, an index and a pipeline (the
// Reviewer), served by httpapi on loopback.
type reviewEnv struct {
	js    *sink.JetStream
	store *sink.Store
	index *dedupe.Index
	srv   *httptest.Server
}

func newReviewEnv(t *testing.T) *reviewEnv {
	t.Helper()
	srv := natstest.RunJetStream(t)
	nc := natstest.Connect(t, srv)
	js, err := sink.NewJetStream(t.Context(), nc, sink.JetStreamOptions{})
	if err != nil {
		t.Fatalf("NewJetStream: %v", err)
	}
	store, err := sink.OpenStore(filepath.Join(t.TempDir(), "feedsift.db"), sink.StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Close() })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- store.Consume(ctx, js, "") }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Consume: %v", err)
		}
	})
	index, err := dedupe.NewIndex(dedupe.Options{})
	if err != nil {
		t.Fatal(err)
	}
	led, err := ledger.New(ledger.Options{Publisher: js, Index: index, Review: store})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(httpapi.New(httpapi.Options{Store: store, Review: led}))
	t.Cleanup(hs.Close)
	return &reviewEnv{js: js, store: store, index: index, srv: hs}
}

// demoArticle returns the text (paragraphs joined by blank lines) of one
// of feedfarm's demo articles, which were written for this project.
func demoArticle(t *testing.T, slug string) (feedfarm.Article, string) {
	t.Helper()
	for _, site := range feedfarm.DemoScenario().Sites {
		for _, e := range site.Entries {
			if e.Article.Slug == slug {
				return e.Article, strings.Join(e.Article.Paragraphs, "\n\n")
			}
		}
	}
	t.Fatalf("no demo article %q", slug)
	return feedfarm.Article{}, ""
}

// fixture publishes a story with one content copy (a partner header, one
// edited word, the last paragraph dropped) and an unrelated story, and
// waits until the store has them.
func (e *reviewEnv) fixture(t *testing.T) (story.Story, story.Duplicate) {
	t.Helper()
	art, text := demoArticle(t, "tram-line-3-opens")
	when := time.Date(2026, 3, 7, 9, 30, 0, 0, time.UTC)
	s := story.Story{
		ID: "a1b2c3d4e5f60718293a4b5c6d7e8f90", Topic: "world.europe", FeedID: "courier",
		URL: "https://courier.example/tram-line-3-opens", CanonicalURL: "https://courier.example/tram-line-3-opens",
		Title: art.Title, Published: when, Fetched: when.Add(time.Minute), Text: text, Source: "article",
	}
	paras := slices.Clone(art.Paragraphs)
	paras[0] = strings.Replace(paras[0], "About ninety people", "About a hundred people", 1)
	paras = append([]string{"Shared by the Vellmouth Courier under a content partnership."}, paras[:len(paras)-1]...)
	m := story.Duplicate{
		StoryID: s.ID, Topic: s.Topic, FeedID: "ledger", URL: "https://ledger.example/trams-carry-first-passengers",
		GUID: "ledger-4471", Title: "Trams carry first passengers", Seen: when.Add(2 * time.Hour),
		Method: "content", Similarity: 0.91, Reason: "content: copy of story a1b2c3d4: 91% of this text's shingles are in it",
		Text: strings.Join(paras, "\n\n"), Source: "article",
	}
	_, other := demoArticle(t, "kestrel-2-reaches-orbit")
	o := story.Story{
		ID: "ffee0011223344556677889900aabbcc", Topic: "tech", FeedID: "digest", URL: "https://digest.example/kestrel-2",
		Title: "Student satellite reaches orbit", Fetched: when, Text: other, Source: "summary",
	}
	ctx := t.Context()
	for _, st := range []story.Story{s, o} {
		if _, _, err := e.js.Publish(ctx, sink.StoryEvent(st), sink.PublishOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	seq, _, err := e.js.Publish(ctx, sink.DuplicateEvent(m), sink.PublishOptions{})
	if err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := e.store.WaitSeq(wctx, seq); err != nil {
		t.Fatal(err)
	}
	s.Version, m.Version = story.Version, story.Version
	return s, m
}

// browser starts headless Chromium for the test, or skips the test when
// there is none (unless FEEDSIFT_REQUIRE_BROWSER=1, as in CI).
func browser(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("FEEDSIFT_REQUIRE_BROWSER") == "1" {
			t.Fatalf("FEEDSIFT_REQUIRE_BROWSER=1 but %s is missing: run scripts/install-chromium.sh", chromiumPath)
		}
		t.Skipf("skipping the browser test: %s is missing (scripts/install-chromium.sh installs it; FEEDSIFT_REQUIRE_BROWSER=1 makes this a failure)", chromiumPath)
	}
	// The machine's network is closed: without these flags Chromium
	// waits on refused connections of its own.
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromiumPath),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	// The first Run starts the browser; it must not carry a timeout.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// TestReportPageSplitInBrowser loads the report page in headless
// Chromium, checks the cluster and its diff, presses split, and checks
// the store, the page and the stream.
func TestReportPageSplitInBrowser(t *testing.T) {
	e := newReviewEnv(t)
	s, m := e.fixture(t)
	bctx := browser(t)
	ctx, cancel := context.WithTimeout(bctx, 60*time.Second)
	defer cancel()

	key := m.MemberKey()
	section := chromedp.CSS(`section[data-story="` + s.ID + `"]`)
	if err := chromedp.Do(ctx, chromedp.Navigate(e.srv.URL+"/dupes"), chromedp.WaitVisible(section)); err != nil {
		t.Fatalf("load /dupes: %v", err)
	}
	html, err := chromedp.Run(ctx, chromedp.OuterHTML(section))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{s.Title, m.URL, m.FeedID, "91%", `data-member="` + key + `"`} {
		if !strings.Contains(html, want) {
			t.Errorf("the story's section lacks %q", want)
		}
	}
	memberSel := `section[data-story="` + s.ID + `"] div[data-member="` + key + `"]`
	del, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(memberSel+` .left del.diff-del`)))
	if err != nil {
		t.Fatalf("no deleted words on the story's side: %v", err)
	}
	ins, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(memberSel+` .right ins.diff-ins`)))
	if err != nil {
		t.Fatalf("no inserted words on the copy's side: %v", err)
	}
	if !strings.Contains(del, "ninety") || !strings.Contains(ins, "Shared by the Vellmouth Courier") {
		t.Errorf("first deleted words %q (want the story's \"ninety\"), first inserted %q (want the partner header)", del, ins)
	}
	paras, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSSAll(memberSel+` .right p`)))
	if err != nil {
		t.Fatal(err)
	}
	if want := len(strings.Split(m.Text, "\n\n")); len(paras) != want {
		t.Errorf("the copy's column has %d paragraphs, want %d", len(paras), want)
	}

	// Split.
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`button.split-button[data-member="`+key+`"]`)),
		chromedp.WaitVisible(chromedp.CSS("#done")),
	); err != nil {
		t.Fatalf("press split: %v", err)
	}
	done, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#done")))
	if err != nil {
		t.Fatal(err)
	}
	keys := dedupe.IdentityKeys(m.FeedID, story.Item{GUID: m.GUID, URL: m.URL})
	newID := dedupe.StoryID(keys[0])
	if !strings.Contains(done, newID) {
		t.Errorf("message after split %q does not name the new story %s", done, newID)
	}
	body, err := chromedp.Run(ctx, chromedp.OuterHTML(chromedp.CSS("body")))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(body, `data-member="`+key+`"`) || strings.Contains(body, `data-story="`+s.ID+`"`) {
		t.Errorf("after split the page still shows the member or its story (it had no other member)")
	}

	// The store: the member is a story of its own and out of the report.
	got, ok, err := e.store.Story(t.Context(), newID)
	if err != nil || !ok {
		t.Fatalf("store has no story %s after split (err %v)", newID, err)
	}
	if got.SplitFrom != s.ID || got.Text != m.Text || got.URL != m.URL || got.Title != m.Title {
		t.Errorf("split story = %+v, want split_from %s and the member's URL, title and text", got, s.ID)
	}
	members, err := e.store.Members(t.Context(), s.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(members) != 0 {
		t.Errorf("story %s still has members %v", s.ID, members)
	}
	report, err := e.store.Report(sink.StoryFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(report) != 0 {
		t.Errorf("report after split has %d entries, want none", len(report))
	}

	// The stream: the override, then the new story on its topic.
	var overrides []story.Override
	var announced []story.Story
	err = e.js.Replay(ctx, func(ev sink.Event) error {
		switch {
		case ev.Override != nil:
			if ev.Subject != "feedsift.overrides."+s.Topic {
				t.Errorf("override on subject %q", ev.Subject)
			}
			overrides = append(overrides, *ev.Override)
		case ev.Story != nil && ev.Story.ID == newID:
			if ev.Subject != "news."+s.Topic {
				t.Errorf("new story on subject %q", ev.Subject)
			}
			announced = append(announced, *ev.Story)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(overrides) != 1 || overrides[0].Op != story.OpSplit || overrides[0].Story != s.ID ||
		overrides[0].Member != key || overrides[0].NewStory != newID || !strings.HasPrefix(overrides[0].By, "web ") {
		t.Errorf("overrides on the stream = %+v, want one split of %s from %s by web", overrides, key, s.ID)
	}
	if len(announced) != 1 || announced[0].SplitFrom != s.ID {
		t.Errorf("new story announced %d times (%+v), want once with split_from", len(announced), announced)
	}
}
