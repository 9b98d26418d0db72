package daemon_test

import (
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/feedsift/feedsift/internal/feedfarm"
	"github.com/feedsift/feedsift/internal/story"
	"github.com/feedsift/feedsift/internal/testwait"
	"github.com/feedsift/feedsift/sink"
)

// TestStoryAnnouncedOnceOnEachTopic runs the daemon on two feeds of two
// topics that carry one article: a town paper's on "regional", and then
// a wire service's copy, under its own header and footer, on "world". The
// copy joins the paper's story, and the story is announced on the copy's
// topic too. Several polls later each
// topic's subject holds the story exactly once, and the store lists it
// under both topics.
func TestStoryAnnouncedOnceOnEachTopic(t *testing.T) {
	flood := demoArticle(t, "river-aske-floods-lowbridge")
	day := time.Date(2026, 3, 10, 7, 0, 0, 0, time.UTC)
	sc := feedfarm.Scenario{Sites: []feedfarm.Site{
		{Name: "courier", Format: feedfarm.FormatRSS, Topic: "regional", Entries: []feedfarm.Entry{{Article: flood, GUID: "courier-1", Published: day}}},
		{Name: "wire", Format: feedfarm.FormatRSS, Topic: "world", Template: feedfarm.TemplateWire, Entries: []feedfarm.Entry{{
			Article: flood, GUID: "wire-1", Published: day.Add(2 * time.Hour), FromRound: 1,
			Header: []string{"This report reaches you through a partner newsroom."},
			Footer: []string{"More from our partners at partners.example"},
		}}},
	}}
	farm := feedfarm.New(sc)
	srv := httptest.NewServer(farm.Handler())
	t.Cleanup(srv.Close)
	cfg := testConfig(t, t.TempDir(), sc, farm.FeedURLs(srv.URL))
	cfg.Poll.MaxItemAge = 100 * 365 * 24 * time.Hour // the articles are dated March 2026
	r := startDaemon(t, cfg)
	store := r.d.Store()

	onlyStory(t, store, "the town paper's story")
	farm.Advance() // the wire lists its copy from round 1

	var s story.Story
	testwait.Until(t, "one story announced on regional and world", 30*time.Second, func() bool {
		ss, err := store.Stories(sink.StoryFilter{})
		if err != nil || len(ss) != 1 {
			return false
		}
		s = ss[0]
		topics := slices.Clone(s.AllTopics())
		slices.Sort(topics)
		return slices.Equal(topics, []string{"regional", "world"})
	})
	polls := pollCount(t, r)
	testwait.Until(t, "each feed polled twice more", 30*time.Second, func() bool { return pollCount(t, r) >= polls+4 })

	nc, err := nats.Connect(r.d.NATSURL())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	stream, err := js.Stream(t.Context(), "FEEDSIFT")
	if err != nil {
		t.Fatal(err)
	}
	info, err := stream.Info(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if err := store.WaitSeq(t.Context(), info.State.LastSeq); err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for seq := info.State.FirstSeq; seq <= info.State.LastSeq; seq++ {
		m, err := stream.GetMsg(t.Context(), seq)
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(m.Subject, "news.") {
			got[m.Subject] = append(got[m.Subject], m.Header.Get(jetstream.MsgIDHeader))
		}
	}
	if len(got) != 2 || len(got["news.regional"]) != 1 || len(got["news.world"]) != 1 {
		t.Fatalf("story messages by subject: %q; want one on news.regional and one on news.world", got)
	}
	for _, topic := range []string{"regional", "world"} {
		ss, err := store.Stories(sink.StoryFilter{Topic: topic})
		if err != nil || len(ss) != 1 || ss[0].ID != s.ID {
			t.Errorf("stories on %s: %d (%v), want story %s", topic, len(ss), err, s.ID)
		}
	}
	members, err := store.Members(t.Context(), s.ID)
	if err != nil || len(members) != 1 || members[0].FeedID != "wire" || members[0].Topic != "world" {
		t.Errorf("members %+v (%v); want the wire's copy, on world", members, err)
	}
	if s.FeedID != "courier" || s.Topic != "regional" {
		t.Errorf("story from feed %s on %s, want the town paper's on regional", s.FeedID, s.Topic)
	}
}

var pollsLine = regexp.MustCompile(`(?m)^feedsift_polls_total\{result="(?:ok|not_modified)"\} (\d+)$`)

// pollCount is the number of feed polls that succeeded so far, from
// /metrics.
func pollCount(t *testing.T, r *running) int {
	t.Helper()
	_, body := httpGet(t, "http://"+r.d.HTTPAddr()+"/metrics")
	n := 0
	for _, m := range pollsLine.FindAllStringSubmatch(body, -1) {
		v, _ := strconv.Atoi(m[1])
		n += v
	}
	return n
}
