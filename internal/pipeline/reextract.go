package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/feedsift/feedsift/dedupe"
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
// its rules changed, and then the dedupe decision:
//
//   - a page that is a story's own: when the new text differs, a new
//     version of the story is published (story update, Nats-Msg-Id
//     "story:<id>:reextract-<text hash>"), and the index learns the text;
//   - a page of a copy merged into a story: when its new text is no longer
//     a copy of that story, it is split out (an override by "reextract",
//     the same as a person's split).
//
// progress, when not nil, is called after each page. A failure on one page
// is counted and the run goes on; Reextract returns an error only when the
// pages cannot be read or ctx ends.
func (p *Pipeline) Reextract(ctx context.Context, f ReextractFilter, progress func(ReextractProgress)) (ReextractProgress, error) {
	var pr ReextractProgress
	if p.opts.Pages == nil {
		return pr, ErrNoPages
	}
	if p.opts.Review == nil {
		return pr, ErrNoReview
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
	item := story.Item{URL: pg.ItemURL, Title: pg.Title, Summary: pg.Summary}
	if item.URL == "" {
		item.URL = pg.URL
	}
	keys := dedupe.IdentityKeys(pg.FeedID, story.Item{URL: pg.URL})
	storyID, key, known := p.opts.Index.Seen(keys)
	if !known {
		pr.Skipped++
		return nil
	}
	// People's (and earlier runs') splits and merges move a page to
	// another story than the index recorded.
	storyID = p.overrides.Identity(storyID, key)
	f, ok := p.feedByID(pg.FeedID) // for its selector
	if !ok {
		f = story.Feed{ID: pg.FeedID}
	}
	text, info, err := p.pageText(ctx, f, &item, pg.Body, pg.ContentType, pg.FetchURL)
	if err != nil {
		return err
	}
	if cut, n := capText(text, p.opts.MaxTextBytes); n > 0 {
		text = cut
	}
	s, found, err := p.opts.Review.Story(storyID)
	if err != nil {
		return err
	}
	own := found && canonicalOf(s.URL) == pg.URL
	if own {
		if s.Text == text {
			pr.Unchanged++
			return nil
		}
		pr.Updated++
		if dryRun {
			return nil
		}
		return p.publishReextracted(ctx, s, text, info)
	}
	m := p.opts.Index.Match(text)
	if m.Duplicate && m.StoryID == storyID {
		pr.Unchanged++
		return nil
	}
	pr.Split++
	if dryRun {
		return nil
	}
	res, err := p.Split(ctx, storyID, item.URL, "reextract")
	if err != nil {
		pr.Split--
		return fmt.Errorf("split %s out of %s: %w", item.URL, storyID, err)
	}
	// The split-out story carries the copy's text as it was merged; give
	// it the text just extracted.
	for _, ns := range res.Stories {
		if ns.ID == res.Override.NewStory && ns.Text != text {
			return p.publishReextracted(ctx, ns, text, info)
		}
	}
	return nil
}

// publishReextracted publishes s with its new text as a story update and
// lets the index learn the text.
func (p *Pipeline) publishReextracted(ctx context.Context, s story.Story, text string, info pageInfo) error {
	p.decide.Lock()
	defer p.decide.Unlock()
	sum := sha256.Sum256([]byte(text))
	s.Text = text
	info.set(&s)
	if _, _, err := p.opts.Publisher.PublishStoryUpdate(ctx, s, "reextract-"+hex.EncodeToString(sum[:8])); err != nil {
		p.metrics.Errors.WithLabelValues(ErrKindPublish).Inc()
		return fmt.Errorf("publish update of story %s: %w", s.ID, err)
	}
	p.opts.Index.Add(dedupe.Entry{StoryID: s.ID, Text: text, Time: p.now()})
	return nil
}

func canonicalOf(u string) string {
	c, err := dedupe.CanonicalURL(u)
	if err != nil {
		return u
	}
	return c
}
