package pollq

import (
	"log/slog"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/feedsift/feedsift/internal/testwait"
)

// countingMsg counts the progress reports sent for it.
type countingMsg struct {
	jetstream.Msg
	mu      sync.Mutex
	reports int
}

func (m *countingMsg) InProgress() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.reports++
	return nil
}

func (m *countingMsg) count() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.reports
}

// TestProgressReports runs a poll's progress reports on a fake clock
// (testing/synctest): one every AckWait/3 while the poll runs, none once
// stop has returned.
func TestProgressReports(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		q := &Queue{opts: Options{AckWait: 30 * time.Second}}
		msg := &countingMsg{}
		p := q.reportProgress(msg, slog.New(slog.DiscardHandler))

		testwait.Advance(9 * time.Second)
		if n := msg.count(); n != 0 {
			t.Errorf("%d reports before AckWait/3, want 0", n)
		}
		testwait.Advance(26 * time.Second) // 35 s: reports at 10, 20 and 30 s
		if n := msg.count(); n != 3 {
			t.Errorf("%d reports in 35 s with AckWait 30 s, want 3", n)
		}
		p.stop()
		testwait.Advance(time.Minute)
		if n := msg.count(); n != 3 {
			t.Errorf("%d reports after stop, want none after the 3 before it", n-3)
		}
	})
}
