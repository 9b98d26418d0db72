package pipeline

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/feedsift/feedsift/internal/story"
	"github.com/feedsift/feedsift/sink"
)

// Follower keeps the pipeline's Index and Overrides current with the
// stream, applying in order every story, duplicate and override published
// by any instance (the daemon's index follower). With a Follower, every
// decision "new story or copy" is published on the condition that the
// stream has not moved since the sequence the index had applied; see
// the package doc.
type Follower interface {
	// Applied returns the last stream sequence applied to the index.
	Applied() uint64
	// WaitApplied returns once the index has applied seq, or ctx ended.
	WaitApplied(ctx context.Context, seq uint64) error
}

// ConditionalPublisher publishes a decision on the condition that the
// stream's last sequence is still the one the decision rests on
// (*sink.JetStream satisfies it). A Publisher must also be one when
// Options.Follower is set. A refused publish returns an error wrapping
// sink.ErrWrongLastSeq.
type ConditionalPublisher interface {
	PublishStoryWith(ctx context.Context, s story.Story, o sink.PublishOptions) (seq uint64, duplicate bool, err error)
	PublishDuplicateWith(ctx context.Context, d story.Duplicate, o sink.PublishOptions) (seq uint64, duplicate bool, err error)
}

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
var errStale = errors.New("pipeline: decision rests on a stale index")

// base returns the stream sequence the index covers: what the follower
// applied, or the pipeline's own last conditional publish when that is
// newer (the index had every message before it and the pipeline added
// the entry it published). The caller holds p.decide.
func (p *Pipeline) base() uint64 {
	return max(p.opts.Follower.Applied(), p.ownSeq)
}

// publishStoryAt publishes s; with a Follower, on the condition that the
// stream's last sequence is base. It returns errStale (wrapped) when the
// stream moved. The caller holds p.decide.
func (p *Pipeline) publishStoryAt(ctx context.Context, s story.Story, base uint64) error {
	ctx, cancel := context.WithTimeout(ctx, publishTimeout)
	defer cancel()
	if p.cond == nil {
		_, _, err := p.opts.Publisher.PublishStory(ctx, s)
		return err
	}
	seq, dup, err := p.cond.PublishStoryWith(ctx, s, sink.PublishOptions{ExpectLastSeq: base, CheckLastSeq: true})
	return p.noteConditional(seq, dup, base, err)
}

// publishDuplicateAt is publishStoryAt for a duplicate record.
func (p *Pipeline) publishDuplicateAt(ctx context.Context, d story.Duplicate, base uint64) error {
	ctx, cancel := context.WithTimeout(ctx, publishTimeout)
	defer cancel()
	if p.cond == nil {
		_, _, err := p.opts.Publisher.PublishDuplicate(ctx, d)
		return err
	}
	seq, dup, err := p.cond.PublishDuplicateWith(ctx, d, sink.PublishOptions{ExpectLastSeq: base, CheckLastSeq: true})
	return p.noteConditional(seq, dup, base, err)
}

func (p *Pipeline) noteConditional(seq uint64, dup bool, base uint64, err error) error {
	if errors.Is(err, sink.ErrWrongLastSeq) {
		p.metrics.Redecided.Inc()
		return fmt.Errorf("%w: %w", errStale, err)
	}
	if err == nil && !dup && seq == base+1 {
		p.ownSeq = seq
	}
	return err
}

// catchUp waits until the follower has applied a sequence after base: the
// message that made a conditional publish fail. The caller holds
// p.decide; the follower never takes it.
func (p *Pipeline) catchUp(ctx context.Context, base uint64) error {
	wctx, cancel := context.WithTimeout(ctx, catchUpWait)
	defer cancel()
	if err := p.opts.Follower.WaitApplied(wctx, base+1); err != nil {
		return fmt.Errorf("wait for the index to apply stream sequence %d: %w", base+1, err)
	}
	return nil
}

// redecide handles a publish error of attempt n: it returns retry true
// after waiting for the follower when the decision was stale, and the
// error to return otherwise.
func (p *Pipeline) redecide(ctx context.Context, err error, base uint64, attempt int) (retry bool, _ error) {
	if !errors.Is(err, errStale) {
		return false, err
	}
	if attempt+1 >= maxDecideAttempts {
		return false, fmt.Errorf("decided %d times, another instance published first each time: %w", maxDecideAttempts, err)
	}
	if err := p.catchUp(ctx, base); err != nil {
		return false, err
	}
	return true, nil
}
