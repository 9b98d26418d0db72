package httpapi_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/google/go-cmp/cmp"

	"github.com/feedsift/feedsift/internal/httpapi"
	"github.com/feedsift/feedsift/internal/story"
	"github.com/feedsift/feedsift/sink"
)

// browserTimeout bounds one browser test; the machine may be loaded.
const browserTimeout = 3 * time.Minute

// pagesStore holds stories for the browser tests of the pages: w1 with
// two copies and a related story w2, a tech story, and a story from
// years ago.
func pagesStore(t *testing.T, now time.Time) *sink.Store {
	t.Helper()
	stories := []story.Story{
		{ID: "w1", Topic: "world", FeedID: "wire", URL: "https://wire.example/ferry", Title: "Ferry strike ends",
			Published: now.Add(-2 * time.Hour), Text: "The ferry strike ended.\n\nBoats sail again.", Source: "article",
			Related: []story.Related{{StoryID: "w2", Similarity: 0.4}}},
		{ID: "w2", Topic: "world", FeedID: "wire", URL: "https://wire.example/port", Title: "Port strike called",
			Published: now.Add(-5 * time.Hour), Text: "Dockers call a strike.", Source: "article",
			Related: []story.Related{{StoryID: "w1", Similarity: 0.4}}},
		{ID: "t1", Topic: "tech", FeedID: "digest", URL: "https://digest.example/orbit", Title: "Satellite reaches orbit",
			Published: now.Add(-3 * time.Hour), Source: "summary"},
		{ID: "h1", Topic: "history", FeedID: "almanac", URL: "https://almanac.example/1911", Title: "Archive piece",
			Published: time.Date(2011, time.February, 9, 22, 0, 0, 0, time.UTC), Source: "summary"},
	}
	dupes := []story.Duplicate{
		{StoryID: "w1", Topic: "world", FeedID: "ledger", URL: "https://ledger.example/ferry", Title: "Ferry strike over",
			Seen: now.Add(-time.Hour), Method: "content", Similarity: 0.88, Reason: "88% shared"},
		{StoryID: "w1", Topic: "world", FeedID: "courier", URL: "https://courier.example/ferry", Title: "Ferry strike ends",
			Seen: now.Add(-90 * time.Minute), Method: "url", Similarity: 1, Reason: "same URL"},
	}
	return homeStore(t, stories, dupes, nil)
}

