package story

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
)

// The rules below say what an override makes of the stories it touches.
// They are pure: the store applies them when it reads an override from
// the stream, and the ledger announces their result, so both agree.

// MemberKey identifies the duplicate record d within its story: the first 16
// bytes, in hex, of the SHA-256 of its FeedID, URL and GUID. It is the
// second part of the duplicate's Nats-Msg-Id and of its store key.
func (d Duplicate) MemberKey() string {
	h := sha256.New()
	for _, f := range []string{d.FeedID, d.URL, d.GUID} {
		h.Write([]byte(f))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// SplitStory returns the story a split member becomes (see Override):
// built from the member record m, or, when the story o.NewStory exists
// already (prev, for example a story merged by hand earlier), prev with
// its merge undone. The store writes it when it applies o, and the
// ledger announces it, so both agree.
func SplitStory(o Override, m Duplicate, prev *Story) Story {
	if prev != nil {
		s := *prev
		s.MergedInto = ""
		s.SplitFrom = o.Story
		if s.Version == 0 {
			s.Version = Version
		}
		return s
	}
	canonical := ""
	for _, k := range o.Keys {
		if c, ok := strings.CutPrefix(k, "url:"); ok {
			canonical = c
			break
		}
	}
	return Story{
		Version: Version, ID: o.NewStory, Topic: m.Topic, FeedID: m.FeedID, URL: m.URL,
		CanonicalURL: canonical, GUID: m.GUID, Title: m.Title, Published: m.Published, Fetched: m.Seen,
		Text: m.Text, Source: m.Source, SplitFrom: o.Story,
	}
}

// SplitFromUpdate returns the story a member was split from, updated by o:
// when the split member is a story merged into it by hand, that story
// leaves its Merged list. It returns false when from needs no change.
func SplitFromUpdate(o Override, from Story) (Story, bool) {
	i := slices.Index(from.Merged, o.NewStory)
	if i < 0 {
		return from, false
	}
	from.Merged = slices.Delete(slices.Clone(from.Merged), i, i+1)
	if len(from.Merged) == 0 {
		from.Merged = nil
	}
	return from, true
}

// MergeStories returns what o (OpMerge) makes of its two stories: a, the
// story that absorbs, with Other added to Merged (nil when a is unknown);
// b marked MergedInto a; and the member record b becomes in a's report.
func MergeStories(o Override, a *Story, b Story) (*Story, Story, Duplicate) {
	var aUpd *Story
	if a != nil {
		s := *a
		if !slices.Contains(s.Merged, b.ID) {
			s.Merged = append(slices.Clone(s.Merged), b.ID)
		}
		aUpd = &s
	}
	b.MergedInto = o.Story
	by := ""
	if o.By != "" {
		by = " by " + o.By
	}
	m := Duplicate{
		Version: Version, StoryID: o.Story, Topic: b.Topic, FeedID: b.FeedID, URL: b.URL, GUID: b.GUID,
		Title: b.Title, Seen: o.At, Method: MethodManual, Similarity: 0,
		Reason:    fmt.Sprintf("merged by hand%s: story %s and its copies joined this story", by, b.ID),
		Published: b.Published, Text: b.Text, Source: b.Source,
	}
	return aUpd, b, m
}

// KeepMember returns what o (OpKeep) makes of story from and its member
// m: the story, under the same ID, with m's address, feed, topic (the
// topics it was announced on stay, see Story.MoveTopic), title, dates and
// text, a revision more and KeptBy set; and the record the
// version kept until then becomes. The store writes both when it applies
// o, and the ledger announces the story, so both agree.
func KeepMember(o Override, from Story, m Duplicate) (Story, Duplicate) {
	by := o.By
	if by == "" {
		by = "a person"
	}
	former := Duplicate{
		Version: Version, StoryID: from.ID, Topic: from.Topic, FeedID: from.FeedID, URL: from.URL, GUID: from.GUID,
		Title: from.Title, Seen: from.Fetched, Method: MethodReplaced, Similarity: m.Similarity,
		Reason:    fmt.Sprintf("the story's kept version until %s chose %s (feed %s) instead", by, m.URL, m.FeedID),
		Published: from.Published, Text: from.Text, Source: from.Source, Credits: from.Credits,
	}
	s := from
	s.Credits = m.Credits
	s.URL, s.GUID, s.FeedID, s.Title, s.Published = m.URL, m.GUID, m.FeedID, m.Title, m.Published
	if m.Topic != "" {
		s = s.MoveTopic(m.Topic)
	}
	s.CanonicalURL = ""
	for _, k := range o.Keys {
		if c, ok := strings.CutPrefix(k, "url:"); ok {
			s.CanonicalURL = c
			break
		}
	}
	if m.Text != "" {
		s.Text, s.Source = m.Text, m.Source
		s.PageType, s.Confidence = "", 0 // what extraction said of the former page
	}
	s.Author = ""
	s.Revision++
	s.Updated = o.At
	s.UpdateURL = ""
	s.Kept = "chosen by " + by
	s.KeptBy = by
	return s, former
}
