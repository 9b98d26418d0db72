package feedfarm

// ExpectedStory is one story a correct pipeline publishes, with every
// feed item that must collapse into it.
type ExpectedStory struct {
	// Key names the story: the Article.Slug of its entries.
	Key string
	// Topic is the topic of the site that listed the story first, the
	// one it is published on.
	Topic string
	// Round is the round in which the story first appears.
	Round int
	// URLs are the path and query of every item of the story (as in
	// Expectation.URL; prefix the server's base URL for the links the
	// feeds show): the original first, then its copies and reposts in
	// the order of Expected.
	URLs []string
	// Entries are the Expectations of those items, in the same order.
	Entries []Expectation
}

// Stories groups Expected by story: the stories a correct pipeline has
// published, and the items merged into each, once every feed has been
// polled in round (and pages fetched). Entries listed only after round
// are left out, and so are stories with none listed by then. Stories are
// in the order of their originals in Expected. Like Expected it assumes a
// valid scenario.
func (sc Scenario) Stories(round int) []ExpectedStory {
	topics := make(map[string]string, len(sc.Sites))
	for _, s := range sc.Sites {
		topics[s.Name] = s.Topic
	}
	var out []ExpectedStory
	index := map[string]int{}
	for _, x := range sc.Expected() {
		if x.Round > round {
			continue
		}
		i, ok := index[x.Story]
		if !ok {
			i = len(out)
			index[x.Story] = i
			out = append(out, ExpectedStory{Key: x.Story, Topic: topics[x.Site], Round: x.Round})
		}
		out[i].URLs = append(out[i].URLs, x.URL)
		out[i].Entries = append(out[i].Entries, x)
	}
	return out
}
