package sink_test

import (
	"path/filepath"
	"testing"

	"github.com/feedsift/feedsift/sink"
)

// TestWebSubState saves and loads the WebSub state, across a reopen of the
// store, and checks that a store without one returns nil.
func TestWebSubState(t *testing.T) {
	path := filepath.Join(t.TempDir(), "store.db")
	st, err := sink.OpenStore(path, sink.StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if data, err := st.LoadWebSub(); err != nil || data != nil {
		t.Fatalf("LoadWebSub on a new store = %q, %v; want nil, nil", data, err)
	}
	for _, v := range []string{`{"v":1,"subscriptions":[]}`, `{"v":1,"subscriptions":[{"topic":"https://a.example/feed"}]}`} {
		if err := st.SaveWebSub([]byte(v)); err != nil {
			t.Fatalf("SaveWebSub: %v", err)
		}
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	st, err = sink.OpenStore(path, sink.StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	data, err := st.LoadWebSub()
	if want := `{"v":1,"subscriptions":[{"topic":"https://a.example/feed"}]}`; err != nil || string(data) != want {
		t.Errorf("LoadWebSub after reopen = %q, %v; want the last saved %q", data, err, want)
	}
}
