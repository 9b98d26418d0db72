package testwait_test

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/feedsift/feedsift/internal/testwait"
)

// fakeTB records what a helper reports instead of failing the test that
// runs it. Only Helper and Fatalf are used by the package; any other
// method reached through the embedded nil interface panics, which shows
// up as a failure too.
type fakeTB struct {
	testing.TB
	mu    sync.Mutex
	fatal []string
}

func (f *fakeTB) Helper() {}

func (f *fakeTB) Fatalf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fatal = append(f.fatal, fmt.Sprintf(format, args...))
}

func (f *fakeTB) failures() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.fatal)
}

// after returns a condition that becomes true on its nth call, and a
// counter of its calls.
func after(n int) (cond func() bool, calls func() int) {
	var c int
	return func() bool { c++; return c >= n }, func() int { return c }
}

func TestPoll_ConditionBecomesTrue(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cond, calls := after(4)
		start := time.Now()
		if !testwait.Poll(time.Second, cond) {
			t.Fatal("Poll = false for a condition true on its 4th call, want true")
		}
		if calls() != 4 {
			t.Errorf("cond called %d times, want 4 (no call after it held)", calls())
		}
		// Waits of 2, 4 and 8ms before the 2nd, 3rd and 4th calls.
		if got, want := time.Since(start), 14*time.Millisecond; got != want {
			t.Errorf("Poll took %v (fake clock), want %v", got, want)
		}
	})
}

func TestPoll_TrueAtOnceDoesNotWait(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		if !testwait.Poll(0, func() bool { return true }) {
			t.Error("Poll(0, true) = false, want true: cond is checked before the limit")
		}
		if d := time.Since(start); d != 0 {
			t.Errorf("Poll waited %v for a condition already true", d)
		}
	})
}

func TestPoll_NeverTrue(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var at []time.Duration
		start := time.Now()
		held := testwait.Poll(500*time.Millisecond, func() bool {
			at = append(at, time.Since(start))
			return false
		})
		if held {
			t.Fatal("Poll = true for a condition that never holds")
		}
		// The backoff doubles from 2ms to the 100ms cap, the last wait is
		// cut to the limit, and the condition gets one last check there.
		want := []time.Duration{0, 2, 6, 14, 30, 62, 126, 226, 326, 426, 500}
		for i := range want {
			want[i] *= time.Millisecond
		}
		if !slices.Equal(at, want) {
			t.Errorf("cond checked at %v, want %v", at, want)
		}
		if d := time.Since(start); d != 500*time.Millisecond {
			t.Errorf("Poll returned after %v, want exactly its limit of 500ms", d)
		}
	})
}

func TestUntil_ConditionBecomesTrue(t *testing.T) {
	ft := &fakeTB{}
	cond, calls := after(3)
	testwait.Until(ft, "the third call", 10*time.Second, cond)
	if f := ft.failures(); len(f) != 0 {
		t.Errorf("Until failed the test: %q", f)
	}
	if calls() != 3 {
		t.Errorf("cond called %d times, want 3", calls())
	}
}

func TestUntil_NeverTrueFails(t *testing.T) {
	ft := &fakeTB{}
	start := time.Now()
	testwait.Until(ft, "the sky falls", 30*time.Millisecond, func() bool { return false })
	if d := time.Since(start); d < 30*time.Millisecond {
		t.Errorf("Until gave up after %v, before its limit of 30ms", d)
	}
	want := []string{"the sky falls: not within 30ms"}
	if got := ft.failures(); !slices.Equal(got, want) {
		t.Errorf("failures = %q, want %q", got, want)
	}
}

func TestUntilNil_Succeeds(t *testing.T) {
	ft := &fakeTB{}
	n := 0
	testwait.UntilNil(ft, "third try", 10*time.Second, func() error {
		n++
		if n < 3 {
			return errors.New("not yet")
		}
		return nil
	})
	if f := ft.failures(); len(f) != 0 {
		t.Errorf("UntilNil failed the test: %q", f)
	}
	if n != 3 {
		t.Errorf("try called %d times, want 3", n)
	}
}

func TestUntilNil_FailsWithLastError(t *testing.T) {
	ft := &fakeTB{}
	n := 0
	testwait.UntilNil(ft, "publish", 30*time.Millisecond, func() error {
		n++
		return fmt.Errorf("attempt %d refused", n)
	})
	want := []string{fmt.Sprintf("publish: not within 30ms: attempt %d refused", n)}
	if got := ft.failures(); n < 2 || !slices.Equal(got, want) {
		t.Errorf("after %d tries, failures = %q, want %q", n, got, want)
	}
}

// TestProgress_SlowButMoving waits far past the stall bound for a
// condition that keeps moving, and stops as soon as it holds.
func TestProgress_SlowButMoving(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		// One more story every 500ms (fake clock); done at 20.
		count := func() int { return int(time.Since(start) / (500 * time.Millisecond)) }
		ok := testwait.Progress(time.Second, func() (bool, int) { n := count(); return n >= 20, n })
		if !ok {
			t.Fatalf("Progress = false at %d of 20 after %v, want true: it moved every 500ms against a 1s stall bound", count(), time.Since(start))
		}
		if d := time.Since(start); d < 10*time.Second || d > 10*time.Second+100*time.Millisecond {
			t.Errorf("Progress returned after %v (fake clock), want just after 10s", d)
		}
	})
}

// TestProgress_Stalled gives up one stall bound after the last move.
func TestProgress_Stalled(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		// Moves for 3s, then never again.
		mark := func() time.Duration { return min(time.Since(start), 3*time.Second).Truncate(time.Second) }
		if testwait.Progress(2*time.Second, func() (bool, time.Duration) { return false, mark() }) {
			t.Fatal("Progress = true for a condition that never holds")
		}
		if d := time.Since(start); d < 5*time.Second || d > 5*time.Second+100*time.Millisecond {
			t.Errorf("Progress gave up after %v (fake clock), want 2s after the last move at 3s", d)
		}
	})
}

// TestAdvance: in a bubble, Advance runs the fake clock on by exactly d
// and returns only once what the new time set off has run: a timer due
// at d has fired and its goroutine finished; one due later has not.
func TestAdvance(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		var mu sync.Mutex
		var fired []time.Duration
		for _, d := range []time.Duration{5 * time.Second, 6 * time.Second} {
			time.AfterFunc(d, func() {
				mu.Lock()
				defer mu.Unlock()
				fired = append(fired, d)
			})
		}
		testwait.Advance(5 * time.Second)
		if got := time.Since(start); got != 5*time.Second {
			t.Errorf("Advance(5s) moved the clock by %v", got)
		}
		mu.Lock()
		defer mu.Unlock()
		if !slices.Equal(fired, []time.Duration{5 * time.Second}) {
			t.Errorf("after Advance(5s) the timers that fired are %v, want [5s]", fired)
		}
	})
}
