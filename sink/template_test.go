package sink_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/feedsift/feedsift/sink"
)

func TestStore_Template(t *testing.T) {
	s := openStore(t, sink.StoreOptions{})
	if got, err := s.LoadTemplate(t.Context(), "example.org"); err != nil || got != nil {
		t.Fatalf("LoadTemplate of an unknown host = %q, %v; want nil, nil", got, err)
	}
	for _, step := range []struct{ host, data string }{
		{"example.org", "first"},
		{"other.net", "other"},
		{"example.org", "second"}, // replaces
	} {
		if err := s.SaveTemplate(t.Context(), step.host, []byte(step.data)); err != nil {
			t.Fatalf("SaveTemplate(%s): %v", step.host, err)
		}
	}
	for host, want := range map[string]string{"example.org": "second", "other.net": "other"} {
		got, err := s.LoadTemplate(t.Context(), host)
		if err != nil {
			t.Fatalf("LoadTemplate(%s): %v", host, err)
		}
		if diff := cmp.Diff(want, string(got)); diff != "" {
			t.Errorf("LoadTemplate(%s) (-want +got):\n%s", host, diff)
		}
	}
	if err := s.SaveTemplate(t.Context(), "", []byte("x")); !errors.Is(err, sink.ErrInvalidOption) {
		t.Errorf("SaveTemplate with empty host = %v, want ErrInvalidOption", err)
	}
}

func TestStore_TemplateSurvivesReopen(t *testing.T) {
	ro := writeThenReopen(t, func(s *sink.Store) error { return s.SaveTemplate(t.Context(), "example.org", []byte{0, 1, 2, 0xff}) })
	got, err := ro.LoadTemplate(t.Context(), "example.org")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]byte{0, 1, 2, 0xff}, got); diff != "" {
		t.Errorf("template after reopen (-want +got):\n%s", diff)
	}
	if err := ro.SaveTemplate(t.Context(), "example.org", nil); err == nil {
		t.Error("SaveTemplate on a read-only store succeeded")
	}
}
