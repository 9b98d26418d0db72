package httpapi

import (
	_ "embed"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/feedsift/feedsift/internal/story"
	"github.com/feedsift/feedsift/internal/textdiff"
)

//go:embed dupes.html.tmpl
var pageSource string

var pageTemplate = template.Must(template.New("dupes").Funcs(template.FuncMap{
	"short": func(id string) string {
		if len(id) > 12 {
			return id[:12]
		}
		return id
	},
	"when": func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.UTC().Format("2006-01-02 15:04 UTC")
	},
	"pct":    func(f float64) string { return fmt.Sprintf("%.0f%%", 100*f) },
	"manual": func(d story.Duplicate) bool { return d.Method == story.MethodManual },
}).Parse(pageSource))

type pageData struct {
	Topic, Since, Limit string
	Done, Err           string
	CanReview           bool
	Auth                bool // a token is set: offer to log out
	Entries             []pageEntry
	Members             int
}

type pageEntry struct {
	Story   story.Story
	Known   bool // the story itself is in the store
	Members []pageMember
	Related []pageRelated
}

type pageMember struct {
	story.Duplicate
	Key  string
	Diff *textdiff.Result // nil when the member has no text or the story is unknown
}

type pageRelated struct {
	ID, Title  string
	Similarity float64
	Merged     bool
}

// page serves the dedupe report for people: GET /dupes with the filters of
// /api/dupes, and the done and err messages of a form post.
func (s *Server) page(w http.ResponseWriter, r *http.Request) {
	if !s.haveStore(w, r) {
		return
	}
	f, err := filter(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if r.URL.Query().Get("limit") == "" {
		f.Limit = 50
	}
	report, err := s.opts.Store.Report(f)
	if err != nil {
		s.log.Error("page: store read failed", "error", err)
		http.Error(w, "store read failed", http.StatusInternalServerError)
		return
	}
	q := r.URL.Query()
	data := pageData{
		Topic: q.Get("topic"), Since: q.Get("since"), Limit: q.Get("limit"),
		Done: q.Get("done"), Err: q.Get("err"), CanReview: s.opts.Review != nil, Auth: s.opts.Token != "",
	}
	for _, e := range report {
		pe := pageEntry{Story: e.Story, Known: e.Story.Title != "" || e.Story.Text != ""}
		for _, m := range e.Members {
			pm := pageMember{Duplicate: m, Key: m.MemberKey()}
			if pe.Known && m.Text != "" {
				d := textdiff.Words(e.Story.Text, m.Text)
				pm.Diff = &d
			}
			pe.Members = append(pe.Members, pm)
			data.Members++
		}
		for _, rel := range e.Story.Related {
			pr := pageRelated{ID: rel.StoryID, Similarity: rel.Similarity}
			if st, ok, err := s.opts.Store.Story(r.Context(), rel.StoryID); err == nil && ok {
				pr.Title, pr.Merged = st.Title, st.MergedInto != ""
			}
			pe.Related = append(pe.Related, pr)
		}
		data.Entries = append(data.Entries, pe)
	}
	var b strings.Builder
	if err := pageTemplate.Execute(&b, data); err != nil {
		s.log.Error("page: render failed", "error", err)
		http.Error(w, "render failed", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", pageCSP)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write([]byte(b.String())) // a failed write to a gone client needs no handling
}

// formSplit and formMerge serve the page's buttons: the same Reviewer the
// JSON API calls, then back to the page with what happened.
func (s *Server) formSplit(w http.ResponseWriter, r *http.Request) {
	if !s.haveReview(w, r) {
		return
	}
	res, err := s.opts.Review.Split(r.Context(), r.PostFormValue("story"), r.PostFormValue("member"), by("web "+r.RemoteAddr, r))
	msg := ""
	if err == nil {
		msg = fmt.Sprintf("Split: the member is now story %s.", res.Override.NewStory)
	}
	s.backToPage(w, r, msg, err)
}

func (s *Server) formMerge(w http.ResponseWriter, r *http.Request) {
	if !s.haveReview(w, r) {
		return
	}
	res, err := s.opts.Review.Merge(r.Context(), r.PostFormValue("a"), r.PostFormValue("b"), by("web "+r.RemoteAddr, r))
	msg := ""
	if err == nil {
		msg = fmt.Sprintf("Merged: story %s joined story %s.", res.Override.Other, res.Override.Story)
	}
	s.backToPage(w, r, msg, err)
}

func (s *Server) formKeep(w http.ResponseWriter, r *http.Request) {
	if !s.haveReview(w, r) {
		return
	}
	res, err := s.opts.Review.Keep(r.Context(), r.PostFormValue("story"), r.PostFormValue("member"), by("web "+r.RemoteAddr, r))
	msg := ""
	if err == nil {
		msg = fmt.Sprintf("Kept: this copy is now the version of story %s people get.", res.Override.Story)
	}
	s.backToPage(w, r, msg, err)
}

func (s *Server) backToPage(w http.ResponseWriter, r *http.Request, done string, err error) {
	q := url.Values{}
	if err != nil {
		s.log.Warn("page: override failed", "error", err)
		q.Set("err", err.Error())
	} else {
		q.Set("done", done)
	}
	for _, k := range []string{"topic", "since", "limit"} {
		if v := r.PostFormValue(k); v != "" {
			q.Set(k, v)
		}
	}
	http.Redirect(w, r, "/dupes?"+q.Encode(), http.StatusSeeOther)
}
