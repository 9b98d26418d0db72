package ledger

import (
	"context"
	"fmt"
	"time"

	"github.com/feedsift/feedsift/internal/story"
	"github.com/feedsift/feedsift/sink"
)

// announceWait bounds the wait for the local store to hold what the
// stream held when a copy was decided, before its story is announced on
// the copy's topic (see announceOnTopic).
const announceWait = 5 * time.Second

// publishStory publishes s, a story already announced, as a revision on
// every topic it is announced on (story.Story.AllTopics), so that each
// topic's subscribers get each version once. It returns the highest
// stream sequence, and the first error (the topics after it are not
// tried: a retry republishes them all, and their message ids absorb the
// repeats).
func (l *Ledger) publishStory(ctx context.Context, s story.Story, revision string) (uint64, error) {
	var last uint64
	for _, topic := range s.AllTopics() {
		seq, _, err := l.pub.Publish(ctx, sink.StoryEvent(s), sink.PublishOptions{Revision: revision, Topic: topic})
		if err != nil {
			return last, fmt.Errorf("on topic %s: %w", topic, err)
		}
		last = max(last, seq)
	}
	return last, nil
}

// announceOnTopic announces story id on topic, the topic of a copy just
// recorded, when the story is not announced there yet: the story, with
// topic added to its Topics, is published on that topic's subject only
// (message id "story:<id>@<topic>"), so the topic's subscribers get it
// once and the others nothing new. The story's topics are read from the
// Review store once it has applied base, the stream sequence the copy's
// decision rested on, which covers every announcement made before it.
// held, when not nil, is the story as the decision read it from the
// store: the common case, a copy on the story's own topic, then costs no
// second read. Without a Review store, or when the store does not catch
// up in time, the story is not announced on the topic (logged): the copy
// stays recorded. The caller holds l.mu.
func (l *Ledger) announceOnTopic(ctx context.Context, id, topic string, base uint64, held *story.Story) {
	if l.review == nil || held != nil && held.HasTopic(topic) {
		return
	}
	s, found, err := l.review.Story(ctx, id)
	if err == nil && found && s.HasTopic(topic) {
		return // the common case: the copy's topic is the story's
	}
	wctx, cancel := context.WithTimeout(ctx, announceWait)
	err = l.review.WaitSeq(wctx, base)
	cancel()
	if err == nil {
		s, found, err = l.review.Story(ctx, id)
	}
	switch {
	case err != nil || !found:
		l.log.Warn("copy recorded; its story is not announced on the copy's topic: the store does not hold it yet",
			"story_id", id, "topic", topic, "error", err)
		return
	case s.HasTopic(topic):
		return
	}
	s = s.AddTopic(topic)
	if _, _, err := l.pub.Publish(ctx, sink.StoryEvent(s), sink.PublishOptions{Topic: topic}); err != nil {
		inc(l.metrics.PublishErrors)
		l.log.Warn("copy recorded; its story is not announced on the copy's topic", "story_id", id, "topic", topic, "error", err)
		return
	}
	inc(l.metrics.TopicAnnouncements)
	l.log.Info("story announced on another topic", "story_id", id, "topic", topic, "topics", s.Topics)
}
