package httpapi_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/feedsift/feedsift/internal/httpapi"
)

const loginToken = "t0ken-for-the-pages"

// testClock is a clock a test moves by hand.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// browserLike is a client that keeps cookies and does not follow
// redirects, so a test sees each answer.
type browserLike struct {
	t    *testing.T
	base string
	c    *http.Client
}

func newBrowserLike(t *testing.T, srv *httptest.Server) *browserLike {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	c := srv.Client()
	c.Jar = jar
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &browserLike{t: t, base: srv.URL, c: c}
}

// answer is one response, read whole.
type answer struct {
	status int
	body   string
	header http.Header
}

func (a answer) location() string { return a.header.Get("Location") }

func (b *browserLike) do(method, path string, form url.Values, hdr map[string]string) answer {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(b.t.Context(), method, b.base+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return answer{resp.StatusCode, string(data), resp.Header}
}

func (b *browserLike) get(path string) answer {
	b.t.Helper()
	return b.do(http.MethodGet, path, nil, nil)
}

func (b *browserLike) login(token, next string) answer {
	b.t.Helper()
	return b.do(http.MethodPost, "/login", url.Values{"token": {token}, "next": {next}}, nil)
}

// sessionCookie returns the Set-Cookie of the session in h, or nil.
func sessionCookie(h http.Header) *http.Cookie {
	for _, c := range (&http.Response{Header: h}).Cookies() {
		if c.Name == httpapi.SessionCookie {
			return c
		}
	}
	return nil
}

func loginServer(t *testing.T, clock *testClock, tls bool) *httptest.Server {
	t.Helper()
	h := httpapi.New(httpapi.Options{Store: fullHomeStore(t), Feeds: homeFeeds, Token: loginToken, Now: clock.Now})
	var srv *httptest.Server
	if tls {
		srv = httptest.NewTLSServer(h)
	} else {
		srv = httptest.NewServer(h)
	}
	t.Cleanup(srv.Close)
	return srv
}

// TestLogin walks a browser's session: sent to the login page, a wrong
// token refused on the form, the right one answered with the session
// cookie and a redirect back, the pages and the API open with the
// cookie, then expiry, and logout ending the session on the server.
func TestLogin(t *testing.T) {
	clock := &testClock{now: homeNow}
	srv := loginServer(t, clock, false)
	b := newBrowserLike(t, srv)

	// Without a session a browser is sent to the login page, which
	// returns to the page asked for.
	for path, want := range map[string]string{
		"/":                     "/login",
		"/stories/w1":           "/login?next=%2Fstories%2Fw1",
		"/?topic=world&q=ferry": "/login?next=%2F%3Ftopic%3Dworld%26q%3Dferry",
		"/dupes?topic=tech":     "/login?next=%2Fdupes%3Ftopic%3Dtech",
	} {
		if a := b.get(path); a.status != http.StatusSeeOther || a.location() != want {
			t.Errorf("GET %s without a session: %d to %q, want 303 to %q", path, a.status, a.location(), want)
		}
	}
	a := b.get("/login?next=%2Fstories%2Fw1")
	if a.status != http.StatusOK || !strings.Contains(a.body, `<form id="login-form" method="post" action="/login">`) ||
		!strings.Contains(a.body, `<input type="hidden" name="next" value="/stories/w1">`) {
		t.Fatalf("GET /login: %d\n%s", a.status, a.body)
	}
	if cc := a.header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("login page Cache-Control %q", cc)
	}

	// A wrong token: the form again, with the error, and no cookie.
	a = b.login("wrong", "/stories/w1")
	if a.status != http.StatusUnauthorized || !strings.Contains(a.body, `<p class="err" id="login-error" role="alert">Wrong token.</p>`) ||
		!strings.Contains(a.body, `name="next" value="/stories/w1"`) {
		t.Errorf("wrong token: %d\n%s", a.status, a.body)
	}
	if c := sessionCookie(a.header); c != nil {
		t.Errorf("a wrong token set a cookie: %v", c)
	}
	if strings.Contains(a.body, loginToken) {
		t.Error("the login page shows the token")
	}

	// The right token: the cookie, and back to the page.
	a = b.login(loginToken, "/stories/w1")
	if a.status != http.StatusSeeOther || a.location() != "/stories/w1" {
		t.Fatalf("login: %d to %q, want 303 to /stories/w1", a.status, a.location())
	}
	c := sessionCookie(a.header)
	if c == nil {
		t.Fatalf("login set no %s cookie: %v", httpapi.SessionCookie, a.header["Set-Cookie"])
	}
	if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Secure || c.Path != "/" ||
		c.MaxAge != int(httpapi.DefaultSessionTTL/time.Second) || !c.Expires.Equal(homeNow.Add(httpapi.DefaultSessionTTL)) {
		t.Errorf("cookie %q: want HttpOnly, SameSite=Strict, not Secure over plain HTTP, Path=/, Max-Age=43200 and Expires 12 h on", a.header["Set-Cookie"])
	}
	if len(c.Value) != 43 || strings.Contains(c.Value, loginToken) {
		t.Errorf("session id %q: want 256 random bits in base64url, not the token", c.Value)
	}
	for _, path := range []string{"/", "/stories/w1", "/dupes", "/api/stories", "/api/stories/w1"} {
		if a := b.get(path); a.status != http.StatusOK {
			t.Errorf("GET %s with the session: %d", path, a.status)
		}
	}
	if a := b.get("/"); !strings.Contains(a.body, `<form method="post" action="/logout"><button type="submit" id="logout">Log out</button></form>`) {
		t.Error("the overview offers no logout")
	}
	if a := b.get("/login?next=%2Fdupes"); a.status != http.StatusSeeOther || a.location() != "/dupes" {
		t.Errorf("GET /login with a session: %d to %q, want 303 to /dupes", a.status, a.location())
	}

	// Expiry: 12 h after the login the cookie no longer opens the pages.
	clock.Add(httpapi.DefaultSessionTTL - time.Second)
	if a := b.get("/"); a.status != http.StatusOK {
		t.Errorf("a second before expiry: %d", a.status)
	}
	clock.Add(time.Second)
	if a := b.get("/"); a.status != http.StatusSeeOther || a.location() != "/login" {
		t.Errorf("at expiry: %d to %q, want 303 to /login", a.status, a.location())
	}
	if a := b.get("/api/stories"); a.status != http.StatusUnauthorized {
		t.Errorf("API at expiry: %d, want 401", a.status)
	}

	// Logout ends the session on the server, not only in the browser.
	a = b.login(loginToken, "")
	if a.status != http.StatusSeeOther || a.location() != "/" {
		t.Fatalf("second login: %d to %q", a.status, a.location())
	}
	old := sessionCookie(a.header)
	a = b.do(http.MethodPost, "/logout", url.Values{}, nil)
	if a.status != http.StatusSeeOther || a.location() != "/login" {
		t.Errorf("logout: %d to %q, want 303 to /login", a.status, a.location())
	}
	if c := sessionCookie(a.header); c == nil || c.MaxAge >= 0 || c.Value != "" || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode {
		t.Errorf("logout's cookie %q: want it cleared (Max-Age=0)", a.header["Set-Cookie"])
	}
	if a := b.get("/"); a.status != http.StatusSeeOther {
		t.Errorf("after logout: %d, want 303", a.status)
	}
	replay := b.do(http.MethodGet, "/", nil, map[string]string{"Cookie": httpapi.SessionCookie + "=" + old.Value})
	if replay.status != http.StatusSeeOther || replay.location() != "/login" {
		t.Errorf("the logged-out session's cookie sent again: %d to %q, want 303 to /login", replay.status, replay.location())
	}
}

