package pipeline

import (
	"context"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/feedsift/feedsift/internal/pollq"
	"github.com/feedsift/feedsift/internal/story"
)

// Queue is the poll work queue Run schedules through. *pollq.Queue
// satisfies it (shared by every instance of a cluster); with a nil
// Options.Queue, Run uses an in-process queue with the same contract:
// Enqueue keeps at most one pending poll per feed, Run calls the handler
// with at most workers polls at once and lets running polls drain.
type Queue interface {
	Enqueue(ctx context.Context, feedID string, due time.Time) error
	Run(ctx context.Context, workers int, handle pollq.Handler) error
}

// neverPolled is the due time of a feed without state. Every instance
// uses the same value, so their polls of a new feed share one message id.
var neverPolled = time.Unix(0, 0).UTC()

// maxRecheck bounds how long the scheduler trusts its last look at a feed
// it enqueued before it reads the feed's state again, the first time.
// While the state still names the same due time (the poll is queued
// behind others, or running) the wait doubles with each look, up to half
// of Options.RequeueAfter (so that every period of that length still has
// a look, to replace a lost poll) and never past the feed's interval. A
// poll this instance runs tells the scheduler the NextCheck it recorded
// at once (notePolled), so waits only delay learning of polls run by
// other instances.
const maxRecheck = 5 * time.Second

// look is what the scheduler remembers of a feed between ticks.
type look struct {
	at time.Time // when to read the feed's state again
	// due is the due time the state named when the feed was enqueued
	// (zero when it was not), and wait how long the scheduler then
	// waited to look again.
	due  time.Time
	wait time.Duration
	// sent is the due time the feed's poll was last enqueued under
	// (zero when it was not, or when a poll of this instance has run
	// since): the scheduler does not enqueue the same poll again.
	sent time.Time
}

// recheckWait is how long the scheduler waits before it reads again the
// state of feed f, just enqueued under the state's due time due; last is
// its previous look at the feed.
func (p *Pipeline) recheckWait(f story.Feed, due time.Time, last look) time.Duration {
	first := min(f.Interval, maxRecheck)
	if last.due.IsZero() || !last.due.Equal(due) {
		return first
	}
	ceiling := max(first, min(f.Interval, p.opts.RequeueAfter/2))
	return min(max(2*last.wait, first), ceiling)
}

// notePolled tells the scheduler that a poll of this instance recorded
// next as the feed's NextCheck.
func (p *Pipeline) notePolled(feedID string, next time.Time) {
	p.polledMu.Lock()
	defer p.polledMu.Unlock()
	if p.polled == nil {
		p.polled = make(map[string]time.Time)
	}
	p.polled[feedID] = next
}

// takePolled returns the NextChecks noted since the last call.
func (p *Pipeline) takePolled() map[string]time.Time {
	p.polledMu.Lock()
	defer p.polledMu.Unlock()
	out := p.polled
	p.polled = nil
	return out
}

// Run schedules polls until ctx is cancelled and runs the polls the queue
// hands this instance, then drains in-flight polls (see the package doc)
// and returns. Feed failures are logged, counted and retried with
// backoff; they never end Run. It returns an error only when the queue
// refuses to run.
func (p *Pipeline) Run(ctx context.Context) error {
	q := p.opts.Queue
	if q == nil {
		q = newMemQueue(p.opts.DrainTimeout, p.log)
	}
	schedCtx, stopSched := context.WithCancel(ctx)
	defer stopSched()
	var sched sync.WaitGroup
	sched.Go(func() { p.schedule(schedCtx, q) })
	err := q.Run(ctx, p.opts.Workers, p.handlePoll)
	stopSched()
	sched.Wait()
	return err
}

// feedList returns the feeds to schedule now.
func (p *Pipeline) feedList() []story.Feed { return p.feeds.get() }

// feedByID returns the configured feed with that ID.
func (p *Pipeline) feedByID(id string) (story.Feed, bool) { return p.feeds.lookup(id) }

