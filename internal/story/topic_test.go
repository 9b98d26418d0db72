package story_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/feedsift/feedsift/internal/story"
)

func TestValidateTopic(t *testing.T) {
	tests := []struct {
		topic string
		ok    bool
	}{
		{"world", true},
		{"world.europe", true},
		{"tech-news_2", true},
		{"", false},
		{"world.", false},
		{".world", false},
		{"world..europe", false},
		{"world.*", false},
		{"world.>", false},
		{"world news", false},
		{"world\tnews", false},
	}
	for _, tc := range tests {
		err := story.ValidateTopic(tc.topic)
		if tc.ok && err != nil {
			t.Errorf("ValidateTopic(%q) = %v, want nil", tc.topic, err)
		}
		if !tc.ok && !errors.Is(err, story.ErrInvalidTopic) {
			t.Errorf("ValidateTopic(%q) = %v, want ErrInvalidTopic", tc.topic, err)
		}
	}
}

func TestStoryTopics(t *testing.T) {
	tests := []struct {
		name  string
		story story.Story
		op    func(story.Story) story.Story
		topic string
		all   []string
	}{
		{"alone", story.Story{Topic: "world"}, func(s story.Story) story.Story { return s }, "world", []string{"world"}},
		{"add", story.Story{Topic: "world"}, func(s story.Story) story.Story { return s.AddTopic("europe") }, "world", []string{"world", "europe"}},
		{"add own", story.Story{Topic: "world"}, func(s story.Story) story.Story { return s.AddTopic("world") }, "world", []string{"world"}},
		{"add twice", story.Story{Topic: "world", Topics: []string{"world", "europe"}},
			func(s story.Story) story.Story { return s.AddTopic("europe") }, "world", []string{"world", "europe"}},
		{"move to new", story.Story{Topic: "world"}, func(s story.Story) story.Story { return s.MoveTopic("europe") },
			"europe", []string{"europe", "world"}},
		{"move to known", story.Story{Topic: "world", Topics: []string{"world", "tech", "europe"}},
			func(s story.Story) story.Story { return s.MoveTopic("europe") }, "europe", []string{"europe", "world", "tech"}},
		{"move to own", story.Story{Topic: "world"}, func(s story.Story) story.Story { return s.MoveTopic("world") }, "world", []string{"world"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := slices.Clone(tc.story.Topics)
			got := tc.op(tc.story)
			if got.Topic != tc.topic || !slices.Equal(got.AllTopics(), tc.all) {
				t.Errorf("topic %q, all %q; want %q, %q", got.Topic, got.AllTopics(), tc.topic, tc.all)
			}
			for _, topic := range tc.all {
				if !got.HasTopic(topic) {
					t.Errorf("HasTopic(%q) = false", topic)
				}
			}
			if got.HasTopic("sport") {
				t.Error(`HasTopic("sport") = true`)
			}
			if !slices.Equal(tc.story.Topics, before) {
				t.Errorf("the receiver's Topics changed: %q, was %q", tc.story.Topics, before)
			}
		})
	}
}
