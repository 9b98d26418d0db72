package ledger

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/feedsift/feedsift/sink"
)

const (
	// maxDecideAttempts bounds how often one item is decided again because
	// another instance published first; the item is then retried at the
	// next poll.
	maxDecideAttempts = 100
	// catchUpWait bounds one wait for the follower.
	catchUpWait = 30 * time.Second
	// publishTimeout bounds one publish of a decision. The poll's own
	// deadline is minutes away, and a publish whose ack was lost (a node
	// stopped while the request was on it) would hold the decision
	// mutex, and with it every worker, until then. A publish cut short
	// fails the item, which the next poll takes again; if it was stored
	// after all, its message id and the follower absorb the retry.
	publishTimeout = 10 * time.Second
)

// errStale marks a decision refused because the stream moved.
var errStale = errors.New("ledger: decision rests on a stale index")

// base returns the stream sequence the index covers: what the follower
// applied, or the ledger's own last conditional publish when that is
// newer (the index had every message before it and the ledger added
// the entry it published). The caller holds l.mu.
func (l *Ledger) base() uint64 {
	return max(l.follower.Applied(), l.ownSeq)
}

// publishAt publishes ev; with a Follower, on the condition that the
// stream's last sequence is base. It returns errStale (wrapped) when the
// stream moved. The caller holds l.mu.
func (l *Ledger) publishAt(ctx context.Context, ev sink.Event, base uint64) error {
	ctx, cancel := context.WithTimeout(ctx, publishTimeout)
	defer cancel()
	if l.follower == nil {
		_, _, err := l.pub.Publish(ctx, ev, sink.PublishOptions{})
		return err
	}
	seq, dup, err := l.pub.Publish(ctx, ev, sink.PublishOptions{ExpectLastSeq: base, CheckLastSeq: true})
	return l.noteConditional(seq, dup, base, err)
}

func (l *Ledger) noteConditional(seq uint64, dup bool, base uint64, err error) error {
	if errors.Is(err, sink.ErrWrongLastSeq) {
		inc(l.metrics.Redecided)
		return fmt.Errorf("%w: %w", errStale, err)
	}
	if err == nil && !dup {
		l.follower.AppliedLocally(seq)
		if seq == base+1 {
			l.ownSeq = seq
		}
	}
	return err
}

// catchUp waits until the follower has applied a sequence after base: the
// message that made a conditional publish fail. The caller holds
// l.mu; the follower never takes it.
func (l *Ledger) catchUp(ctx context.Context, base uint64) error {
	wctx, cancel := context.WithTimeout(ctx, catchUpWait)
	defer cancel()
	if err := l.follower.WaitApplied(wctx, base+1); err != nil {
		return fmt.Errorf("wait for the index to apply stream sequence %d: %w", base+1, err)
	}
	return nil
}

// redecide handles a publish error of attempt n: it returns retry true
// after waiting for the follower when the decision was stale, and the
// error to return otherwise (a publish failure was counted where it
// happened; giving up on a stale decision is counted here).
func (l *Ledger) redecide(ctx context.Context, err error, base uint64, attempt int) (retry bool, _ error) {
	if !errors.Is(err, errStale) {
		return false, err
	}
	if attempt+1 >= maxDecideAttempts {
		inc(l.metrics.PublishErrors)
		return false, fmt.Errorf("decided %d times, another instance published first each time: %w", maxDecideAttempts, err)
	}
	if err := l.catchUp(ctx, base); err != nil {
		inc(l.metrics.PublishErrors)
		return false, err
	}
	return true, nil
}

// decisionBase is the stream sequence the index covers, with a
// Follower; 0 without one (then publishes are unconditional). The caller
// holds l.mu.
func (l *Ledger) decisionBase() uint64 {
	if l.follower == nil {
		return 0
	}
	return l.base()
}