func location(t *testing.T, ctx context.Context) string {
	t.Helper()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// TestLoginInBrowser logs in through the form in headless Chromium with
// http.token set: a wrong token shows the error on the form, the right
// one opens the overview, a story's page lists its copies and related
// stories, logout leads back to the login page, and a page asked for
// afterwards needs a new login, which returns to it.
func TestLoginInBrowser(t *testing.T) {
	now := time.Now().UTC().Truncate(time.Second)
	const token = "browser-t0ken"
	hs := httptest.NewServer(httpapi.New(httpapi.Options{Store: pagesStore(t, now), Token: token}))
	t.Cleanup(hs.Close)
	bctx := browser(t)
	ctx, cancel := context.WithTimeout(bctx, browserTimeout)
	defer cancel()

	// A page without a session: the login form.
	if err := chromedp.Do(ctx, chromedp.Navigate(hs.URL+"/"), chromedp.WaitVisible(chromedp.CSS("#login-form"))); err != nil {
		t.Fatalf("load / without a session: %v", err)
	}
	if loc := location(t, ctx); loc != hs.URL+"/login" {
		t.Errorf("location %q, want the login page", loc)
	}

	// A wrong token: the error on the form.
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#token"), "not-the-token"),
		chromedp.Click(chromedp.CSS("#login-button")),
		chromedp.WaitVisible(chromedp.CSS("#login-error")),
	); err != nil {
		t.Fatalf("log in with a wrong token: %v", err)
	}
	if got := homeText(t, ctx, "#login-error"); got != "Wrong token." {
		t.Errorf("error on the form %q", got)
	}

	// The right token: the overview.
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#token"), token),
		chromedp.Click(chromedp.CSS("#login-button")),
		chromedp.WaitVisible(chromedp.CSS("#feeds-heading")),
		chromedp.WaitVisible(chromedp.CSS(`section.topic[data-topic="world"]`)),
	); err != nil {
		t.Fatalf("log in: %v", err)
	}
	if loc := location(t, ctx); loc != hs.URL+"/" {
		t.Errorf("location after login %q, want the overview", loc)
	}
	if diff := cmp.Diff([]string{"w1", "w2"}, homeAttrs(t, ctx, `section.topic[data-topic="world"] li`, "data-story")); diff != "" {
		t.Errorf("world's stories (-want +got):\n%s", diff)
	}
	cookies, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.cookie`))
	if err != nil {
		t.Fatal(err)
	}
	if cookies != "" {
		t.Errorf("scripts see the cookies %q: the session cookie must be HttpOnly", cookies)
	}
	// The old story shows its date, the exact time in its title.
	old := `li[data-story="h1"] time`
	if got := homeText(t, ctx, old); got != "2011-02-09" {
		t.Errorf("the 2011 story's age reads %q, want its date", got)
	}
	if got := homeAttrs(t, ctx, old, "title"); len(got) != 1 || got[0] != "2011-02-09 22:00:00 UTC" {
		t.Errorf("the 2011 story's time title %q", got)
	}

	// A story: its copies and related stories.
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`li[data-story="w1"] a.story-details`)),
		chromedp.WaitVisible(chromedp.CSS(`body[data-story="w1"] #copies`)),
	); err != nil {
		t.Fatalf("open story w1: %v", err)
	}
	if got := homeText(t, ctx, "h1"); got != "Ferry strike ends" {
		t.Errorf("story heading %q", got)
	}
	if diff := cmp.Diff([]string{"courier", "ledger"}, homeAttrs(t, ctx, "#copies tr.copy", "data-feed")); diff != "" {
		t.Errorf("copies, oldest first (-want +got):\n%s", diff)
	}
	if got := homeText(t, ctx, `#copies tr[data-feed="ledger"]`); !strings.Contains(got, "88%") || !strings.Contains(got, "content") ||
		!strings.Contains(got, "https://ledger.example/ferry") || !strings.Contains(got, "1h ago") {
		t.Errorf("ledger's copy reads %q, want its URL, 88%%, content and 1h ago", got)
	}
	if got := homeText(t, ctx, `#related li[data-story="w2"]`); !strings.Contains(got, "Port strike called") || !strings.Contains(got, "40% similar") {
		t.Errorf("related story reads %q", got)
	}
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#related li[data-story="w2"] a`)),
		chromedp.WaitVisible(chromedp.CSS(`body[data-story="w2"]`)),
	); err != nil {
		t.Fatalf("follow the related story: %v", err)
	}
	if got := homeText(t, ctx, "#no-copies"); got != "No copies merged into this story." {
		t.Errorf("w2's copies read %q", got)
	}

	// Log out: the login page, and the pages closed again.
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS("#logout")),
		chromedp.WaitVisible(chromedp.CSS("#login-form")),
	); err != nil {
		t.Fatalf("log out: %v", err)
	}
	if loc := location(t, ctx); loc != hs.URL+"/login" {
		t.Errorf("location after logout %q, want the login page", loc)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(hs.URL+"/stories/w1"), chromedp.WaitVisible(chromedp.CSS("#login-form"))); err != nil {
		t.Fatalf("load a story after logout: %v", err)
	}
	if loc := location(t, ctx); loc != hs.URL+"/login?next="+url.QueryEscape("/stories/w1") {
		t.Errorf("location of a story after logout %q, want the login page with next", loc)
	}
	// Logging in again returns to the story.
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#token"), token),
		chromedp.Click(chromedp.CSS("#login-button")),
		chromedp.WaitVisible(chromedp.CSS(`body[data-story="w1"] #copies`)),
	); err != nil {
		t.Fatalf("log in to return to the story: %v", err)
	}
}

