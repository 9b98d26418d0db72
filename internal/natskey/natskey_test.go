package natskey_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/feedsift/feedsift/internal/natskey"
)

func TestEncodeDecode(t *testing.T) {
	for _, tc := range []struct{ id, token string }{
		{"example", "example"},
		{"example.com/rss", "example=2Ecom=2Frss"},
		{"a b", "a=20b"},
		{"café", "caf=C3=A9"},
		{"news_wire-7", "news_wire-7"},
	} {
		got, err := natskey.Encode(tc.id)
		if err != nil || got != tc.token {
			t.Errorf("Encode(%q) = %q, %v; want %q", tc.id, got, err, tc.token)
		}
		back, err := natskey.Decode(tc.token)
		if err != nil || back != tc.id {
			t.Errorf("Decode(%q) = %q, %v; want %q", tc.token, back, err, tc.id)
		}
	}
}

func TestInvalid(t *testing.T) {
	for _, id := range []string{"", strings.Repeat("x", natskey.MaxIDLen+1), "bad\xff", "tab\there"} {
		if _, err := natskey.Encode(id); !errors.Is(err, natskey.ErrInvalid) {
			t.Errorf("Encode(%q) = %v, want ErrInvalid", id, err)
		}
	}
	for _, tok := range []string{"a=2e", "=41", "a.b", "x=", "=ZZ"} {
		if _, err := natskey.Decode(tok); !errors.Is(err, natskey.ErrInvalid) {
			t.Errorf("Decode(%q) = %v, want ErrInvalid (only Encode's tokens decode)", tok, err)
		}
	}
	if natskey.Plain("") || natskey.Plain("a.b") || !natskey.Plain("FEEDSIFT_POLLS") {
		t.Error("Plain misjudged a name")
	}
}

func FuzzRoundTrip(f *testing.F) {
	for _, s := range []string{"example.com/rss", "café", "=", "a=20b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		tok, err := natskey.Encode(id)
		if err != nil {
			return
		}
		if !natskey.Plain(strings.ReplaceAll(tok, "=", "_")) {
			t.Fatalf("token %q of %q has bytes outside [A-Za-z0-9_=-]", tok, id)
		}
		back, err := natskey.Decode(tok)
		if err != nil || back != id {
			t.Fatalf("round trip of %q: %q, %v", id, back, err)
		}
	})
}
