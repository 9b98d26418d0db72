package httpapi

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/feedsift/feedsift/internal/ledger"
)

// maxBody bounds the JSON body of an override request.
const maxBody = 64 << 10

// SplitRequest is the body of POST /api/dupes/split.
type SplitRequest struct {
	Story  string `json:"story"`
	Member string `json:"member"` // member key (or a unique prefix) or URL
	By     string `json:"by,omitempty"`
}

// MergeRequest is the body of POST /api/dupes/merge: B joins A.
type MergeRequest struct {
	A  string `json:"a"`
	B  string `json:"b"`
	By string `json:"by,omitempty"`
}

// KeepRequest is the body of POST /api/dupes/keep: Member becomes the
// version of Story people get.
type KeepRequest struct {
	Story  string `json:"story"`
	Member string `json:"member"` // member key (or a unique prefix) or URL
	By     string `json:"by,omitempty"`
}

// sameOrigin refuses a request whose browser says it comes from another
// site (Origin or Sec-Fetch-Site), so a page elsewhere cannot press the
// buttons of a listener on loopback. Clients that send neither (the CLI,
// curl) pass.
func (s *Server) sameOrigin(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
			s.fail(w, r, http.StatusForbidden, "forbidden: cross-site request")
			return
		}
		if o := r.Header.Get("Origin"); o != "" && o != "null" {
			u, err := url.Parse(o)
			if err != nil || u.Host != r.Host {
				s.fail(w, r, http.StatusForbidden, "forbidden: cross-origin request")
				return
			}
		}
		h.ServeHTTP(w, r)
	})
}

func (s *Server) haveReview(w http.ResponseWriter, r *http.Request) bool {
	if s.opts.Review == nil {
		s.fail(w, r, http.StatusServiceUnavailable, "overrides are not available here (no reviewer)")
		return false
	}
	return true
}

func decodeBody(r *http.Request, v any) error {
	dec := json.NewDecoder(io.LimitReader(r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return errors.New("httpapi: bad JSON body: " + err.Error())
	}
	return nil
}

func (s *Server) apiSplit(w http.ResponseWriter, r *http.Request) {
	if !s.haveReview(w, r) {
		return
	}
	var req SplitRequest
	if err := decodeBody(r, &req); err != nil {
		s.apiError(w, http.StatusBadRequest, err.Error())
		return
	}
	res, err := s.opts.Review.Split(r.Context(), req.Story, req.Member, by(req.By, r))
	s.overrideReply(w, res, err)
}

func (s *Server) apiMerge(w http.ResponseWriter, r *http.Request) {
	if !s.haveReview(w, r) {
		return
	}
	var req MergeRequest
	if err := decodeBody(r, &req); err != nil {
		s.apiError(w, http.StatusBadRequest, err.Error())
		return
	}
	res, err := s.opts.Review.Merge(r.Context(), req.A, req.B, by(req.By, r))
	s.overrideReply(w, res, err)
}

func (s *Server) apiKeep(w http.ResponseWriter, r *http.Request) {
	if !s.haveReview(w, r) {
		return
	}
	var req KeepRequest
	if err := decodeBody(r, &req); err != nil {
		s.apiError(w, http.StatusBadRequest, err.Error())
		return
	}
	res, err := s.opts.Review.Keep(r.Context(), req.Story, req.Member, by(req.By, r))
	s.overrideReply(w, res, err)
}

// by names who asked: the request's own field, or "http".
func by(name string, r *http.Request) string {
	name = strings.TrimSpace(name)
	if len(name) > 100 {
		name = name[:100]
	}
	if name == "" {
		return "http " + r.RemoteAddr
	}
	return name
}

// overrideStatus maps a Split or Merge error to an HTTP status.
func overrideStatus(err error) int {
	switch {
	case errors.Is(err, ledger.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, ledger.ErrBadOverride):
		return http.StatusConflict
	case errors.Is(err, ledger.ErrNoReview):
		return http.StatusServiceUnavailable
	}
	return http.StatusBadGateway // the stream did not take it
}

func (s *Server) overrideReply(w http.ResponseWriter, res ledger.OverrideResult, err error) {
	if err != nil {
		s.log.Warn("api: override failed", "error", err)
		s.apiError(w, overrideStatus(err), err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(res); err != nil {
		s.log.Debug("api: write response", "error", err)
	}
}
