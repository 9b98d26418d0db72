package story_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/feedsift/feedsift/extract"
	"github.com/feedsift/feedsift/internal/story"
)

func TestLowConfidenceMatchesExtract(t *testing.T) {
	if story.LowConfidence != extract.LowConfidence {
		t.Errorf("story.LowConfidence %v != extract.LowConfidence %v", story.LowConfidence, extract.LowConfidence)
	}
}

func TestDoubtful(t *testing.T) {
	tests := []struct {
		s    story.Story
		want bool
	}{
		{story.Story{Source: "article", PageType: "article", Confidence: 0.9}, false},
		{story.Story{Source: "article", PageType: "listing", Confidence: 0.2}, true},
		{story.Story{Source: "article", PageType: "article", Confidence: 0.49}, true},
		{story.Story{Source: "article"}, false}, // published before page types
		{story.Story{Source: "content"}, false},
	}
	for _, tc := range tests {
		if got := tc.s.Doubtful(); got != tc.want {
			t.Errorf("%+v: Doubtful() = %v, want %v", tc.s, got, tc.want)
		}
	}
}

func TestPageTypeInPayload(t *testing.T) {
	raw, err := json.Marshal(story.Story{Source: "article", PageType: "listing", Confidence: 0.31})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"page_type":"listing"`, `"confidence":0.31`} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("payload %s lacks %s", raw, want)
		}
	}
	raw, _ = json.Marshal(story.Story{Source: "content"})
	if strings.Contains(string(raw), "page_type") || strings.Contains(string(raw), "confidence") {
		t.Errorf("payload of a feed-content story has page fields: %s", raw)
	}
}
