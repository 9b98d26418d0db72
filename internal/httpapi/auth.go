package httpapi

// The token guard and the pages' login: see "Authentication" in doc.go.

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

const (
	// SessionCookie names the cookie that carries a browser's session.
	SessionCookie = "feedsift_session"
	// DefaultSessionTTL is how long a session lasts after its login.
	DefaultSessionTTL = 12 * time.Hour
	// maxSessions bounds the sessions held; a login past it ends the
	// session closest to its expiry.
	maxSessions = 1000
	// loginFailures failed logins from one client address within
	// loginWindow make further attempts from it wait (429) until the
	// oldest of them leaves the window.
	loginFailures = 5
	loginWindow   = time.Minute
	// maxLoginClients bounds the addresses the limiter remembers.
	maxLoginClients = 10000
	// maxLoginBody bounds the body of POST /login.
	maxLoginBody = 4 << 10
)

// guardKind says how the guard refuses a request without credentials.
type guardKind int

const (
	guardAPI     guardKind = iota // 401 with a JSON error
	guardMetrics                  // 401 with a text error
	guardPage                     // a browser is sent to /login
)

const unauthorized = `unauthorized: send "Authorization: Bearer <http.token>"`

// guard lets a request through when Options.Token is empty, when it
// carries "Authorization: Bearer <token>", or when it carries the cookie
// of a live session. Otherwise it answers 401 (the API, /metrics, and a
// page asked for with an Authorization header, which is a script's) or
// sends a browser to the login page.
func (s *Server) guard(kind guardKind, h http.Handler) http.Handler {
	if s.opts.Token == "" {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.bearerOK(r) || s.sessionOK(r) {
			h.ServeHTTP(w, r)
			return
		}
		if kind == guardPage && r.Header.Get("Authorization") == "" {
			next := "/"
			if r.Method == http.MethodGet || r.Method == http.MethodHead {
				next = r.URL.RequestURI()
			} else if strings.HasPrefix(r.URL.Path, "/dupes/") {
				next = "/dupes" // a form of the report page whose session ended
			}
			http.Redirect(w, r, loginURL(next), http.StatusSeeOther)
			return
		}
		w.Header().Set("WWW-Authenticate", `Bearer realm="feedsift"`)
		if kind == guardAPI {
			s.apiError(w, http.StatusUnauthorized, unauthorized)
			return
		}
		http.Error(w, unauthorized, http.StatusUnauthorized)
	})
}

func (s *Server) bearerOK(r *http.Request) bool {
	h := r.Header.Get("Authorization")
	if h == "" {
		return false
	}
	return tokenEqual(h, "Bearer "+s.opts.Token)
}

// tokenEqual compares a and b in time that depends on neither their
// contents nor their lengths.
func tokenEqual(a, b string) bool {
	ha, hb := sha256.Sum256([]byte(a)), sha256.Sum256([]byte(b))
	return subtle.ConstantTimeCompare(ha[:], hb[:]) == 1
}

func (s *Server) sessionOK(r *http.Request) bool {
	c, err := r.Cookie(SessionCookie)
	return err == nil && s.sessions.valid(c.Value, s.now())
}

// loginURL is the login page that returns to next.
func loginURL(next string) string {
	next = safeNext(next)
	if next == "/" {
		return "/login"
	}
	return "/login?" + url.Values{"next": {next}}.Encode()
}

// safeNext returns next when it is a path on this site (it starts with
// one "/", has no scheme, host, backslash or control character, and is
// not the login or logout page), else "/". It keeps the login page from
// sending anyone elsewhere.
func safeNext(next string) string {
	if next == "" || len(next) > 2048 || next[0] != '/' || strings.HasPrefix(next, "//") ||
		strings.ContainsFunc(next, func(r rune) bool { return r == '\\' || r < 0x20 || r == 0x7f }) {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" ||
		!strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") {
		return "/"
	}
	if u.Path == "/login" || u.Path == "/logout" {
		return "/"
	}
	return next
}

// sessions are the live logins: the SHA-256 of each session's random
// 256-bit ID, with its expiry. Only the browser holds the ID itself.
type sessions struct {
	mu     sync.Mutex
	ttl    time.Duration
	byHash map[[sha256.Size]byte]time.Time
}

func newSessions(ttl time.Duration) *sessions {
	if ttl <= 0 {
		ttl = DefaultSessionTTL
	}
	return &sessions{ttl: ttl, byHash: map[[sha256.Size]byte]time.Time{}}
}

// create starts a session and returns its ID and expiry.
func (ss *sessions) create(now time.Time) (string, time.Time, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", time.Time{}, fmt.Errorf("httpapi: session id: %w", err)
	}
	id := base64.RawURLEncoding.EncodeToString(b[:])
	exp := now.Add(ss.ttl)
	ss.mu.Lock()
	defer ss.mu.Unlock()
	for h, e := range ss.byHash {
		if !now.Before(e) {
			delete(ss.byHash, h)
		}
	}
	if len(ss.byHash) >= maxSessions {
		var soonest [sha256.Size]byte
		var first time.Time
		for h, e := range ss.byHash {
			if first.IsZero() || e.Before(first) {
				soonest, first = h, e
			}
		}
		delete(ss.byHash, soonest)
	}
	ss.byHash[hashOf(id)] = exp
	return id, exp, nil
}

