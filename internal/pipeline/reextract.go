package pipeline

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/feedsift/feedsift/dedupe"
	"github.com/feedsift/feedsift/internal/ledger"
	"github.com/feedsift/feedsift/internal/story"
	"github.com/feedsift/feedsift/sink"
)

// ErrNoPages is returned by Reextract when the pipeline keeps no pages.
var ErrNoPages = errors.New("pipeline: no page store: fetched pages are not kept")

// ReextractFilter selects the stored pages Reextract runs on.
type ReextractFilter struct {
	FeedID string    // one feed's pages; empty: all
	Since  time.Time // pages fetched at or after; zero: all kept
	// DryRun counts what would change and publishes nothing.
	DryRun bool
}

// ReextractProgress counts the pages done so far and what came of them.
type ReextractProgress struct {
	Total     int `json:"total"`     // pages selected
	Done      int `json:"done"`      // pages handled so far
	Updated   int `json:"updated"`   // stories whose text changed: a story update was published
	Unchanged int `json:"unchanged"` // same text, or a copy still of its story
	Split     int `json:"split"`     // copies that no longer match their story: split out
	Skipped   int `json:"skipped"`   // no story known for the page (aged out of the index)
	Failed    int `json:"failed"`    // extraction or publication failed
}

// Reextract runs extraction again on the kept pages that f selects, after
// its rules changed, and hands each new text to the ledger, which revises
// the page's story (see ledger.Ledger.Revise): a story's own page whose
// text changed gives a story update; a copy's page that is no longer a
// copy is split out.
//
// progress, when not nil, is called after each page. A failure on one page
// is counted and the run goes on; Reextract returns an error only when the
// pages cannot be read or ctx ends.
func (p *Pipeline) Reextract(ctx context.Context, f ReextractFilter, progress func(ReextractProgress)) (ReextractProgress, error) {
	var pr ReextractProgress
	if p.opts.Pages == nil {
		return pr, ErrNoPages
	}
	if err := p.opts.Ledger.CheckReview(); err != nil {
		return pr, err
	}
	filter := sink.PageFilter{FeedID: f.FeedID, Since: f.Since}
	total, err := p.opts.Pages.CountPages(ctx, filter)
	if err != nil {
		return pr, fmt.Errorf("pipeline: reextract: %w", err)
	}
	pr.Total = total
	err = p.opts.Pages.Pages(ctx, filter, func(pg sink.Page) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := p.reextractPage(ctx, pg, f.DryRun, &pr); err != nil {
			pr.Failed++
			p.log.Warn("reextract", "page", pg.URL, "feed_id", pg.FeedID, "error", err)
		}
		pr.Done++
		if progress != nil {
			progress(pr)
		}
		return nil
	})
	if err != nil {
		return pr, fmt.Errorf("pipeline: reextract: %w", err)
	}
	p.log.Info("reextract done", "pages", pr.Done, "updated", pr.Updated, "split", pr.Split,
		"unchanged", pr.Unchanged, "skipped", pr.Skipped, "failed", pr.Failed, "dry_run", f.DryRun)
	return pr, nil
}

func (p *Pipeline) reextractPage(ctx context.Context, pg sink.Page, dryRun bool, pr *ReextractProgress) error {
	if !p.opts.Ledger.Seen(dedupe.IdentityKeys(pg.FeedID, story.Item{URL: pg.URL})) {
		pr.Skipped++ // not worth extracting: no story to revise
		return nil
	}
	item := story.Item{URL: pg.ItemURL, Title: pg.Title, Summary: pg.Summary}
	if item.URL == "" {
		item.URL = pg.URL
	}
	f, ok := p.feedByID(pg.FeedID) // for its selector
	if !ok {
		f = story.Feed{ID: pg.FeedID}
	}
	text, page, err := p.pageText(ctx, f, &item, pg.Body, pg.ContentType, pg.FetchURL)
	if err != nil {
		return err
	}
	if cut, n := capText(text, p.opts.MaxTextBytes); n > 0 {
		text = cut
	}
	revised, err := p.opts.Ledger.Revise(ctx, ledger.Revision{
		FeedID: pg.FeedID, PageURL: pg.URL, ItemURL: item.URL, Text: text, Page: page, DryRun: dryRun,
	})
	switch revised {
	case ledger.RevisedSkipped:
		pr.Skipped++
	case ledger.RevisedUnchanged:
		pr.Unchanged++
	case ledger.RevisedUpdated:
		pr.Updated++
	case ledger.RevisedSplit:
		pr.Split++
	}
	return err
}
