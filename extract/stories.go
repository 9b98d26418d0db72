package extract

import "golang.org/x/net/html"

// stories memoizes, for one extraction, storyContainer and writesStory
// of the blocks the emit stage reads: teaserRuns, storyCaptions,
// storyActions, figureGrids and slideshows ask them of the chosen block (or of its
// parent, when several blocks are chosen), and emitSkipping, through
// trailingBoxes and storyLists, of every block it emits; one block is
// asked up to six times.
//
// extractRoot makes it after prune, once the blocks are chosen, and
// drops it after the blocks are emitted. The passes that use it only
// read the tree (they return sets of elements to skip; prune and the
// other passes that cut elements run before), so an answer stays true
// while the memo lives. A nil *stories memoizes nothing: every call
// computes its answer, as emit's callers outside extractRoot do.
type stories struct {
	found map[*html.Node]story
}

// story is what stories holds of one block.
type story struct {
	container *html.Node // storyContainer(block)
	writes    bool       // container != nil && writesStory(container)
}

// newStories returns an empty memo.
func newStories() *stories { return &stories{found: make(map[*html.Node]story)} }

// of returns storyContainer(block), nil when block holds no <p>, and
// whether that container writes a story (writesStory).
func (s *stories) of(block *html.Node) (container *html.Node, writes bool) {
	if s != nil {
		if got, ok := s.found[block]; ok {
			return got.container, got.writes
		}
	}
	c := storyContainer(block)
	w := c != nil && writesStory(c)
	if s != nil {
		s.found[block] = story{container: c, writes: w}
	}
	return c, w
}
