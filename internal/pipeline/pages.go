package pipeline

import (
	"cmp"
	"context"
	"fmt"
	"strings"

	"github.com/feedsift/feedsift/dedupe"
	"github.com/feedsift/feedsift/extract"
	"github.com/feedsift/feedsift/fetcher"
	"github.com/feedsift/feedsift/internal/charset"
	"github.com/feedsift/feedsift/internal/ledger"
	"github.com/feedsift/feedsift/internal/story"
	"github.com/feedsift/feedsift/sink"
)

// PageStore keeps fetched article pages for re-extraction (see
// Reextract).
type PageStore interface {
	SavePage(ctx context.Context, p sink.Page) error
	Pages(ctx context.Context, f sink.PageFilter, fn func(sink.Page) error) error
	CountPages(ctx context.Context, f sink.PageFilter) (int, error)
}

// pageText turns a fetched page into the story's clean text: charset to
// UTF-8, extraction guided by the item's title and summary (or by the
// feed's selector, when it has one), then the host's site template. It
// fills the item's author and time when the feed had none, and gives the
// address the page declares as its own (ledger.Page.Address). The poll and
// Reextract both use it.
func (p *Pipeline) pageText(ctx context.Context, f story.Feed, item *story.Item, raw []byte, contentType, pageURL string) (string, ledger.Page, error) {
	body, _, err := charset.ToUTF8(raw, contentType)
	if err != nil {
		p.metrics.Errors.WithLabelValues(ErrKindExtract).Inc()
		return "", ledger.Page{}, &PollError{FeedID: f.ID, Kind: ErrKindExtract, Err: fmt.Errorf("%s: %w", item.URL, err)}
	}
	opts := extract.Options{URL: pageURL, Title: item.Title, Summary: item.Summary, Selector: f.Selector}
	if f.Exclude != "" {
		opts.Exclude = []string{f.Exclude}
	}
	var art *extract.Article
	if cerr := p.withCPU(ctx, func() { art, err = extract.Extract(body, opts) }); cerr != nil {
		return "", ledger.Page{}, &PollError{FeedID: f.ID, Kind: ErrKindExtract, Err: fmt.Errorf("%s: %w", item.URL, cerr)}
	}
	if err == nil && art.Block == extract.BlockLastResort && ownText(*item) {
		// Every reader failed on the page and what is left is its
		// region, menus and all: the item's own text is the better
		// story, as it was when Extract gave ErrNoContent here.
		art, err = nil, fmt.Errorf("%w: only a last-resort reading (block %s)", extract.ErrNoContent, extract.BlockLastResort)
	}
	if err != nil {
		p.metrics.Errors.WithLabelValues(ErrKindExtract).Inc()
		return "", ledger.Page{}, &PollError{FeedID: f.ID, Kind: ErrKindExtract, Err: fmt.Errorf("%s: %w", item.URL, err)}
	}
	if f.Selector != "" && art.Block != extract.BlockSelector {
		if _, warned := p.selectorMissed.LoadOrStore(f.ID+"\x00"+f.Selector, true); !warned {
			p.log.Warn("the feed's selector matches nothing on its page: automatic extraction used (warned once per feed)",
				"feed_id", f.ID, "selector", f.Selector, "item_url", item.URL)
		}
	}
	if item.Author == "" {
		item.Author = art.Author
	}
	if item.Published.IsZero() {
		item.Published = art.Published
	}
	paras := art.Paragraphs
	if p.opts.Templates != nil {
		paras = p.stripTemplate(ctx, pageURL, paras)
	}
	page := ledger.Page{Type: art.PageType, Confidence: art.Confidence, Address: extract.DeclaredAddress(body, pageURL)}
	return strings.Join(paras, "\n\n"), page, nil
}

// savePage keeps the fetched page for re-extraction when a PageStore is
// set. A failure costs only that later re-extraction: it is logged.
func (p *Pipeline) savePage(ctx context.Context, f story.Feed, item story.Item, resp *fetcher.Response) {
	if p.opts.Pages == nil || len(resp.Body) > sink.MaxPageSize {
		return
	}
	key, err := dedupe.CanonicalURL(item.URL)
	if err != nil {
		return
	}
	err = p.opts.Pages.SavePage(ctx, sink.Page{
		URL: key, ItemURL: item.URL, FetchURL: cmp.Or(resp.URL, item.URL), FeedID: f.ID, Title: item.Title, Summary: item.Summary,
		ContentType: resp.ContentType, Fetched: p.now().UTC(), Body: resp.Body,
	})
	if err != nil {
		p.log.Warn("keep page for re-extraction", "feed_id", f.ID, "item_url", item.URL, "error", err)
	}
}

// ownText reports whether the feed item carries text of its own, in its
// content or its summary, that itemText would publish when the page
// gives none.
func ownText(item story.Item) bool {
	return htmlText(item.Content, item.Title) != "" || htmlText(item.Summary, item.Title) != ""
}
