package websub_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/feedsift/feedsift/internal/testshared"
	"github.com/feedsift/feedsift/internal/websub"
)

func BenchmarkHub(b *testing.B) {
	inputs := map[string][]byte{"atom": []byte(atomFeed), "rss": []byte(rssFeed)}
	// A large real feed whose hub link comes after the channel header.
	if data, err := os.ReadFile(filepath.Join(testshared.Dir(b), "corpus", "feeds", "feedjira", "TechCrunch.xml")); err == nil {
		inputs["TechCrunch.xml"] = data
	}
	for name, doc := range inputs {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(doc)))
			for b.Loop() {
				if _, _, ok := websub.Hub(doc, nil); !ok {
					b.Fatal("no hub")
				}
			}
		})
	}
}

// BenchmarkContent measures one signed delivery through ServeHTTP:
// reading the body, checking its HMAC-SHA256 and handing it on.
func BenchmarkContent(b *testing.B) {
	secret := "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	data := []byte(`{"v":1,"subscriptions":[{"topic":"https://e.org/f","hub":"https://h.org/","id":"abc","secret":"` + secret + `","status":"active"}]}`)
	delivered := 0
	sub, err := websub.New(websub.Options{
		CallbackBase: "https://feeds.example.org/websub",
		OnContent:    func(string, []byte, http.Header) { delivered++ },
	})
	if err != nil {
		b.Fatal(err)
	}
	if err := sub.Unmarshal(data); err != nil {
		b.Fatal(err)
	}
	body := bytes.Repeat([]byte(atomFeed), 64) // ~24 KB, a typical push
	sig := sign("sha256", secret, body)
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, "/websub/abc", bytes.NewReader(body))
		req.Header.Set("X-Hub-Signature", sig)
		w := httptest.NewRecorder()
		sub.ServeHTTP(w, req)
		if w.Code != http.StatusAccepted {
			b.Fatalf("status %d", w.Code)
		}
	}
	if delivered == 0 {
		b.Fatal("nothing delivered")
	}
}
