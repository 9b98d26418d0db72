package story_test

import (
	"errors"
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
