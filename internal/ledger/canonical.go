package ledger

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/feedsift/feedsift/dedupe"
	"github.com/feedsift/feedsift/internal/story"
)

// The version people get. The first copy of an article to arrive founds
// its story, but it is not always the one to keep: a wire feed polled
// first brings the syndicated copy, days after the original appeared. A
// copy replaces the story's kept version on merit, in this order:
//
//  0. Credit (credit.go): a copy that names the kept version as the
//     original never replaces it; a copy the kept version names as the
//     original (rel=canonical or og:url to its address, or a <source> on
//     its site) replaces it.
//  1. Options.PreferredSources ranks outlets, by feed ID or host: a copy
//     from a source ranked above the kept version's (or from a ranked
//     source when the kept one is not ranked) replaces it, and one ranked
//     below never does.
//  2. Otherwise the copy replaces it when its item was published more than
//     replaceMargin before the kept version's (both dates known, neither
//     in the future): the original came first.
//  3. Otherwise the first to arrive stays.
//
// A replacement publishes the kept version's record as a copy of the
// story (method "replaced", with the reason), then the story under the
// same ID with the new version's address, feed, topic, title, dates and
// text as a story update (Nats-Msg-Id "story:<id>:kept-<hash>"), so
// subscribers of the original's topic get the story and nobody gets a
// second story. Stories a person split, merged or chose a version of
// (Keep) are left as they are.

// replaceMargin is how much earlier a copy must have been published to
// replace the kept version: publication times in feeds slip by minutes,
// and by hours when a feed gets its time zone wrong.
const replaceMargin = 12 * time.Hour

// sourceRank returns the position of a version's source in
// PreferredSources (0 is the most trusted), or -1 when it is not ranked. An
// entry names a feed ID, or a host that matches the URL's host or one of
// its parents ("example.com" matches "news.example.com").
func (l *Ledger) sourceRank(feedID, rawURL string) int {
	host := ""
	if u, err := url.Parse(rawURL); err == nil {
		host = strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	}
	for i, s := range l.preferred {
		if strings.EqualFold(s, feedID) || host != "" && (host == s || strings.HasSuffix(host, "."+s)) {
			return i
		}
	}
	return -1
}

// outranks reports whether the candidate c should replace kept, the
// story's kept version, and why.
func (l *Ledger) outranks(c Candidate, kept story.Story, now time.Time) (bool, string) {
	if kept.KeptBy != "" || kept.MergedInto != "" || kept.SplitFrom != "" || len(kept.Merged) > 0 {
		return false, "" // a person's choice stands
	}
	switch pv := c.pv; {
	case pv.credits != "" && sameSite(pv.credits, kept.URL):
		return false, "" // it names the kept version as the original
	case pv.credits == "" && kept.Credits != "" && sameSite(kept.Credits, c.Item.URL):
		return true, fmt.Sprintf("the kept version (feed %s) names it as the original (%s)", kept.FeedID, kept.Credits)
	}
	cr, kr := l.sourceRank(c.Feed.ID, c.Item.URL), l.sourceRank(kept.FeedID, kept.URL)
	switch {
	case cr >= 0 && (kr < 0 || cr < kr):
		return true, fmt.Sprintf("its source (feed %s) is ranked above the kept version's (feed %s) in dedupe.preferred_sources", c.Feed.ID, kept.FeedID)
	case kr >= 0:
		return false, ""
	}
	cp, kp := c.Item.Published, kept.Published
	if cp.IsZero() || kp.IsZero() || cp.After(now) || kp.After(now) {
		return false, ""
	}
	if d := kp.Sub(cp); d > replaceMargin {
		return true, fmt.Sprintf("it was published %s before the kept version (feed %s), which is a later copy", roundAge(d), kept.FeedID)
	}
	return false, ""
}

// roundAge writes d in whole days or hours.
func roundAge(d time.Duration) string {
	if d >= 48*time.Hour {
		return fmt.Sprintf("%d days", int(d/(24*time.Hour)))
	}
	return fmt.Sprintf("%d hours", int(d/time.Hour))
}

// replaceKept makes c the kept version of story kept (see the rules
// above): the former version is published as a copy, then the story as
// an update with c's fields. It returns the decision, or an error when
// nothing must be recorded (the item is decided again at the next poll).
func (l *Ledger) replaceKept(ctx context.Context, c Candidate, kept story.Story, m dedupe.Match, why string, base uint64, now time.Time) (Decision, error) {
	former := story.Duplicate{
		Version: story.Version, StoryID: kept.ID, Topic: kept.Topic, FeedID: kept.FeedID,
		URL: kept.URL, GUID: kept.GUID, Title: kept.Title, Seen: kept.Fetched,
		Method: story.MethodReplaced, Similarity: m.Containment,
		Reason: "the story's kept version until " + c.Item.URL + " (feed " + c.Feed.ID + ") replaced it: " + why +
			"; the texts are copies: " + m.Reason,
		Published: kept.Published, Text: kept.Text, Source: kept.Source, Credits: kept.Credits,
	}
	if err := l.publishDuplicate(ctx, former, base); err != nil {
		return Decision{}, err
	}
	s := kept
	s = s.MoveTopic(c.Feed.Topic)
	s.URL, s.GUID, s.FeedID = c.Item.URL, c.Item.GUID, c.Feed.ID
	s.CanonicalURL, _ = dedupe.CanonicalURL(c.Item.URL)
	s.Title, s.Author, s.Published = c.Item.Title, c.Item.Author, c.Item.Published
	s.Text, s.Source = c.Text, c.Source
	s.Credits = c.pv.credits
	c.Page.set(&s)
	s.Revision++
	s.Updated = now
	s.UpdateURL = ""
	s.Kept = why
	sum := sha256.Sum256([]byte(c.Feed.ID + "\x00" + c.Item.URL + "\x00" + c.Item.GUID))
	rev := "kept-" + hex.EncodeToString(sum[:8])
	if _, err := l.publishStory(ctx, s, rev); err != nil {
		inc(l.metrics.PublishErrors)
		// The former version's record is out; the next poll decides the
		// item again and publishes the update (the record's message id
		// absorbs its repeat).
		return Decision{}, fmt.Errorf("publish story %s with its new kept version: %w", s.ID, err)
	}
	inc(l.metrics.Revisions)
	l.index.Add(dedupe.Entry{StoryID: s.ID, Keys: c.Keys, Text: c.Text, Time: now})
	l.log.Info("story's kept version replaced", "story_id", s.ID, "kept_url", s.URL, "feed_id", c.Feed.ID,
		"former_url", kept.URL, "former_feed_id", kept.FeedID, "why", why)
	return Decision{Kind: Copy, StoryID: s.ID, Method: m.Method, Replaced: true}, nil
}