// count returns how many elements match sel now, without waiting.
func count(t *testing.T, ctx context.Context, sel string) int {
	t.Helper()
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll(`+strconv.Quote(sel)+`).length`))
	if err != nil {
		t.Fatalf("count %s: %v", sel, err)
	}
	return n
}

// countHome wraps h and reports each GET / on the returned channel.
func countHome(h http.Handler) (http.Handler, <-chan struct{}) {
	hits := make(chan struct{}, 100)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && r.URL.Path == "/" {
			select {
			case hits <- struct{}{}:
			default:
			}
		}
		h.ServeHTTP(w, r)
	}), hits
}

func drain(ch <-chan struct{}) {
	for {
		select {
		case <-ch:
		default:
			return
		}
	}
}

// TestOverviewInBrowser searches the overview and pages through the
// results in headless Chromium, then checks the auto-refresh: the first
// page reloads itself, not while the reader types in the search box, and
// not once the box is unticked, which the browser remembers.
func TestOverviewInBrowser(t *testing.T) {
	now := time.Now().UTC().Truncate(time.Second)
	h, hits := countHome(httpapi.New(httpapi.Options{Store: pagesStore(t, now)}))
	hs := httptest.NewServer(h)
	t.Cleanup(hs.Close)
	bctx := browser(t)
	ctx, cancel := context.WithTimeout(bctx, browserTimeout)
	defer cancel()

	// Search, one story per page.
	if err := chromedp.Do(ctx,
		chromedp.Navigate(hs.URL+"/?limit=1&refresh=0"),
		chromedp.WaitVisible(chromedp.CSS("#q")),
		chromedp.SendKeys(chromedp.CSS("#q"), "STRIKE\r"),
		chromedp.WaitVisible(chromedp.CSS("#clear-search")),
	); err != nil {
		t.Fatalf("search: %v", err)
	}
	if loc := location(t, ctx); !strings.Contains(loc, "q=STRIKE") || !strings.Contains(loc, "limit=1") {
		t.Errorf("location after the search %q", loc)
	}
	if diff := cmp.Diff([]string{"w1"}, homeAttrs(t, ctx, "section.topic li", "data-story")); diff != "" {
		t.Errorf("first page of the search (-want +got):\n%s", diff)
	}
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS("#older")),
		chromedp.WaitVisible(chromedp.CSS("#newest")),
	); err != nil {
		t.Fatalf("older: %v", err)
	}
	if diff := cmp.Diff([]string{"w2"}, homeAttrs(t, ctx, "section.topic li", "data-story")); diff != "" {
		t.Errorf("second page of the search (-want +got):\n%s", diff)
	}
	if n := count(t, ctx, "#older"); n != 0 {
		t.Errorf("the last page of the search has %d older links", n)
	}
	if n := count(t, ctx, "#auto-refresh"); n != 0 {
		t.Error("an older page offers auto-refresh")
	}

	// Auto-refresh every second: the page asks the server again by
	// itself.
	if err := chromedp.Do(ctx, chromedp.Navigate(hs.URL+"/?refresh=1"), chromedp.WaitVisible(chromedp.CSS("#auto-refresh"))); err != nil {
		t.Fatalf("load the first page: %v", err)
	}
	drain(hits)
	for range 2 {
		select {
		case <-hits:
		case <-ctx.Done():
			t.Fatal("the first page did not reload itself")
		}
	}

	// The rule the timer follows, on a page with a long period so that
	// no reload comes in between: not while typing in the search box,
	// and not with the box unticked, which is remembered. Leaving the
	// page that reloads itself every second may race with one of its
	// reloads, which aborts the navigation: that is the page working,
	// and the navigation is made again.
	if err := navigateAway(ctx, hs.URL+"/?refresh=3600", "#auto-refresh"); err != nil {
		t.Fatalf("load the first page: %v", err)
	}
	should := func(when string, want bool) {
		t.Helper()
		got, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.feedsiftShouldReload()`))
		if err != nil {
			t.Fatalf("%s: %v", when, err)
		}
		if got != want {
			t.Errorf("%s: reload %v, want %v", when, got, want)
		}
	}
	should("idle", true)
	if err := chromedp.Do(ctx, chromedp.Focus(chromedp.CSS("#q"))); err != nil {
		t.Fatal(err)
	}
	should("search box focused", false)
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#q"), "fer")); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.activeElement.blur(), true`)); err != nil {
		t.Fatal(err)
	}
	should("just typed, then left the box", false)
	if err := chromedp.Do(ctx,
		chromedp.Navigate(hs.URL+"/?refresh=3600"), chromedp.WaitVisible(chromedp.CSS("#auto-refresh")),
		chromedp.Click(chromedp.CSS("#auto-refresh")),
	); err != nil {
		t.Fatal(err)
	}
	should("box unticked", false)
	if err := chromedp.Do(ctx, chromedp.Navigate(hs.URL+"/?refresh=3600"), chromedp.WaitVisible(chromedp.CSS("#auto-refresh"))); err != nil {
		t.Fatal(err)
	}
	ticked, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("auto-refresh").checked`))
	if err != nil {
		t.Fatal(err)
	}
	if ticked {
		t.Error("the unticked box is ticked again after a reload")
	}
	should("box unticked, after a reload", false)
}

// navigateAway navigates to url and waits for sel, from a page that may be
// reloading itself: a navigation its reload aborted (net::ERR_ABORTED) is
// made again, a few times.
func navigateAway(ctx context.Context, url, sel string) error {
	var err error
	for range 5 {
		err = chromedp.Do(ctx, chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS(sel)))
		if err == nil || !strings.Contains(err.Error(), "ERR_ABORTED") {
			return err
		}
	}
	return err
}
