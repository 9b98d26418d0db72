package testwait

import (
	"testing"
	"testing/synctest"
	"time"
)

// The backoff between two checks of a condition: it starts at minBackoff
// and doubles up to maxBackoff.
const (
	minBackoff = 2 * time.Millisecond
	maxBackoff = 100 * time.Millisecond
)

// Poll calls cond until it returns true or limit passes, and reports
// whether it did. cond is called at least once, and once more after the
// limit has passed, so a condition that came true during the last wait
// counts.
func Poll(limit time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(limit)
	wait := minBackoff
	for {
		if cond() {
			return true
		}
		left := time.Until(deadline)
		if left <= 0 {
			return false
		}
		time.Sleep(min(wait, left))
		wait = min(2*wait, maxBackoff)
	}
}

// Until waits until cond returns true, failing the test with
// "<what>: not within <limit>" when limit passes first.
func Until(t testing.TB, what string, limit time.Duration, cond func() bool) {
	t.Helper()
	if !Poll(limit, cond) {
		t.Fatalf("%s: not within %v", what, limit)
	}
}

// UntilNil calls try until it returns nil, failing the test with
// "<what>: not within <limit>: <last error>" when limit passes first.
func UntilNil(t testing.TB, what string, limit time.Duration, try func() error) {
	t.Helper()
	var err error
	if !Poll(limit, func() bool {
		err = try()
		return err == nil
	}) {
		t.Fatalf("%s: not within %v: %v", what, limit, err)
	}
}

// Progress calls cond until it reports done, and reports whether it did.
// Unlike Poll it has no overall limit: it gives up only when the progress
// mark cond returns has not changed for stall. A slow machine that is
// still getting there is waited for; a run that stopped moving is not.
// mark is any comparable measure of how far things got (stories on a
// stream, stories missing from a store).
func Progress[M comparable](stall time.Duration, cond func() (done bool, mark M)) bool {
	return ProgressEvery(stall, maxBackoff, cond)
}

// ProgressEvery is Progress with the backoff between two calls of cond
// growing to every instead of about 100ms, for a cond that costs much
// (reading a whole stream).
func ProgressEvery[M comparable](stall, every time.Duration, cond func() (done bool, mark M)) bool {
	done, last := cond()
	moved := time.Now()
	wait := min(minBackoff, every)
	for !done {
		if time.Since(moved) >= stall {
			return false
		}
		time.Sleep(min(wait, stall-time.Since(moved)))
		wait = min(2*wait, every)
		var mark M
		done, mark = cond()
		if mark != last {
			last, moved = mark, time.Now()
		}
	}
	return true
}

// Advance moves the fake clock of the testing/synctest bubble it is
// called in on by d, then waits until every goroutine of the bubble is
// blocked again, so the test sees everything the new time set off. In a
// bubble time.Sleep costs no wall time and nothing else can run the
// clock, so this is a condition, not a guess: the test does not depend on
// how busy the machine is. Outside a bubble it panics (synctest.Wait's
// rule).
func Advance(d time.Duration) {
	time.Sleep(d)
	synctest.Wait()
}