// schedule enqueues every feed that is due, on a tick of
// Options.SchedulerTick plus up to a quarter of it in jitter, until ctx
// ends. A feed is due when its shared state's NextCheck has passed (or it
// has no state); the poll's due time is that NextCheck, so instances that
// see the same feed due enqueue the same message; a feed overdue by more
// than Options.RequeueAfter is enqueued under the current period of that
// length instead, so a lost poll message is replaced. The scheduler reads a
// feed's state again only once its NextCheck has passed, once a poll of
// this instance recorded a new one, or a while after it enqueued the feed
// (see maxRecheck).
func (p *Pipeline) schedule(ctx context.Context, q Queue) {
	lookAt := map[string]look{} // feed ID -> when to read its state again
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		case <-p.feeds.wake: // SetFeeds changed the list
		}
		now := p.now()
		for id, next := range p.takePolled() {
			if _, ok := lookAt[id]; ok {
				lookAt[id] = look{at: next}
			}
		}
		feeds := p.feedList()
		seen := make(map[string]bool, len(feeds))
		failed, firstErr := 0, error(nil)
		for _, f := range feeds {
			if ctx.Err() != nil {
				return
			}
			seen[f.ID] = true
			last, ok := lookAt[f.ID]
			if ok && now.Before(last.at) {
				continue
			}
			st, ok, err := p.opts.State.FeedState(ctx, f.ID)
			if err != nil {
				p.metrics.Errors.WithLabelValues(ErrKindState).Inc()
				p.log.Warn("scheduler: read feed state", "feed_id", f.ID, "error", err)
				lookAt[f.ID] = look{at: now.Add(min(f.Interval, maxRecheck))}
				continue
			}
			due := neverPolled
			if ok && !st.NextCheck.IsZero() {
				due = st.NextCheck
			}
			if due.After(now) {
				lookAt[f.ID] = look{at: due}
				continue
			}
			stateDue := due
			if now.Sub(due) > p.opts.RequeueAfter {
				// Overdue: the poll enqueued under this due time may be
				// lost (a stream leader that recorded its message id
				// failed before storing it, so every Enqueue of the
				// same id is absorbed). Name it by the current period
				// instead: a new id, the same on every instance.
				due = now.Truncate(p.opts.RequeueAfter)
			}
			if !last.sent.IsZero() && last.sent.Unix() == due.Unix() {
				// Enqueued under this id already and not run here since:
				// the queue would absorb it again (the same id within
				// its duplicate window, or another poll of the feed
				// pending), and with thousands of feeds waiting in the
				// queue each such publish was a round trip per look.
				wait := p.recheckWait(f, stateDue, last)
				lookAt[f.ID] = look{at: now.Add(wait), due: stateDue, wait: wait, sent: last.sent}
				continue
			}
			if err := q.Enqueue(ctx, f.ID, due); err != nil {
				if ctx.Err() == nil {
					failed++
					if firstErr == nil {
						firstErr = err
					}
				}
				lookAt[f.ID] = look{at: now.Add(min(f.Interval, maxRecheck))}
				continue
			}
			wait := p.recheckWait(f, stateDue, last)
			lookAt[f.ID] = look{at: now.Add(wait), due: stateDue, wait: wait, sent: due}
		}
		if failed > 0 {
			// One line per tick: a queue that is down fails every feed.
			p.log.Warn("scheduler: enqueue polls failed; retrying", "feeds", failed, "first_error", firstErr)
		}
		for id := range lookAt {
			if !seen[id] {
				delete(lookAt, id)
			}
		}
		tick := p.opts.SchedulerTick
		timer.Reset(tick + time.Duration(rand.Int64N(int64(tick/4)+1)))
	}
}

// handlePoll runs one poll the queue delivered. A poll of a feed that is
// no longer configured, or whose shared state says it is not due (another
// instance polled it since: a late duplicate), is dropped. It returns an
// error, so that the queue delivers the poll again, only when the feed
// state cannot be read; a failed poll is recorded by Poll as backoff.
func (p *Pipeline) handlePoll(ctx context.Context, feedID string, due time.Time) error {
	f, ok := p.feedByID(feedID)
	if !ok {
		p.log.Info("poll of a feed no longer configured dropped", "feed_id", feedID)
		return nil
	}
	start := p.now()
	st, found, err := p.opts.State.FeedState(ctx, feedID)
	if err != nil {
		p.metrics.Errors.WithLabelValues(ErrKindState).Inc()
		// The poll did not run: the scheduler looks again soon and
		// enqueues it anew (the in-process queue forgets a failed poll).
		p.notePolled(feedID, start.Add(min(f.Interval, maxRecheck)))
		return err
	}
	if found && st.NextCheck.After(start) {
		p.log.Debug("poll no longer due, skipped", "feed_id", feedID, "due", due, "next_check", st.NextCheck)
		p.notePolled(feedID, st.NextCheck)
		return nil
	}
	// The state just read is the poll's: one read of the shared state
	// per poll, not two.
	_, _ = p.pollFrom(ctx, f, st, start) // it logs, counts and records its error
	return nil
}
