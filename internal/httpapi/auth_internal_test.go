package httpapi

import (
	"testing"
	"time"
)

func TestAgo(t *testing.T) {
	now := time.Date(2026, time.March, 11, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		t          time.Time
		ago, until string
	}{
		{time.Time{}, "—", "—"},
		{now, "<1m ago", "due"},
		{now.Add(-59 * time.Second), "<1m ago", "due"},
		{now.Add(-5 * time.Minute), "5m ago", "due"},
		{now.Add(-3*time.Hour - 20*time.Minute), "3h ago", "due"},
		{now.Add(-23*time.Hour - 59*time.Minute), "23h ago", "due"},
		{now.Add(-5*24*time.Hour - 14*time.Hour), "5d ago", "due"},
		{now.Add(-30 * 24 * time.Hour), "30d ago", "due"},
		{now.Add(-30*24*time.Hour - time.Minute), "2026-02-09", "due"},
		{now.Add(-5508*24*time.Hour - 14*time.Hour), "2011-02-09", "due"},
		{now.Add(40 * time.Minute), "in 40m", "in 40m"},
		{now.Add(49 * time.Hour), "in 2d", "in 2d"},
		{now.Add(400 * 24 * time.Hour), "2027-04-15", "2027-04-15"},
	}
	for _, tc := range tests {
		if got := ago(now, tc.t); got != tc.ago {
			t.Errorf("ago(%v) = %q, want %q", tc.t, got, tc.ago)
		}
		if got := until(now, tc.t); got != tc.until {
			t.Errorf("until(%v) = %q, want %q", tc.t, got, tc.until)
		}
	}
	st := stampAgo(now, now.Add(-5508*24*time.Hour))
	if want := `<time datetime="2011-02-10T12:00:00Z" title="2011-02-10 12:00:00 UTC">2011-02-10</time>`; string(st.HTML()) != want {
		t.Errorf("stamp HTML %q, want %q", st.HTML(), want)
	}
	if got := string(stampAgo(now, time.Time{}).HTML()); got != "—" {
		t.Errorf("zero stamp HTML %q", got)
	}
}

func TestSafeNext(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "/"},
		{"/", "/"},
		{"/stories/abc", "/stories/abc"},
		{"/?topic=world&q=strike", "/?topic=world&q=strike"},
		{"/dupes?topic=tech#x", "/dupes?topic=tech#x"},
		{"//evil.example/", "/"},
		{"///evil.example/", "/"},
		{"/\\evil.example", "/"},
		{"\\\\evil.example", "/"},
		{"https://evil.example/", "/"},
		{"http:/evil.example", "/"},
		{"javascript:alert(1)", "/"},
		{"evil.example", "/"},
		{"/login", "/"},
		{"/login?next=//evil.example", "/"},
		{"/logout", "/"},
		{"/ok\r\nSet-Cookie: x=1", "/"},
		{"/a\tb", "/"},
		{"/%2F%2Fevil.example", "/"}, // decodes to a scheme-relative path: refused too
	}
	for _, tc := range tests {
		if got := safeNext(tc.in); got != tc.want {
			t.Errorf("safeNext(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestSessions(t *testing.T) {
	now := time.Date(2026, time.March, 11, 12, 0, 0, 0, time.UTC)
	ss := newSessions(time.Hour)
	id, exp, err := ss.create(now)
	if err != nil {
		t.Fatal(err)
	}
	if len(id) != 43 || !exp.Equal(now.Add(time.Hour)) {
		t.Errorf("id %q (%d chars, want 43: 256 bits), expiry %v", id, len(id), exp)
	}
	other, _, err := ss.create(now)
	if err != nil {
		t.Fatal(err)
	}
	if other == id {
		t.Fatal("two sessions share an id")
	}
	for _, bad := range []string{"", id[:42], id + "x", "nope"} {
		if ss.valid(bad, now) {
			t.Errorf("valid(%q) = true", bad)
		}
	}
	if !ss.valid(id, now.Add(time.Hour-time.Nanosecond)) {
		t.Error("a session is not valid just before its expiry")
	}
	if ss.valid(id, now.Add(time.Hour)) {
		t.Error("a session is valid at its expiry")
	}
	if _, held := ss.byHash[hashOf(id)]; held {
		t.Error("an expired session is still held")
	}
	ss.end(other)
	if ss.valid(other, now) {
		t.Error("an ended session is valid")
	}
	for range maxSessions + 10 {
		if _, _, err := ss.create(now); err != nil {
			t.Fatal(err)
		}
	}
	if len(ss.byHash) != maxSessions {
		t.Errorf("%d sessions held, want the cap %d", len(ss.byHash), maxSessions)
	}
}

func TestLoginLimiter(t *testing.T) {
	now := time.Date(2026, time.March, 11, 12, 0, 0, 0, time.UTC)
	var l loginLimiter
	for i := range loginFailures {
		if d := l.wait("a", now); d != 0 {
			t.Fatalf("attempt %d must wait %v", i+1, d)
		}
		l.fail("a", now.Add(time.Duration(i)*time.Second))
	}
	if d := l.wait("a", now.Add(10*time.Second)); d != 50*time.Second {
		t.Errorf("after %d failures: wait %v, want 50s (the first failure leaves the window)", loginFailures, d)
	}
	if d := l.wait("b", now); d != 0 {
		t.Errorf("another client waits %v", d)
	}
	if d := l.wait("a", now.Add(loginWindow)); d != 0 {
		t.Errorf("a window later: wait %v, want 0", d)
	}
	l.fail("a", now.Add(loginWindow))
	l.reset("a")
	if len(l.fails) != 0 {
		t.Errorf("reset kept %v", l.fails)
	}
}
