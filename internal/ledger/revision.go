package ledger

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/feedsift/feedsift/dedupe"
)

// publishRevision publishes a new revision of story id when a copy turned
// out to be an update of it (its text plus new paragraphs): the story with
// the update's text and title, Revision one higher, on each of the
// story's topics with Nats-Msg-Id "story:<id>:update-<text hash>" (and
// "@<topic>" on its other topics), so the same
// update seen twice is one message. It reads the story from the Review
// store; without one, or before the store has the story, the update stays
// recorded only as the copy's duplicate record, and revision 0 is
// returned. The caller holds l.mu.
func (l *Ledger) publishRevision(ctx context.Context, id string, c Candidate, now time.Time) (int, error) {
	if l.review == nil {
		return 0, nil
	}
	s, found, err := l.review.Story(ctx, id)
	if err != nil || !found {
		l.log.Debug("update of a story the store does not hold yet: recorded as a copy only", "story_id", id, "error", err)
		return 0, nil
	}
	if len(c.Text) <= len(s.Text) {
		return 0, nil // not more complete than what subscribers have
	}
	s.Text, s.Source = c.Text, c.Source
	c.Page.set(&s)
	if c.Item.Title != "" {
		s.Title = c.Item.Title
	}
	s.Revision++
	s.Updated = now
	if canonicalOf(c.Item.URL) != canonicalOf(s.URL) {
		s.UpdateURL = c.Item.URL
	}
	sum := sha256.Sum256([]byte(c.Text))
	if _, err := l.publishStory(ctx, s, "update-"+hex.EncodeToString(sum[:8])); err != nil {
		inc(l.metrics.PublishErrors)
		return 0, fmt.Errorf("publish revision %d of story %s: %w", s.Revision, id, err)
	}
	inc(l.metrics.Revisions)
	l.log.Info("story updated", "story_id", id, "revision", s.Revision, "update_url", c.Item.URL)
	return s.Revision, nil
}

func canonicalOf(u string) string {
	c, err := dedupe.CanonicalURL(u)
	if err != nil {
		return u
	}
	return c
}
