package ledger

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/feedsift/feedsift/dedupe"
	"github.com/feedsift/feedsift/internal/story"
	"github.com/feedsift/feedsift/sink"
)

// Candidate is one new item of a feed, as the pipeline hands it to the
// ledger: where it came from, its identity keys and, unless it is a
// repost (see Seen), its clean text.
type Candidate struct {
	Feed story.Feed
	Item story.Item
	// Keys are the item's identity keys (dedupe.IdentityKeys), never
	// empty.
	Keys []string
	// Text is the item's clean text, and Source where it came from
	// ("article", "content", "summary"). Empty for a repost: an item
	// whose identity the index already knows is decided on identity
	// alone.
	Text, Source string
	// Page is what extraction said of the page the text came from; zero
	// when the text did not come from a page.
	Page Page

	// pv is what the page and the item say of its origin, read once by
	// Decide (credit.go).
	pv provenance
}

// Page is what the extractor said about a page besides its text.
type Page struct {
	Type       string
	Confidence float64
	// Address is the address the page declares as its own
	// (extract.DeclaredAddress); see credit.go.
	Address string
}

// set copies the page's type and confidence into s; a zero Page (the
// text did not come from a page) clears them.
func (pg Page) set(s *story.Story) { s.PageType, s.Confidence = pg.Type, pg.Confidence }

// Kind is what a decision made of a candidate.
type Kind int

const (
	// Known: every identity key of the candidate was in the index by the
	// time it was decided (another worker or instance got there first).
	// Nothing was published.
	Known Kind = iota
	// NewStory: the candidate was published as a new story.
	NewStory
	// Copy: the candidate was published as a copy of story StoryID.
	Copy
)

// Decision is what Decide made of a candidate and published.
type Decision struct {
	Kind Kind
	// StoryID is the story published or joined.
	StoryID string
	// Method is how a copy was found: "guid", "url", or a content method.
	Method string
	// Update reports a copy that extends its story (the story's text
	// plus new paragraphs).
	Update bool
	// Replaced reports a copy that became the story's kept version (see
	// canonical.go): the version kept before is now a copy.
	Replaced bool
}

// Known reports whether every one of keys is in the index: the item was
// decided before.
func (l *Ledger) Known(keys []string) bool {
	for _, k := range keys {
		if _, _, ok := l.index.Seen([]string{k}); !ok {
			return false
		}
	}
	return true
}

// Seen reports whether any of keys is in the index: the item is a repost
// of a known story (same GUID or canonical URL), to be decided without
// fetching its page or reading its text.
func (l *Ledger) Seen(keys []string) bool {
	_, _, ok := l.index.Seen(keys)
	return ok
}

