package dedupe

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/feedsift/feedsift/internal/testshared"
)

// forEachDevDoc calls fn with the ID and text of every document of the
// shared dedupe dev stream, in stream order; it skips the test when the
// corpus is absent.
func forEachDevDoc(t testing.TB, fn func(id, text string)) {
	t.Helper()
	f, err := os.Open(filepath.Join(testshared.Dir(t), "corpus", "dedupe", "dev", "docs.jsonl"))
	if err != nil {
		t.Skipf("dev corpus absent: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var d struct{ ID, Text string }
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			t.Fatal(err)
		}
		fn(d.ID, d.Text)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
}
