package story

import "testing"

func TestMemberKey(t *testing.T) {
	a := Duplicate{StoryID: "s1", Topic: "t", FeedID: "feed", URL: "https://example.com/copy-1", GUID: "guid-1", Title: "A copy"}
	tests := []struct {
		name   string
		mutate func(*Duplicate)
		same   bool
	}{
		{"score and text do not count", func(d *Duplicate) { d.Similarity, d.Reason, d.Title = 0.5, "x", "y" }, true},
		{"feed counts", func(d *Duplicate) { d.FeedID = "other" }, false},
		{"url counts", func(d *Duplicate) { d.URL += "?x" }, false},
		{"guid counts", func(d *Duplicate) { d.GUID = "g" }, false},
		{"fields do not run together", func(d *Duplicate) { d.FeedID, d.URL = "fee", "d"+d.URL }, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := a
			tc.mutate(&b)
			if got := a.MemberKey() == b.MemberKey(); got != tc.same {
				t.Errorf("MemberKey equal = %v, want %v", got, tc.same)
			}
		})
	}
}
