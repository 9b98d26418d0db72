package extract_test

import (
	"strings"
	"testing"

	"github.com/feedsift/feedsift/extract"
)

func TestDeclaredAddress(t *testing.T) {
	const base = "https://partner.example/news/2026/03/aske?utm_source=rss"
	tests := []struct {
		name, page, want string
	}{
		{"canonical", `<html><head><link rel="canonical" href="https://ledger.example/aske-floods"></head><body><p>x</p></body></html>`,
			"https://ledger.example/aske-floods"},
		{"relative canonical", `<head><link href="/news/aske" rel="Canonical"></head>`, "https://partner.example/news/aske"},
		{"canonical among other rel words", `<head><link rel="alternate canonical" href="https://a.example/x"></head>`, "https://a.example/x"},
		{"og:url without canonical", `<head><meta property="og:url" content="https://ledger.example/aske"></head>`, "https://ledger.example/aske"},
		{"canonical wins over og:url", `<head><meta property="og:url" content="https://og.example/a"><link rel=canonical href="https://c.example/a"></head>`,
			"https://c.example/a"},
		{"not http", `<head><link rel="canonical" href="javascript:alert(1)"><meta property="og:url" content="ftp://x.example/a"></head>`, ""},
		{"none", `<html><head><title>t</title></head><body><p>text</p></body></html>`, ""},
		{"only the head counts", `<html><head></head><body><link rel="canonical" href="https://body.example/a"></body></html>`, ""},
		{"no markup", `plain text`, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := extract.DeclaredAddress([]byte(tc.page), base); got != tc.want {
				t.Errorf("DeclaredAddress = %q, want %q", got, tc.want)
			}
		})
	}
	huge := "<head>" + strings.Repeat("<meta name=x content=y>", 20000) + `<link rel="canonical" href="https://late.example/a"></head>`
	if got := extract.DeclaredAddress([]byte(huge), base); got != "" {
		t.Errorf("DeclaredAddress read past its limit: %q", got)
	}
}

// FuzzDeclaredAddress checks that any page gives "" or an absolute
// http(s) URL, without panicking.
func FuzzDeclaredAddress(f *testing.F) {
	f.Add([]byte(`<head><link rel="canonical" href="/a"><meta property="og:url" content="https://b.example/"></head>`))
	f.Add([]byte(`<link rel=canonical href=`))
	f.Fuzz(func(t *testing.T, page []byte) {
		got := extract.DeclaredAddress(page, "https://base.example/x")
		if got != "" && !strings.HasPrefix(got, "http://") && !strings.HasPrefix(got, "https://") {
			t.Errorf("DeclaredAddress = %q, not an http(s) URL", got)
		}
	})
}
