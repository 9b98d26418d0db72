package story

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

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

func TestKeepMember(t *testing.T) {
	at := time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC)
	from := Story{ID: "s1", Topic: "world", FeedID: "wire", URL: "https://wire.example/a", Title: "Wire title",
		Author: "Desk", Text: "wire text", Source: "article", PageType: "article", Confidence: 0.9,
		Fetched: at.Add(-time.Hour), Revision: 2, UpdateURL: "https://wire.example/a-update"}
	m := Duplicate{StoryID: "s1", Topic: "regional", FeedID: "ledger", URL: "https://ledger.example/a?utm=x",
		GUID: "l-1", Title: "Ledger title", Published: at.Add(-96 * time.Hour), Text: "ledger text", Source: "article", Similarity: 0.93}
	o := Override{ID: "o1", Op: OpKeep, Story: "s1", Member: m.MemberKey(), Keys: []string{"guid:ledger:l-1", "url:https://ledger.example/a"}, At: at, By: "ana"}
	kept, former := KeepMember(o, from, m)
	want := Story{ID: "s1", Topic: "regional", Topics: []string{"regional", "world"}, FeedID: "ledger", URL: m.URL, CanonicalURL: "https://ledger.example/a", GUID: "l-1",
		Title: "Ledger title", Published: m.Published, Fetched: from.Fetched, Text: "ledger text", Source: "article",
		Revision: 3, Updated: at, Kept: "chosen by ana", KeptBy: "ana"}
	if !reflect.DeepEqual(kept, want) {
		t.Errorf("kept story\n got %+v\nwant %+v", kept, want)
	}
	if former.StoryID != "s1" || former.URL != from.URL || former.FeedID != "wire" || former.Text != "wire text" ||
		former.Method != MethodReplaced || !strings.Contains(former.Reason, "until ana chose "+m.URL) {
		t.Errorf("former version's record %+v", former)
	}
	// A member matched by identity carries no text: the story's stays.
	m.Text = ""
	if kept, _ := KeepMember(o, from, m); kept.Text != "wire text" || kept.PageType != "article" {
		t.Errorf("keeping a member without text: text %q, page type %q; want the story's", kept.Text, kept.PageType)
	}
}