// TestLoginSecureCookie checks the cookie is Secure when the request came
// over TLS.
func TestLoginSecureCookie(t *testing.T) {
	srv := loginServer(t, &testClock{now: homeNow}, true)
	a := newBrowserLike(t, srv).login(loginToken, "/")
	if c := sessionCookie(a.header); a.status != http.StatusSeeOther || c == nil || !c.Secure || !c.HttpOnly {
		t.Errorf("login over TLS: %d, cookie %q: want Secure and HttpOnly", a.status, a.header["Set-Cookie"])
	}
}

// TestLoginNext checks the login page sends people only to paths of
// this site.
func TestLoginNext(t *testing.T) {
	srv := loginServer(t, &testClock{now: homeNow}, false)
	tests := []struct{ next, want string }{
		{"/dupes?topic=tech", "/dupes?topic=tech"},
		{"/stories/w1", "/stories/w1"},
		{"", "/"},
		{"//evil.example/x", "/"},
		{"/\\evil.example", "/"},
		{"https://evil.example/", "/"},
		{"javascript:alert(1)", "/"},
		{"/login", "/"},
	}
	for _, tc := range tests {
		t.Run(tc.next, func(t *testing.T) {
			b := newBrowserLike(t, srv)
			if a := b.login(loginToken, tc.next); a.status != http.StatusSeeOther || a.location() != tc.want {
				t.Errorf("login with next %q: %d to %q, want 303 to %q", tc.next, a.status, a.location(), tc.want)
			}
			a := b.get("/login?next=" + url.QueryEscape(tc.next))
			if a.status != http.StatusSeeOther || a.location() != tc.want {
				t.Errorf("GET /login?next=%q with a session: %d to %q, want %q", tc.next, a.status, a.location(), tc.want)
			}
		})
	}
}