// Decide decides whether c is a new story or a copy with the index as it
// stands, publishes the decision and adds it to the index. With a
// Follower the publish is conditional on the stream's last sequence, and
// a refused decision is made again once the index has caught up (see the
// package doc). A candidate without text must be a repost (see Seen).
// The error, when not nil, means nothing was recorded: the item must be
// tried again.
func (l *Ledger) Decide(ctx context.Context, c Candidate) (Decision, error) {
	if len(c.Keys) == 0 {
		return Decision{}, errors.New("ledger: candidate without identity keys")
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	c.pv = provenanceOf(c)
	pv := c.pv
	c.Keys = pv.keys(c.Keys)
	for attempt := 0; ; attempt++ {
		if l.Known(c.Keys) {
			return Decision{Kind: Known}, nil
		}
		base := l.decisionBase()
		var d Decision
		var err error
		if storyID, key, ok := l.index.Seen(pv.pageKeys()); ok && c.Text != "" {
			reason := creditReason(key, key == "url:"+pv.alias)
			d, err = l.decideIdentity(ctx, c, storyID, key, story.MethodCanonical, reason, base)
		} else if c.Text != "" {
			d, err = l.decideContent(ctx, c, base)
		} else if storyID, key, ok := l.index.Seen(c.Keys); ok {
			d, err = l.decideRepost(ctx, c, storyID, key, base)
		} else {
			return Decision{}, fmt.Errorf("ledger: repost %s: its story left the index, and it has no text to decide on", c.Item.URL)
		}
		if err == nil {
			return d, nil
		}
		if retry, err := l.redecide(ctx, err, base, attempt); !retry {
			return Decision{}, err
		}
	}
}

// decideRepost records c as a copy of the story that holds one of its
// identity keys (key, found on storyID), or of the story a person's split
// or merge sent that key to.
func (l *Ledger) decideRepost(ctx context.Context, c Candidate, storyID, key string, base uint64) (Decision, error) {
	method, _, _ := strings.Cut(key, ":")
	return l.decideIdentity(ctx, c, storyID, key, method, identityReason(method, key), base)
}

// decideIdentity records c as a copy of storyID, which holds key, found by
// identity (method, reason), or of the story a person's split or merge
// sent that key to.
func (l *Ledger) decideIdentity(ctx context.Context, c Candidate, storyID, key, method, reason string, base uint64) (Decision, error) {
	target := storyID
	if t := l.overr.Identity(storyID, key); t != storyID {
		reason += overrideNote(storyID, t)
		target = t
	}
	d := story.Duplicate{
		Version: story.Version, StoryID: target, Topic: c.Feed.Topic, FeedID: c.Feed.ID,
		URL: c.Item.URL, GUID: c.Item.GUID, Title: c.Item.Title, Seen: l.now().UTC(),
		Method: method, Similarity: 1, Reason: reason, Published: c.Item.Published,
		Text: c.Text, Source: c.Source, Credits: c.pv.credits,
	}
	if err := l.publishDuplicate(ctx, d, base); err != nil {
		return Decision{}, err
	}
	l.index.Add(dedupe.Entry{StoryID: target, Keys: c.Keys, Time: l.now()})
	l.announceOnTopic(ctx, target, c.Feed.Topic, base, nil)
	return Decision{Kind: Copy, StoryID: target, Method: method}, nil
}

// overrideNote explains in a duplicate's reason that a person's override
// sent it to another story than the index found.
func overrideNote(found, joined string) string {
	return "; joins story " + joined + " instead of " + found + " because of a person's split or merge"
}

func identityReason(method, key string) string {
	_, value, _ := strings.Cut(key, ":")
	switch method {
	case "url":
		return "same canonical URL " + value + " as the story (a re-post or re-titled item)"
	case "guid":
		return "same feed GUID as the story"
	default:
		return "same identity key " + key
	}
}

// decideContent decides on c's text: a copy of the story the index
// matches (or of the story a person's override sends it to), or a new
// story.
func (l *Ledger) decideContent(ctx context.Context, c Candidate, base uint64) (Decision, error) {
	now := l.now().UTC()
	m := l.index.Match(c.Text)
	if !m.Duplicate {
		return l.publishNew(ctx, c, m.Related, base, now)
	}
	target, reason := m.StoryID, m.Reason
	var held *story.Story // the story as the store holds it, when read
	if t := l.overr.Content(m); t != target {
		reason += overrideNote(target, t)
		target = t
	} else if !m.Update && l.review != nil {
		if kept, found, err := l.review.Story(ctx, target); err == nil && found {
			held = &kept
			if better, why := l.outranks(c, kept, now); better {
				return l.replaceKept(ctx, c, kept, m, why, base, now)
			}
		}
	}
	d := story.Duplicate{
		Version: story.Version, StoryID: target, Topic: c.Feed.Topic, FeedID: c.Feed.ID,
		URL: c.Item.URL, GUID: c.Item.GUID, Title: c.Item.Title, Seen: now,
		// The decision rests on containment: how much of one text
		// the other holds (a trimmed copy has low Jaccard).
		Method: cmp.Or(m.Method, "content"), Similarity: m.Containment, Reason: reason,
		Published: c.Item.Published, Text: c.Text, Source: c.Source, Credits: c.pv.credits,
	}
	if m.Update {
		d.Reason += "; an update of the story (its text plus new paragraphs): the story keeps its version and takes this text, the most complete, as a new revision"
	} else {
		d.Reason += "; the story keeps its version: it came first, and this copy is neither from a preferred source nor published well before it"
	}
	if err := l.publishDuplicate(ctx, d, base); err != nil {
		return Decision{}, err
	}
	entry := dedupe.Entry{StoryID: target, Keys: c.Keys, Time: now}
	if m.Update {
		// Later copies of the update match the story too.
		entry.Text = c.Text
		if _, err := l.publishRevision(ctx, target, c, now); err != nil {
			l.log.Warn("story update not published; the copy is recorded", "story_id", target, "error", err)
		}
	}
	l.index.Add(entry)
	l.announceOnTopic(ctx, target, c.Feed.Topic, base, held)
	return Decision{Kind: Copy, StoryID: target, Method: d.Method, Update: m.Update}, nil
}

// publishNew publishes c as a new story, related to the stories the
// index found close but not copies.
func (l *Ledger) publishNew(ctx context.Context, c Candidate, related []story.Related, base uint64, now time.Time) (Decision, error) {
	canonical, _ := dedupe.CanonicalURL(c.Item.URL)
	if c.pv.alias != "" {
		canonical = c.pv.alias // the address the page declares on its own site
	}
	s := story.Story{
		Version: story.Version, ID: dedupe.StoryID(c.Keys[0]), Topic: c.Feed.Topic, FeedID: c.Feed.ID,
		URL: c.Item.URL, CanonicalURL: canonical, GUID: c.Item.GUID, Title: c.Item.Title,
		Author: c.Item.Author, Published: c.Item.Published, Fetched: now,
		Text: c.Text, Source: c.Source, Related: related, Credits: c.pv.credits,
	}
	c.Page.set(&s)
	if err := l.publishAt(ctx, sink.StoryEvent(s), base); err != nil {
		if errors.Is(err, errStale) {
			return Decision{}, err
		}
		inc(l.metrics.PublishErrors)
		return Decision{}, fmt.Errorf("publish story %s: %w", s.ID, err)
	}
	l.index.Add(dedupe.Entry{StoryID: s.ID, Keys: c.Keys, Text: c.Text, Time: now})
	inc(l.metrics.Published)
	if s.Doubtful() {
		incVec(l.metrics.LowConfidence, s.PageType)
	}
	l.log.Debug("story published", "feed_id", c.Feed.ID, "story_id", s.ID, "title", s.Title, "source", c.Source,
		"page_type", s.PageType, "confidence", s.Confidence)
	return Decision{Kind: NewStory, StoryID: s.ID}, nil
}

// publishDuplicate publishes d (conditionally on base, with a Follower)
// and counts it.
func (l *Ledger) publishDuplicate(ctx context.Context, d story.Duplicate, base uint64) error {
	if err := l.publishAt(ctx, sink.DuplicateEvent(d), base); err != nil {
		if errors.Is(err, errStale) {
			return err
		}
		inc(l.metrics.PublishErrors)
		return fmt.Errorf("publish duplicate of %s: %w", d.StoryID, err)
	}
	incVec(l.metrics.Duplicates, d.Method)
	l.log.Debug("duplicate merged", "feed_id", d.FeedID, "story_id", d.StoryID, "url", d.URL,
		"method", d.Method, "similarity", d.Similarity)
	return nil
}
