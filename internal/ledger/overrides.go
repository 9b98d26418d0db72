package ledger

import (
	"slices"
	"sync"

	"github.com/feedsift/feedsift/dedupe"
	"github.com/feedsift/feedsift/internal/story"
)

// maxMergeChain bounds how many "merged into" links Resolve follows; a
// longer chain (or a cycle, which Merge refuses) ends there.
const maxMergeChain = 32

// Overrides is what people decided against the deduplicator (see
// story.Override), in the form the decisions need: which identity keys
// follow a split member, which stories were split out of which, and which
// story was merged into which. The stream follower fills it from the
// stream (see Follow); Split and Merge add to it as they publish. It is
// safe for concurrent use.
type Overrides struct {
	mu         sync.RWMutex
	keyTo      map[string]string   // identity key -> story it was split into
	splitOffs  map[string][]string // story -> stories split out of it
	mergedInto map[string]string   // story -> story it was merged into
	applied    int
}

// NewOverrides returns an empty set of overrides.
func NewOverrides() *Overrides {
	return &Overrides{keyTo: map[string]string{}, splitOffs: map[string][]string{}, mergedInto: map[string]string{}}
}

// Apply records o. Applying an override twice changes nothing; a later
// override wins over an earlier one on the same keys or story.
func (ov *Overrides) Apply(o story.Override) {
	ov.mu.Lock()
	defer ov.mu.Unlock()
	ov.applied++
	switch o.Op {
	case story.OpSplit:
		for _, k := range o.Keys {
			ov.keyTo[k] = o.NewStory
		}
		if !slices.Contains(ov.splitOffs[o.Story], o.NewStory) {
			ov.splitOffs[o.Story] = append(ov.splitOffs[o.Story], o.NewStory)
		}
		delete(ov.mergedInto, o.NewStory) // splitting a merged story out undoes the merge
	case story.OpMerge:
		ov.mergedInto[o.Other] = o.Story
		// The merged story is no longer a split-off of anything it was
		// split from: later copies follow the merge.
	case story.OpKeep:
		// The member's keys already lead to its story: which version is
		// kept changes no decision.
	}
}

// Applied returns how many overrides Apply has recorded.
func (ov *Overrides) Applied() int {
	ov.mu.RLock()
	defer ov.mu.RUnlock()
	return ov.applied
}

// Resolve returns the story storyID was merged into, following chains,
// or storyID itself.
func (ov *Overrides) Resolve(storyID string) string {
	ov.mu.RLock()
	defer ov.mu.RUnlock()
	return ov.resolve(storyID)
}

func (ov *Overrides) resolve(id string) string {
	for range maxMergeChain {
		next, ok := ov.mergedInto[id]
		if !ok || next == id {
			return id
		}
		id = next
	}
	return id
}

// Identity returns the story an item belongs to when the index says its
// identity key belongs to storyID: the story the key was split into, if
// any, and then the story that was merged into, if any.
func (ov *Overrides) Identity(storyID, key string) string {
	ov.mu.RLock()
	defer ov.mu.RUnlock()
	if to, ok := ov.keyTo[key]; ok {
		storyID = to
	}
	return ov.resolve(storyID)
}

// Content returns the story a text that the index judged a copy of
// m.StoryID joins. When a person split stories out of m.StoryID and the
// text is at least as close to one of them (its containment, among
// m.Related) as to m.StoryID, it joins that one: a copy of a split member
// is never merged back. Then merges are followed.
func (ov *Overrides) Content(m dedupe.Match) string {
	ov.mu.RLock()
	defer ov.mu.RUnlock()
	id := m.StoryID
	if offs := ov.splitOffs[id]; len(offs) > 0 {
		for _, r := range m.Related {
			if slices.Contains(offs, r.StoryID) && r.Similarity >= m.Containment {
				id = r.StoryID
				break
			}
		}
	}
	return ov.resolve(id)
}
