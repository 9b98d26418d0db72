package fetcher

import (
	"errors"
	"testing"
	"testing/synctest"
	"time"
)

// TestHostPause runs the limiter on a fake clock (testing/synctest): a
// pause a host asked for holds its next request to the nanosecond, holds
// a request already waiting for its spacing too, leaves other hosts
// alone, and fails at once, without waiting, when it is longer than the
// limiter waits out.
func TestHostPause(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const interval, maxWait = time.Second, 30 * time.Second
		l := newHostLimiter(4, interval, maxWait)
		acquireAt := func(host string) (time.Duration, error) {
			t.Helper()
			start := time.Now()
			release, err := l.acquire(t.Context(), host)
			if err == nil {
				release()
			}
			return time.Since(start), err
		}

		l.pause("slow.example", time.Now().Add(10*time.Second))
		if d, err := acquireAt("slow.example"); err != nil || d != 10*time.Second {
			t.Errorf("first request after a 10s pause started after %v (%v), want 10s", d, err)
		}
		if d, err := acquireAt("other.example"); err != nil || d != 0 {
			t.Errorf("another host's request waited %v (%v), want 0", d, err)
		}

		// A request waiting for its spacing when a pause arrives waits
		// for the pause as well.
		if _, err := acquireAt("spaced.example"); err != nil {
			t.Fatal(err)
		}
		done := make(chan time.Duration, 1)
		go func() {
			d, err := acquireAt("spaced.example")
			if err != nil {
				t.Error(err)
			}
			done <- d
		}()
		synctest.Wait() // it waits for its 1s spacing
		l.pause("spaced.example", time.Now().Add(5*time.Second))
		if d := <-done; d != 5*time.Second {
			t.Errorf("a request waiting for its spacing when a 5s pause came started after %v, want 5s", d)
		}

		l.pause("gone.example", time.Now().Add(time.Hour))
		d, err := acquireAt("gone.example")
		var pe *PausedError
		if !errors.As(err, &pe) || d != 0 || pe.RetryAfter != time.Hour || RetryAfter(err) != time.Hour || !Retryable(err) {
			t.Errorf("request during an hour's pause: %v after %v; want a retryable *PausedError with an hour left, at once", err, d)
		}
	})
}

// TestStartedPushesNextTurn: a request that had its turn but was sent
// only later (it waited for the caller's admission) pushes the host's
// next turn to a full interval after it was sent.
func TestStartedPushesNextTurn(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := newHostLimiter(4, time.Second, time.Minute)
		release, err := l.acquire(t.Context(), "a.example")
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(3 * time.Second) // waiting for admission
		l.started("a.example")
		release()
		start := time.Now()
		release, err = l.acquire(t.Context(), "a.example")
		if err != nil {
			t.Fatal(err)
		}
		release()
		if d := time.Since(start); d != time.Second {
			t.Errorf("the next request waited %v, want the full 1s interval from when the first was sent", d)
		}
		l.started("unknown.example") // a host without an entry: nothing to do
	})
}
