package ledger_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/feedsift/feedsift/internal/ledger"
)

// TestStoryOnEveryTopicOfItsCopies checks that a story whose copies come
// through feeds of several topics is announced once on each: the first
// copy from another topic announces it there, later copies from that
// topic do not, and every later version goes to both topics.
func TestStoryOnEveryTopicOfItsCopies(t *testing.T) {
	e := newEnv(t)
	l := e.ledgerOn(t, e.follow(t))
	flood, floodText := article(t, "river-aske-floods-lowbridge")
	onWorld := func(c ledger.Candidate) ledger.Candidate { c.Feed.Topic = "world"; return c }
	update := floodText + "\n\n" + strings.Join([]string{
		"By evening the water had fallen by a metre at the old mill, and the council said the footbridge would stay shut until engineers had checked its piers.",
		"Residents of the lower streets were told they could return on Thursday, while the rest centre at the primary school stays open for anyone whose home needs drying out.",
		"The county's highways team reopened the valley road at six, with a temporary limit of twenty miles an hour past the two places where the verge gave way.",
		"Insurers have set up a desk in the library on Market Street, and a hardship fund run by the parish has already paid out to forty-one households.",
		"Farmers upstream reported sheep lost from two low meadows; the rescue service said volunteers with boats would search the banks again at first light.",
		"A public meeting on flood defences for the town, first promised after the floods of four winters ago, is now set for the twelfth of next month.",
	}, "\n\n")

	steps := []struct {
		name   string
		c      ledger.Candidate
		kind   ledger.Kind
		update bool
	}{
		{"the story, on regional", candidate("courier", "c-1", "https://courier.example/"+flood.Slug, floodText), ledger.NewStory, false},
		{"a copy through a world feed", onWorld(candidate("wire", "w-1", "https://wire.example/aske", "From the wire.\n\n"+floodText)), ledger.Copy, false},
		{"another copy through a world feed", onWorld(candidate("digest", "d-1", "https://digest.example/aske", floodText+"\n\nMore at digest.example.")), ledger.Copy, false},
		{"a repost through a world feed", onWorld(candidate("digest2", "d2-1", "https://courier.example/"+flood.Slug, "")), ledger.Copy, false},
		{"an update, on regional", candidate("courier", "c-2", "https://courier.example/aske-update", update), ledger.Copy, true},
	}
	var id string
	for _, st := range steps {
		d, err := l.Decide(t.Context(), st.c)
		if err != nil || d.Kind != st.kind || d.Update != st.update || (id != "" && d.StoryID != id) {
			t.Fatalf("%s: %+v, %v; want kind %v, update %v, story %q", st.name, d, err, st.kind, st.update, id)
		}
		id = d.StoryID
	}

	st, err := e.raw.Stream(t.Context(), e.js.Stream())
	if err != nil {
		t.Fatal(err)
	}
	last := st.CachedInfo().State.LastSeq
	if err := e.store.WaitSeq(t.Context(), last); err != nil {
		t.Fatal(err)
	}
	bySubject := map[string][]string{}
	for seq := uint64(1); seq <= last; seq++ {
		m, err := st.GetMsg(t.Context(), seq)
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(m.Subject, "news.") {
			bySubject[m.Subject] = append(bySubject[m.Subject], m.Header.Get(jetstream.MsgIDHeader))
		}
	}
	regional, world := bySubject["news.regional"], bySubject["news.world"]
	if len(bySubject) != 2 || len(regional) != 2 || len(world) != 2 {
		t.Fatalf("story messages by subject %q; want the story and its update on news.regional and on news.world", bySubject)
	}
	if regional[0] != "story:"+id || world[0] != "story:"+id+"@world" {
		t.Errorf("first messages %q, %q; want story:%s on regional, story:%[3]s@world on world", regional[0], world[0], id)
	}
	if !strings.HasPrefix(regional[1], "story:"+id+":update-") || world[1] != regional[1]+"@world" {
		t.Errorf("update messages %q, %q; want the same revision on both topics", regional[1], world[1])
	}
	s, _, err := e.store.Story(t.Context(), id)
	if err != nil || s.Topic != "regional" || !slices.Equal(s.AllTopics(), []string{"regional", "world"}) || s.Revision != 1 {
		t.Errorf("stored story: topic %q, topics %q, revision %d, %v; want regional, [regional world], 1", s.Topic, s.AllTopics(), s.Revision, err)
	}
}