// TestLoginCrossSite checks the login and logout forms refuse a post
// from another site, like the other forms.
func TestLoginCrossSite(t *testing.T) {
	srv := loginServer(t, &testClock{now: homeNow}, false)
	for _, hdr := range []map[string]string{
		{"Sec-Fetch-Site": "cross-site"},
		{"Origin": "http://evil.example"},
	} {
		for _, path := range []string{"/login", "/logout"} {
			b := newBrowserLike(t, srv)
			a := b.do(http.MethodPost, path, url.Values{"token": {loginToken}}, hdr)
			if a.status != http.StatusForbidden || sessionCookie(a.header) != nil {
				t.Errorf("POST %s with %v: %d, want 403 and no cookie", path, hdr, a.status)
			}
		}
	}
	b := newBrowserLike(t, srv)
	a := b.do(http.MethodPost, "/login", url.Values{"token": {loginToken}}, map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": srv.URL})
	if a.status != http.StatusSeeOther || sessionCookie(a.header) == nil {
		t.Errorf("same-origin login: %d, want 303 with the cookie", a.status)
	}
}

// TestLoginRateLimit checks failed logins from one address are slowed:
// past five in a minute the form answers 429, even to the right token,
// until the window has passed.
func TestLoginRateLimit(t *testing.T) {
	clock := &testClock{now: homeNow}
	srv := loginServer(t, clock, false)
	b := newBrowserLike(t, srv)
	for i := range 5 {
		if a := b.login("guess", "/"); a.status != http.StatusUnauthorized {
			t.Fatalf("failed login %d: %d, want 401", i+1, a.status)
		}
		clock.Add(time.Second)
	}
	a := b.login(loginToken, "/")
	if a.status != http.StatusTooManyRequests || a.header.Get("Retry-After") != "55" ||
		!strings.Contains(a.body, "Too many failed logins: try again in 55 s.") || sessionCookie(a.header) != nil {
		t.Errorf("sixth attempt: %d, Retry-After %q, want 429 with 55 s and no cookie\n%s", a.status, a.header.Get("Retry-After"), a.body)
	}
	clock.Add(55 * time.Second)
	if a := b.login(loginToken, "/"); a.status != http.StatusSeeOther || sessionCookie(a.header) == nil {
		t.Errorf("after the window: %d, want 303 with the cookie", a.status)
	}
}

// TestGuardAnswers checks who gets a redirect and who a 401: browsers
// asking for pages are sent to the login page; the API answers 401 with
// a JSON error, never a redirect; a page asked for with an Authorization
// header (a script) answers 401; a form posted without a session goes to
// the login page; without a token /login and /logout lead to the pages.
func TestGuardAnswers(t *testing.T) {
	srv := loginServer(t, &testClock{now: homeNow}, false)
	b := newBrowserLike(t, srv)

	for _, path := range []string{"/api/stories", "/api/dupes", "/api/feeds", "/api/stories/w1", "/api/nope"} {
		a := b.get(path)
		var e httpapi.APIError
		if a.status != http.StatusUnauthorized || a.header.Get("Content-Type") != "application/json" ||
			json.Unmarshal([]byte(a.body), &e) != nil || e.Status != http.StatusUnauthorized ||
			!strings.Contains(e.Error, "Authorization: Bearer") || !strings.HasPrefix(a.header.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("GET %s without credentials: %d %q %q", path, a.status, a.header.Get("Content-Type"), a.body)
		}
	}
	a := b.do(http.MethodGet, "/", nil, map[string]string{"Authorization": "Bearer wrong"})
	if a.status != http.StatusUnauthorized || a.location() != "" {
		t.Errorf("page with a wrong bearer token: %d to %q, want 401", a.status, a.location())
	}
	a = b.do(http.MethodGet, "/", nil, map[string]string{"Authorization": "Bearer " + loginToken})
	if a.status != http.StatusOK {
		t.Errorf("page with the bearer token: %d, want 200", a.status)
	}
	a = b.do(http.MethodPost, "/dupes/split", url.Values{"story": {"w1"}, "member": {"x"}}, nil)
	if a.status != http.StatusSeeOther || a.location() != "/login?next=%2Fdupes" {
		t.Errorf("form post without a session: %d to %q, want 303 to /login?next=%%2Fdupes", a.status, a.location())
	}
	for _, path := range []string{"/healthz", "/readyz", "/assets/home.js"} {
		if a := b.get(path); a.status != http.StatusOK {
			t.Errorf("GET %s without credentials: %d, want 200", path, a.status)
		}
	}

	openSrv := httptest.NewServer(httpapi.New(httpapi.Options{Store: fullHomeStore(t)}))
	t.Cleanup(openSrv.Close)
	open := newBrowserLike(t, openSrv)
	if a := open.get("/login?next=%2Fdupes"); a.status != http.StatusSeeOther || a.location() != "/dupes" {
		t.Errorf("GET /login without a token: %d to %q, want 303 to /dupes", a.status, a.location())
	}
	if a := open.do(http.MethodPost, "/logout", url.Values{}, nil); a.status != http.StatusSeeOther || a.location() != "/" {
		t.Errorf("POST /logout without a token: %d to %q, want 303 to /", a.status, a.location())
	}
	if a := open.get("/"); a.status != http.StatusOK || strings.Contains(a.body, `action="/logout"`) {
		t.Errorf("overview without a token: %d; it must offer no logout", a.status)
	}
}
