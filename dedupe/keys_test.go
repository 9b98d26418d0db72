package dedupe_test

import (
	"regexp"
	"testing"

	"github.com/feedsift/feedsift/dedupe"
	"github.com/feedsift/feedsift/internal/story"
	"github.com/google/go-cmp/cmp"
)

func TestIdentityKeys(t *testing.T) {
	tests := []struct {
		name string
		item story.Item
		want []string
	}{
		{"guid and url", story.Item{GUID: "abc-123", URL: "https://Example.com/a?utm_source=rss"},
			[]string{"guid:f1:abc-123", "url:https://example.com/a"}},
		{"guid is the same url", story.Item{GUID: "https://example.com/a", URL: "https://example.com/a/#x"},
			[]string{"guid:f1:https://example.com/a", "url:https://example.com/a"}},
		{"guid is another url", story.Item{GUID: "http://example.com/?p=42", URL: "https://example.com/2024/story"},
			[]string{"guid:f1:http://example.com/?p=42", "url:https://example.com/2024/story", "url:http://example.com/?p=42"}},
		{"url only", story.Item{URL: "https://example.com/b"}, []string{"url:https://example.com/b"}},
		{"guid only, bad url", story.Item{GUID: " tag:example.com,2024:1 ", URL: "/relative"},
			[]string{"guid:f1:tag:example.com,2024:1"}},
		{"nothing", story.Item{Title: "no links"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := dedupe.IdentityKeys("f1", tc.item)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("IdentityKeys (-want +got):\n%s", diff)
			}
		})
	}
	a := dedupe.IdentityKeys("feedA", story.Item{GUID: "1"})
	b := dedupe.IdentityKeys("feedB", story.Item{GUID: "1"})
	if a[0] == b[0] {
		t.Errorf("GUID keys of two feeds collide: %q", a[0])
	}
}

func TestStoryID(t *testing.T) {
	id := dedupe.StoryID("url:https://example.com/a")
	if !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(id) {
		t.Fatalf("StoryID = %q, want 32 lower-case hex digits", id)
	}
	if again := dedupe.StoryID("url:https://example.com/a"); again != id {
		t.Errorf("StoryID not stable: %q then %q", id, again)
	}
	if other := dedupe.StoryID("url:https://example.com/b"); other == id {
		t.Errorf("two keys, one id %q", id)
	}
	// Fixed value: ids are stored and published, so the derivation must
	// never change.
	if got, want := dedupe.StoryID(""), "e3b0c44298fc1c149afbf4c8996fb924"; got != want {
		t.Errorf("StoryID(\"\") = %q, want %q", got, want)
	}
}
