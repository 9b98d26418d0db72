package ledger

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/feedsift/feedsift/dedupe"
	"github.com/feedsift/feedsift/internal/story"
)

// Revision is a kept article page extracted again after the extraction
// rules changed (see pipeline.Reextract).
type Revision struct {
	// FeedID is the feed the page was fetched for; PageURL the canonical
	// URL it is kept under, and ItemURL the item's own URL.
	FeedID, PageURL, ItemURL string
	// Text is the page's new clean text, Page what extraction said of it.
	Text string
	Page Page
	// DryRun decides and publishes nothing.
	DryRun bool
}

// Revised is what Revise made of a revision.
type Revised int

const (
	// RevisedNone: the revision failed before anything was decided.
	RevisedNone Revised = iota
	// RevisedSkipped: no story is known for the page (it aged out of the
	// index).
	RevisedSkipped
	// RevisedUnchanged: the story's own page gave the same text, or a
	// copy's page is still a copy of its story.
	RevisedUnchanged
	// RevisedUpdated: the story's own page gave a new text, published as
	// a story update.
	RevisedUpdated
	// RevisedSplit: a copy's page is no longer a copy of its story: it was
	// split out, as a person's split by "reextract".
	RevisedSplit
)

// CheckReview returns ErrNoReview when the ledger has no review store, so
// that Revise, Split and Merge cannot work.
func (l *Ledger) CheckReview() error {
	if l.review == nil {
		return ErrNoReview
	}
	return nil
}

// Revise decides again on a kept page's new text:
//
//   - the story's own page: when the new text differs, a new version of
//     the story is published (story update, Nats-Msg-Id
//     "story:<id>:reextract-<text hash>"), and the index learns the text;
//   - the page of a copy merged into a story: when its new text is no
//     longer a copy of that story, it is split out (an override by
//     "reextract", the same as a person's split), and the new story takes
//     the new text.
//
// People's (and earlier runs') splits and merges are honoured: the page
// belongs to the story they sent it to. With DryRun, Revise says what it
// would do and publishes nothing. Even with an error, the outcome says
// what was decided.
func (l *Ledger) Revise(ctx context.Context, r Revision) (Revised, error) {
	if err := l.CheckReview(); err != nil {
		return RevisedNone, err
	}
	keys := dedupe.IdentityKeys(r.FeedID, story.Item{URL: r.PageURL})
	storyID, key, known := l.index.Seen(keys)
	if !known {
		return RevisedSkipped, nil
	}
	storyID = l.overr.Identity(storyID, key)
	s, found, err := l.review.Story(ctx, storyID)
	if err != nil {
		return RevisedNone, err
	}
	if found && canonicalOf(s.URL) == r.PageURL {
		if s.Text == r.Text {
			return RevisedUnchanged, nil
		}
		if r.DryRun {
			return RevisedUpdated, nil
		}
		return RevisedUpdated, l.publishReextracted(ctx, s, r.Text, r.Page)
	}
	if m := l.index.Match(r.Text); m.Duplicate && m.StoryID == storyID {
		return RevisedUnchanged, nil
	}
	if r.DryRun {
		return RevisedSplit, nil
	}
	res, err := l.Split(ctx, storyID, r.ItemURL, "reextract")
	if err != nil {
		return RevisedNone, fmt.Errorf("split %s out of %s: %w", r.ItemURL, storyID, err)
	}
	// The split-out story carries the copy's text as it was merged; give
	// it the text just extracted.
	for _, ns := range res.Stories {
		if ns.ID == res.Override.NewStory && ns.Text != r.Text {
			return RevisedSplit, l.publishReextracted(ctx, ns, r.Text, r.Page)
		}
	}
	return RevisedSplit, nil
}

// publishReextracted publishes s with its new text as a story update and
// lets the index learn the text.
func (l *Ledger) publishReextracted(ctx context.Context, s story.Story, text string, pg Page) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	sum := sha256.Sum256([]byte(text))
	s.Text = text
	pg.set(&s)
	if _, err := l.publishStory(ctx, s, "reextract-"+hex.EncodeToString(sum[:8])); err != nil {
		inc(l.metrics.PublishErrors)
		return fmt.Errorf("publish update of story %s: %w", s.ID, err)
	}
	l.index.Add(dedupe.Entry{StoryID: s.ID, Text: text, Time: l.now()})
	return nil
}
