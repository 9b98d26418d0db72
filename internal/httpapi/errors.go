package httpapi

import (
	"encoding/json"
	"net/http"
	"strings"
)

// APIError is the body of every error answer under /api: the message and
// the HTTP status again, with Content-Type application/json. The pages
// answer errors as text.
type APIError struct {
	Error  string `json:"error"`
	Status int    `json:"status"`
}

// apiError writes an APIError.
func (s *Server) apiError(w http.ResponseWriter, code int, msg string) {
	h := w.Header()
	h.Del("Content-Length")
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	if err := json.NewEncoder(w).Encode(APIError{Error: msg, Status: code}); err != nil {
		s.log.Debug("api: write error response", "error", err)
	}
}

// fail answers an error: an APIError under /api, text elsewhere.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, code int, msg string) {
	if isAPI(r) {
		s.apiError(w, code, msg)
		return
	}
	http.Error(w, msg, code)
}

func isAPI(r *http.Request) bool {
	return r.URL.Path == "/api" || strings.HasPrefix(r.URL.Path, "/api/")
}

// apiMethods are the methods the API's routes use.
var apiMethods = []string{http.MethodGet, http.MethodPost, http.MethodDelete}

// apiFallback answers a request under /api that no route takes: 405 with
// Allow when the path has routes for other methods, else 404.
func (s *Server) apiFallback(w http.ResponseWriter, r *http.Request) {
	var allow []string
	for _, m := range apiMethods {
		probe := r.Clone(r.Context())
		probe.Method = m
		_, pattern := s.mux.Handler(probe)
		if pattern == "" || pattern == "/api/" || redirectOnly(pattern, r.URL.Path) {
			continue
		}
		allow = append(allow, m)
	}
	if len(allow) > 0 {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		s.apiError(w, http.StatusMethodNotAllowed, "method "+r.Method+" not allowed on "+r.URL.Path)
		return
	}
	s.apiError(w, http.StatusNotFound, "no API endpoint "+r.URL.Path)
}

// redirectOnly reports whether pattern takes path only by the mux's
// redirect to the path with a slash added ("/api/feeds" for
// "DELETE /api/feeds/{id...}").
func redirectOnly(pattern, path string) bool {
	_, p, _ := strings.Cut(pattern, " ")
	if !strings.HasSuffix(p, "...}") {
		return false
	}
	return !strings.HasPrefix(path, p[:strings.LastIndex(p, "/")+1])
}
