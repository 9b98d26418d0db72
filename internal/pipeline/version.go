package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/feedsift/feedsift/internal/story"
)

// publishVersion publishes a new revision of story id when a copy turned
// out to be an update of it (its text plus new paragraphs): the story with
// the update's text and title, Revision one higher, on the story's
// subject with Nats-Msg-Id "story:<id>:update-<text hash>", so the same
// update seen twice is one message. It reads the story from the Review
// store; without one, or before the store has the story, the update stays
// recorded only as the copy's duplicate record, and revision 0 is
// returned.
func (p *Pipeline) publishVersion(ctx context.Context, id string, item story.Item, text, source string, info pageInfo, now time.Time) (int, error) {
	if p.opts.Review == nil {
		return 0, nil
	}
	s, found, err := p.opts.Review.Story(id)
	if err != nil || !found {
		p.log.Debug("update of a story the store does not hold yet: recorded as a copy only", "story_id", id, "error", err)
		return 0, nil
	}
	if len(text) <= len(s.Text) {
		return 0, nil // not more complete than what subscribers have
	}
	s.Text, s.Source = text, source
	info.set(&s)
	if item.Title != "" {
		s.Title = item.Title
	}
	s.Revision++
	s.Updated = now
	if canonicalOf(item.URL) != canonicalOf(s.URL) {
		s.UpdateURL = item.URL
	}
	sum := sha256.Sum256([]byte(text))
	if _, _, err := p.opts.Publisher.PublishStoryUpdate(ctx, s, "update-"+hex.EncodeToString(sum[:8])); err != nil {
		p.metrics.Errors.WithLabelValues(ErrKindPublish).Inc()
		return 0, fmt.Errorf("publish revision %d of story %s: %w", s.Revision, id, err)
	}
	p.metrics.Revisions.Inc()
	p.log.Info("story updated", "story_id", id, "revision", s.Revision, "update_url", item.URL)
	return s.Revision, nil
}
