package cli_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// selectorPage is a page written for this test: the story sits in two
// "copy" blocks that a reader would pick by hand, with an editor's note
// inside the first and a longer promotional block beside them.
const selectorPage = `<!doctype html><html lang="en"><head><title>Night buses return to the bay road</title></head><body>
<div class="wrap">
<div class="copy"><p>Night buses return to the bay road from Friday, the transport office said, after a year in which the last bus left the harbour at eleven.</p>
<p class="note">Editor's note: this story was updated with the new timetable.</p></div>
<div class="promo"><p>Subscribe to our weekly harbour digest and receive the best local stories, event listings, tide tables and a crossword every Sunday morning, straight to your inbox, for free.</p>
<p>Our digest is read by thousands of people across the bay, and we never share your address with anyone else, ever, under any circumstances whatsoever.</p></div>
<div class="copy"><p>Buses will run every half hour until two in the morning on Fridays and Saturdays, and every hour on other nights, with a stop added at the hospital.</p></div>
</div></body></html>`

func TestExtractURLSelector(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(selectorPage))
	}))
	defer srv.Close()
	u := srv.URL + "/night-buses"

	want := "Night buses return to the bay road from Friday, the transport office said, after a year in which the last bus left the harbour at eleven.\n\n" +
		"Buses will run every half hour until two in the morning on Fridays and Saturdays, and every hour on other nights, with a stop added at the hospital.\n"
	got := mustRun(t, "extract", "--allow-private", "--url", u, "--selector", ".copy", "--exclude", ".note")
	if got != want {
		t.Errorf("extract --url --selector printed:\n%s\nwant:\n%s", got, want)
	}

	js := mustRun(t, "extract", "--allow-private", "--format", "jsonl", "--url", u, "--selector", ".copy", "--exclude", ".note", "--exclude", "h1")
	var m map[string]any
	if err := json.Unmarshal([]byte(js), &m); err != nil {
		t.Fatalf("jsonl: %v\n%s", err, js)
	}
	if m["url"] != u || m["block"] != "selector" || m["page_type"] == "" || m["confidence"] == nil {
		t.Errorf("jsonl fields: %v", m)
	}

	// A selector matching nothing: automatic extraction, with a warning.
	r := run(t, "extract", "--allow-private", "--url", u, "--selector", ".no-such-block")
	if r.err != nil || !strings.Contains(r.stderr, "matches nothing") || !strings.Contains(r.stdout, "Night buses return") {
		t.Errorf("selector matching nothing: err %v, stdout %q, stderr %q", r.err, r.stdout, r.stderr)
	}

	// The fetcher's address guard applies as in the daemon.
	if r := run(t, "extract", "--url", u, "--selector", ".copy"); r.err == nil {
		t.Errorf("loopback without --allow-private: fetched, stdout %q", r.stdout)
	}
	// A selector that does not compile is a usage error.
	if r := run(t, "extract", "--url", u, "--selector", "div[x"); r.err == nil || !strings.Contains(r.err.Error(), "CSS selector") {
		t.Errorf("bad selector: err %v", r.err)
	}
}

// TestExtractFileSelector: the selector applies to saved pages too.
func TestExtractFileSelector(t *testing.T) {
	r := run(t, "extract", "--selector", "#no-such-id", tramFile)
	if r.err != nil || !strings.Contains(r.stderr, "matches nothing") || r.stdout != tramText+"\n" {
		t.Errorf("file with a selector matching nothing: err %v, stdout %q, stderr %q", r.err, r.stdout, r.stderr)
	}
}