// valid reports whether id is a session that has not expired at now; an
// expired one is forgotten.
func (ss *sessions) valid(id string, now time.Time) bool {
	if id == "" || len(id) > 100 {
		return false
	}
	h := hashOf(id)
	ss.mu.Lock()
	defer ss.mu.Unlock()
	exp, ok := ss.byHash[h]
	if ok && !now.Before(exp) {
		delete(ss.byHash, h)
		return false
	}
	return ok
}

// end forgets the session id.
func (ss *sessions) end(id string) {
	h := hashOf(id)
	ss.mu.Lock()
	defer ss.mu.Unlock()
	delete(ss.byHash, h)
}

// loginLimiter remembers the recent failed logins of each client address.
type loginLimiter struct {
	mu    sync.Mutex
	fails map[string][]time.Time // within loginWindow, oldest first
}

func recent(list []time.Time, now time.Time) []time.Time {
	i := 0
	for i < len(list) && !now.Before(list[i].Add(loginWindow)) {
		i++
	}
	return list[i:]
}

// wait says how long client must wait before its next attempt; 0 when
// it may try now.
func (l *loginLimiter) wait(client string, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	list := recent(l.fails[client], now)
	if len(list) == 0 {
		delete(l.fails, client)
		return 0
	}
	l.fails[client] = list
	if len(list) < loginFailures {
		return 0
	}
	return list[0].Add(loginWindow).Sub(now)
}

func (l *loginLimiter) fail(client string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.fails == nil {
		l.fails = map[string][]time.Time{}
	}
	if len(l.fails) >= maxLoginClients {
		for c, list := range l.fails {
			if len(recent(list, now)) == 0 {
				delete(l.fails, c)
			}
		}
		if len(l.fails) >= maxLoginClients {
			clear(l.fails) // a flood from many addresses: start over
		}
	}
	l.fails[client] = append(recent(l.fails[client], now), now)
}

func (l *loginLimiter) reset(client string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.fails, client)
}

func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

//go:embed login.html.tmpl
var loginSource string

var loginTemplate = template.Must(template.New("login").Parse(loginSource))

type loginData struct {
	Next, Err, TTL string
}

func (s *Server) loginForm(next, msg string) loginData {
	ttl := s.sessions.ttl.String()
	if s.sessions.ttl%time.Hour == 0 {
		ttl = fmt.Sprintf("%d hours", s.sessions.ttl/time.Hour)
	}
	return loginData{Next: next, Err: msg, TTL: ttl}
}

// loginPage serves GET /login: the form, or straight on to next when no
// token is set or the browser has a live session.
func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	next := safeNext(r.URL.Query().Get("next"))
	if s.opts.Token == "" || s.sessionOK(r) {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.writeHTML(w, http.StatusOK, loginTemplate, s.loginForm(next, ""))
}

// login serves POST /login: the form's token against Options.Token; on a
// match a new session and its cookie, then next.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxLoginBody)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad login form", http.StatusBadRequest)
		return
	}
	next := safeNext(r.PostForm.Get("next"))
	if s.opts.Token == "" {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	client, now := clientAddr(r), s.now()
	if d := s.logins.wait(client, now); d > 0 {
		secs := int((d + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", fmt.Sprint(secs))
		s.log.Warn("http: login refused: too many failed logins", "client", client)
		s.writeHTML(w, http.StatusTooManyRequests, loginTemplate,
			s.loginForm(next, fmt.Sprintf("Too many failed logins: try again in %d s.", secs)))
		return
	}
	if !tokenEqual(r.PostForm.Get("token"), s.opts.Token) {
		s.logins.fail(client, now)
		s.log.Warn("http: login failed: wrong token", "client", client)
		s.writeHTML(w, http.StatusUnauthorized, loginTemplate, s.loginForm(next, "Wrong token."))
		return
	}
	s.logins.reset(client)
	id, exp, err := s.sessions.create(now)
	if err != nil {
		s.log.Error("http: login failed", "error", err)
		http.Error(w, "login failed", http.StatusInternalServerError)
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name: SessionCookie, Value: id, Path: "/", Expires: exp, MaxAge: int(s.sessions.ttl / time.Second),
		HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode,
	})
	s.log.Info("http: login", "client", client, "expires", exp)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// logout serves POST /logout: the session ends on the server and its
// cookie is cleared, then the login page.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(SessionCookie); err == nil {
		s.sessions.end(c.Value)
	}
	http.SetCookie(w, &http.Cookie{
		Name: SessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode,
	})
	w.Header().Set("Cache-Control", "no-store")
	target := "/login"
	if s.opts.Token == "" {
		target = "/"
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

func hashOf(id string) [sha256.Size]byte { return sha256.Sum256([]byte(id)) }
