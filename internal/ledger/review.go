package ledger

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/feedsift/feedsift/dedupe"
	"github.com/feedsift/feedsift/internal/story"
	"github.com/feedsift/feedsift/sink"
)

const (
	// minPrefix is the shortest story ID or member key prefix accepted.
	minPrefix = 6
	// storeWait bounds how long Split and Merge wait for the store to
	// apply what they published.
	storeWait = 10 * time.Second
)

// OverrideResult is what Split or Merge did.
type OverrideResult struct {
	// Override is the override published on the stream.
	Override story.Override `json:"override"`
	// Stories are the story updates announced with it: for a split, the
	// new story (and the old one when its Merged list changed); for a
	// merge, the story that absorbed and the one merged into it.
	Stories []story.Story `json:"stories"`
	// Seq is the stream sequence of the last message published.
	Seq uint64 `json:"seq"`
	// Stored reports whether the local store applied Seq before Split or
	// Merge returned.
	Stored bool `json:"stored"`
}

// Split takes member out of the story storyID and makes it a story of its
// own, as a person asked (by names them; it may be empty). storyID may be
// a unique prefix of at least 6 characters; member is a member key (or a
// unique prefix of one) or the member's URL.
//
// Split publishes a story.Override (op "split") and then the new story as
// a story update; applies the override to later decisions (the member's
// identity keys and text follow the new story); and waits up to 10s for
// the store to apply it. Calling it twice for the same member fails with
// ErrNotFound the second time, because the member has left the story.
func (l *Ledger) Split(ctx context.Context, storyID, member, by string) (OverrideResult, error) {
	if l.review == nil {
		return OverrideResult{}, ErrNoReview
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	from, found, err := l.findStory(ctx, storyID, true)
	if err != nil {
		return OverrideResult{}, err
	}
	m, err := l.findMember(ctx, from.ID, member)
	if err != nil {
		return OverrideResult{}, err
	}
	keys := dedupe.IdentityKeys(m.FeedID, story.Item{GUID: m.GUID, URL: m.URL})
	if len(keys) == 0 {
		return OverrideResult{}, fmt.Errorf("%w: member %s of %s has no GUID or URL to stand on", ErrBadOverride, m.URL, from.ID)
	}
	newID := dedupe.StoryID(keys[0])
	if newID == from.ID {
		return OverrideResult{}, fmt.Errorf("%w: member %s has the identity of story %s itself (same first identity key %s)",
			ErrBadOverride, m.URL, from.ID, keys[0])
	}
	topic := from.Topic
	if topic == "" {
		topic = m.Topic
	}
	o := story.Override{
		Version: story.Version, Op: story.OpSplit, Story: from.ID, Member: m.MemberKey(),
		NewStory: newID, Keys: keys, Topic: topic, At: l.now().UTC(), By: by,
	}
	o.ID = overrideID(o)
	prev, ok, err := l.review.Story(ctx, newID)
	if err != nil {
		return OverrideResult{}, err
	}
	var prevPtr *story.Story
	if ok {
		prevPtr = &prev
	}
	announce := []story.Story{story.SplitStory(o, m, prevPtr)}
	if found {
		if upd, changed := story.SplitFromUpdate(o, from); changed {
			announce = append(announce, upd)
		}
	}
	res, err := l.publishOverride(ctx, o, announce)
	if err != nil {
		return res, err
	}
	l.overr.Apply(o)
	ns := announce[0]
	l.index.Add(dedupe.Entry{StoryID: ns.ID, Keys: keys, Text: ns.Text, Time: l.now()})
	l.log.Info("override: member split out", "story_id", from.ID, "member_url", m.URL,
		"new_story_id", ns.ID, "override_id", o.ID, "by", by)
	return l.waitStored(ctx, res), nil
}

// Merge makes story b, with its members, a member of story a, as a person
// asked; later copies of b join a. Both may be unique prefixes of at
// least 6 characters. It publishes a story.Override (op "merge") and then
// both stories as story updates (a with b in Merged, b with MergedInto
// a), applies the override to later decisions and waits up to 10s for the
// store to apply it. Merging a story into itself, or a story already
// merged, fails with ErrBadOverride.
func (l *Ledger) Merge(ctx context.Context, a, b, by string) (OverrideResult, error) {
	if l.review == nil {
		return OverrideResult{}, ErrNoReview
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	sa, _, err := l.findStory(ctx, a, false)
	if err != nil {
		return OverrideResult{}, err
	}
	sb, _, err := l.findStory(ctx, b, false)
	if err != nil {
		return OverrideResult{}, err
	}
	switch {
	case sa.ID == sb.ID:
		return OverrideResult{}, fmt.Errorf("%w: cannot merge story %s into itself", ErrBadOverride, sa.ID)
	case sb.MergedInto != "":
		return OverrideResult{}, fmt.Errorf("%w: story %s was already merged into %s", ErrBadOverride, sb.ID, sb.MergedInto)
	case sa.MergedInto != "":
		return OverrideResult{}, fmt.Errorf("%w: story %s was merged into %s; merge into that story instead", ErrBadOverride, sa.ID, sa.MergedInto)
	case l.overr.Resolve(sa.ID) == sb.ID:
		return OverrideResult{}, fmt.Errorf("%w: story %s already joins %s", ErrBadOverride, sa.ID, sb.ID)
	}
	o := story.Override{
		Version: story.Version, Op: story.OpMerge, Story: sa.ID, Other: sb.ID, Topic: sa.Topic,
		At: l.now().UTC(), By: by,
	}
	o.ID = overrideID(o)
	aUpd, bUpd, _ := story.MergeStories(o, &sa, sb)
	res, err := l.publishOverride(ctx, o, []story.Story{*aUpd, bUpd})
	if err != nil {
		return res, err
	}
	l.overr.Apply(o)
	l.log.Info("override: stories merged", "story_id", sa.ID, "merged_id", sb.ID, "override_id", o.ID, "by", by)
	return l.waitStored(ctx, res), nil
}

// Keep makes member the version of story storyID that people get, as a
// person asked (by names them): the story keeps its ID and takes the
// member's address, feed, topic, title, dates and text, and the version
// kept until then becomes a member with method "replaced". storyID may be
// a unique prefix of at least 6 characters; member is a member key (or a
// unique prefix of one) or the member's URL. It publishes a
// story.Override (op "keep") and then the story as a story update
// (story.KeepMember), lets later copies match the member's text, and
// waits up to 10s for the store to apply it. No automatic choice replaces
// a version a person kept (see canonical.go).
func (l *Ledger) Keep(ctx context.Context, storyID, member, by string) (OverrideResult, error) {
	if l.review == nil {
		return OverrideResult{}, ErrNoReview
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	from, _, err := l.findStory(ctx, storyID, false)
	if err != nil {
		return OverrideResult{}, err
	}
	if from.MergedInto != "" {
		return OverrideResult{}, fmt.Errorf("%w: story %s was merged into %s; choose the version of that story", ErrBadOverride, from.ID, from.MergedInto)
	}
	m, err := l.findMember(ctx, from.ID, member)
	if err != nil {
		return OverrideResult{}, err
	}
	if m.Method == story.MethodManual {
		return OverrideResult{}, fmt.Errorf("%w: member %s is a story merged by hand; split it out instead", ErrBadOverride, m.URL)
	}
	o := story.Override{
		Version: story.Version, Op: story.OpKeep, Story: from.ID, Member: m.MemberKey(),
		Keys: dedupe.IdentityKeys(m.FeedID, story.Item{GUID: m.GUID, URL: m.URL}), Topic: from.Topic, At: l.now().UTC(), By: by,
	}
	o.ID = overrideID(o)
	kept, _ := story.KeepMember(o, from, m)
	res, err := l.publishOverride(ctx, o, []story.Story{kept})
	if err != nil {
		return res, err
	}
	if m.Text != "" {
		l.index.Add(dedupe.Entry{StoryID: from.ID, Keys: o.Keys, Text: m.Text, Time: l.now()})
	}
	l.log.Info("override: version kept", "story_id", from.ID, "member_url", m.URL, "override_id", o.ID, "by", by)
	return l.waitStored(ctx, res), nil
}

// publishOverride publishes o and then the story updates it causes. The
// override goes first: the store applies it on its own, so a failure
// after it leaves the store consistent and a retry only re-announces.
func (l *Ledger) publishOverride(ctx context.Context, o story.Override, announce []story.Story) (OverrideResult, error) {
	res := OverrideResult{Override: o}
	seq, _, err := l.pub.Publish(ctx, sink.OverrideEvent(o), sink.PublishOptions{})
	if err != nil {
		inc(l.metrics.PublishErrors)
		return res, fmt.Errorf("ledger: publish override %s: %w", o.ID, err)
	}
	res.Seq = seq
	for _, s := range announce {
		seq, err := l.publishStory(ctx, s, o.ID)
		if err != nil {
			inc(l.metrics.PublishErrors)
			return res, fmt.Errorf("ledger: override %s published, story update %s not: %w", o.ID, s.ID, err)
		}
		res.Seq = max(res.Seq, seq)
		res.Stories = append(res.Stories, s)
	}
	return res, nil
}

func (l *Ledger) waitStored(ctx context.Context, res OverrideResult) OverrideResult {
	wctx, cancel := context.WithTimeout(ctx, storeWait)
	defer cancel()
	if err := l.review.WaitSeq(wctx, res.Seq); err != nil {
		l.log.Warn("override published; the store has not applied it yet", "override_id", res.Override.ID, "error", err)
		return res
	}
	res.Stored = true
	return res
}

// findStory resolves id (or a unique prefix of it). With orMembers, a
// story that is not stored but has member records is returned with only
// ID and Topic, and found false.
func (l *Ledger) findStory(ctx context.Context, id string, orMembers bool) (s story.Story, found bool, err error) {
	id = strings.TrimSpace(id)
	if id == "" {
		return s, false, fmt.Errorf("%w: empty story id", ErrBadOverride)
	}
	if s, ok, err := l.review.Story(ctx, id); err != nil || ok {
		return s, ok, err
	}
	if orMembers {
		ms, err := l.review.Members(ctx, id)
		if err != nil {
			return s, false, err
		}
		if len(ms) > 0 {
			return story.Story{ID: id, Topic: ms[0].Topic}, false, nil
		}
	}
	if len(id) < minPrefix {
		return s, false, fmt.Errorf("%w: story %q (give the id or at least %d of its characters)", ErrNotFound, id, minPrefix)
	}
	ids, err := l.review.StoryIDs(ctx, id, 2)
	if err != nil {
		return s, false, err
	}
	switch len(ids) {
	case 0:
		return s, false, fmt.Errorf("%w: story %q", ErrNotFound, id)
	case 1:
		s, ok, err := l.review.Story(ctx, ids[0])
		if err == nil && !ok {
			err = fmt.Errorf("%w: story %q", ErrNotFound, ids[0])
		}
		return s, ok, err
	}
	return s, false, fmt.Errorf("%w: story id prefix %q is ambiguous", ErrBadOverride, id)
}

// findMember finds a member of storyID by member key, unique key prefix or
// URL.
func (l *Ledger) findMember(ctx context.Context, storyID, member string) (story.Duplicate, error) {
	member = strings.TrimSpace(member)
	if member == "" {
		return story.Duplicate{}, fmt.Errorf("%w: empty member", ErrBadOverride)
	}
	ms, err := l.review.Members(ctx, storyID)
	if err != nil {
		return story.Duplicate{}, err
	}
	var hits []story.Duplicate
	for _, m := range ms {
		key := m.MemberKey()
		switch {
		case key == member || m.URL == member:
			return m, nil
		case len(member) >= minPrefix && strings.HasPrefix(key, member):
			hits = append(hits, m)
		}
	}
	switch len(hits) {
	case 0:
		return story.Duplicate{}, fmt.Errorf("%w: story %s has no member %q (%d members)", ErrNotFound, storyID, member, len(ms))
	case 1:
		return hits[0], nil
	}
	return story.Duplicate{}, fmt.Errorf("%w: member prefix %q is ambiguous in story %s", ErrBadOverride, member, storyID)
}

// overrideID names an override: 16 hex characters of the SHA-256 of what
// it does and when.
func overrideID(o story.Override) string {
	h := sha256.New()
	for _, f := range []string{o.Op, o.Story, o.Member, o.Other, strconv.FormatInt(o.At.UnixNano(), 10)} {
		h.Write([]byte(f))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
}
