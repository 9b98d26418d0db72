package pipeline

import (
	"cmp"
	"fmt"
	"strings"

	"github.com/feedsift/feedsift/dedupe"
	"github.com/feedsift/feedsift/extract"
	"github.com/feedsift/feedsift/fetcher"
	"github.com/feedsift/feedsift/internal/charset"
	"github.com/feedsift/feedsift/internal/story"
	"github.com/feedsift/feedsift/sink"
)

// PageStore keeps fetched article pages for re-extraction (see
// Reextract).
type PageStore interface {
	SavePage(p sink.Page) error
	Pages(f sink.PageFilter, fn func(sink.Page) error) error
	CountPages(f sink.PageFilter) (int, error)
}

// pageText turns a fetched page into the story's clean text: charset to
// UTF-8, extraction guided by the item's title and summary, then the
// host's site template. It fills the item's author and time when the feed
// had none. The poll and Reextract both use it.
func (p *Pipeline) pageText(f story.Feed, item *story.Item, raw []byte, contentType, pageURL string) (string, error) {
	body, _, err := charset.ToUTF8(raw, contentType)
	if err != nil {
		p.metrics.Errors.WithLabelValues(ErrKindExtract).Inc()
		return "", &PollError{FeedID: f.ID, Kind: ErrKindExtract, Err: fmt.Errorf("%s: %w", item.URL, err)}
	}
	art, err := extract.Extract(body, extract.Options{URL: pageURL, Title: item.Title, Summary: item.Summary})
	if err != nil {
		p.metrics.Errors.WithLabelValues(ErrKindExtract).Inc()
		return "", &PollError{FeedID: f.ID, Kind: ErrKindExtract, Err: fmt.Errorf("%s: %w", item.URL, err)}
	}
	if item.Author == "" {
		item.Author = art.Author
	}
	if item.Published.IsZero() {
		item.Published = art.Published
	}
	paras := art.Paragraphs
	if p.opts.Templates != nil {
		paras = p.stripTemplate(pageURL, paras)
	}
	return strings.Join(paras, "\n\n"), nil
}

// savePage keeps the fetched page for re-extraction when a PageStore is
// set. A failure costs only that later re-extraction: it is logged.
func (p *Pipeline) savePage(f story.Feed, item story.Item, resp *fetcher.Response) {
	if p.opts.Pages == nil || len(resp.Body) > sink.MaxPageSize {
		return
	}
	key, err := dedupe.CanonicalURL(item.URL)
	if err != nil {
		return
	}
	err = p.opts.Pages.SavePage(sink.Page{
		URL: key, ItemURL: item.URL, FetchURL: cmp.Or(resp.URL, item.URL), FeedID: f.ID, Title: item.Title, Summary: item.Summary,
		ContentType: resp.ContentType, Fetched: p.now().UTC(), Body: resp.Body,
	})
	if err != nil {
		p.log.Warn("keep page for re-extraction", "feed_id", f.ID, "item_url", item.URL, "error", err)
	}
}
