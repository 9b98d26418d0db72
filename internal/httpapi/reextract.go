package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/feedsift/feedsift/internal/ledger"
	"github.com/feedsift/feedsift/internal/pipeline"
)

// Reextracter runs extraction again on kept pages (the pipeline).
type Reextracter interface {
	Reextract(ctx context.Context, f pipeline.ReextractFilter, progress func(pipeline.ReextractProgress)) (pipeline.ReextractProgress, error)
}

// ReextractRequest is the body of POST /api/reextract.
type ReextractRequest struct {
	Feed   string `json:"feed,omitempty"`
	Since  string `json:"since,omitempty"` // as the since parameter of /api/stories
	DryRun bool   `json:"dry_run,omitempty"`
}

// ReextractLine is one line of the answer to POST /api/reextract, which
// streams JSON lines: progress as pages are done, then one line with Final
// set (and Error when the run failed).
type ReextractLine struct {
	pipeline.ReextractProgress
	Final bool   `json:"final,omitempty"`
	Error string `json:"error,omitempty"`
}

// progressEvery spaces the progress lines of a long run.
const progressEvery = 250 * time.Millisecond

func (s *Server) apiReextract(w http.ResponseWriter, r *http.Request) {
	if s.opts.Reextract == nil {
		s.apiError(w, http.StatusServiceUnavailable, "re-extraction is not available here")
		return
	}
	var req ReextractRequest
	if err := decodeBody(r, &req); err != nil {
		s.apiError(w, http.StatusBadRequest, err.Error())
		return
	}
	f := pipeline.ReextractFilter{FeedID: req.Feed, DryRun: req.DryRun}
	if req.Since != "" {
		since, err := ParseSince(req.Since, time.Now())
		if err != nil {
			s.apiError(w, http.StatusBadRequest, err.Error())
			return
		}
		f.Since = since
	}
	w.Header().Set("Content-Type", "application/x-ndjson")
	w.Header().Set("Cache-Control", "no-store")
	flusher, _ := w.(http.Flusher)
	enc := json.NewEncoder(w)
	send := func(l ReextractLine) {
		if err := enc.Encode(l); err != nil {
			return // the client went away; the run goes on to its end
		}
		if flusher != nil {
			flusher.Flush()
		}
	}
	var last time.Time
	res, err := s.opts.Reextract.Reextract(r.Context(), f, func(p pipeline.ReextractProgress) {
		if now := time.Now(); now.Sub(last) >= progressEvery {
			last = now
			send(ReextractLine{ReextractProgress: p})
		}
	})
	final := ReextractLine{ReextractProgress: res, Final: true}
	if err != nil {
		final.Error = err.Error()
		if errors.Is(err, pipeline.ErrNoPages) || errors.Is(err, ledger.ErrNoReview) {
			s.log.Warn("api: reextract unavailable", "error", err)
		} else {
			s.log.Error("api: reextract failed", "error", err)
		}
	}
	send(final)
}
