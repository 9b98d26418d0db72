package cli_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestDiscover(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<html><head><title>Harbour Gazette</title>
<link rel="alternate" type="application/rss+xml" title="Gazette: all stories" href="/feed.xml">
<link rel="alternate" type="application/atom+xml" title="Gazette: council" href="council/atom.xml">
</head><body><p>News.</p></body></html>`)
	})
	mux.HandleFunc("GET /plain/{$}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<html><body><p>No feed links here.</p></body></html>`)
	})
	mux.HandleFunc("GET /rss.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Probed</title><link>http://x/</link>
<item><title>One</title><link>http://x/1</link><guid>1</guid></item></channel></rss>`)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	out := mustRun(t, "discover", "--allow-private", srv.URL+"/")
	var rows []string
	for l := range strings.SplitSeq(strings.TrimSpace(out), "\n") {
		rows = append(rows, strings.Join(strings.Fields(l), " "))
	}
	want := []string{"TYPE FOUND BY URL TITLE", "rss link " + srv.URL + "/feed.xml Gazette: all stories",
		"atom link " + srv.URL + "/council/atom.xml Gazette: council"}
	if strings.Join(rows, "\n") != strings.Join(want, "\n") {
		t.Errorf("discover printed:\n%s\nwant rows:\n%s", out, strings.Join(want, "\n"))
	}

	js := mustRun(t, "discover", "--json", "--allow-private", srv.URL+"/plain/")
	var got []struct{ URL, Type, Source string }
	if err := json.Unmarshal([]byte(js), &got); err != nil {
		t.Fatalf("--json output: %v\n%s", err, js)
	}
	if len(got) != 1 || got[0].URL != srv.URL+"/rss.xml" || got[0].Source != "probe" || got[0].Type != "rss" {
		t.Errorf("probed feeds = %+v, want the one at /rss.xml", got)
	}

	if r := run(t, "discover", "--no-probe", "--allow-private", srv.URL+"/plain/"); r.err == nil || !strings.Contains(r.err.Error(), srv.URL+"/plain/") {
		t.Errorf("no feed and no probing: err %v, want one naming the site", r.err)
	}
	if r := run(t, "discover", srv.URL+"/"); r.err == nil || !strings.Contains(r.err.Error(), "private address") {
		t.Errorf("loopback without --allow-private: err %v, want the address guard's refusal", r.err)
	}
	if r := run(t, "discover"); r.err == nil {
		t.Error("discover with no URL succeeded")
	}
}
