package pollq

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/feedsift/feedsift/internal/story"
)

// Defaults for Options.
const (
	DefaultStream          = "FEEDSIFT_POLLS"
	DefaultSubjectPrefix   = "feedsift.poll"
	DefaultConsumer        = "pollers"
	DefaultReplicas        = 1
	DefaultAckWait         = 60 * time.Second
	DefaultDuplicateWindow = 2 * time.Minute
	DefaultNakDelay        = 5 * time.Second
	DefaultDrainTimeout    = 30 * time.Second
)

// MinAckWait is the shortest AckWait Open accepts.
const MinAckWait = time.Second

const (
	// fetchWait is how long one pull request waits for polls; it also
	// bounds how long Run takes to notice its context ended.
	fetchWait = time.Second
	// ackTimeout bounds waiting for the server to confirm an ack.
	ackTimeout = 5 * time.Second
	// maxRetryWait caps the wait between failed pulls.
	maxRetryWait = 5 * time.Second
)

// Options configures Open. Zero values mean the documented defaults.
type Options struct {
	// Stream is the stream name: letters, digits, '-' and '_'.
	// Default "FEEDSIFT_POLLS".
	Stream string
	// SubjectPrefix is the subject space of polls, "<prefix>.<feed key>".
	// Default "feedsift.poll". It must not overlap any other stream's
	// subjects.
	SubjectPrefix string
	// Consumer is the durable pull consumer's name, shared by every
	// instance: letters, digits, '-' and '_'. Default "pollers".
	Consumer string
	// Replicas is the stream's (and consumer's) replica count, 1 to 5.
	// Default 1.
	Replicas int
	// AckWait is how long a delivered poll may go without an ack or a
	// progress report before the server delivers it again. At least
	// MinAckWait. Default 60s.
	AckWait time.Duration
	// DuplicateWindow is how long the server remembers a poll's message
	// id, so the same (feed, due) enqueued again is absorbed.
	// Default 2m.
	DuplicateWindow time.Duration
	// MaxAckPending caps the polls delivered and not yet acked across all
	// instances (the design suggests workers x instances). 0 means the
	// server's default (1000); Run bounds each instance by its workers
	// either way.
	MaxAckPending int
	// NakDelay is how long a poll whose handler failed waits before it
	// is delivered again. Default 5s.
	NakDelay time.Duration
	// DrainTimeout is how long handlers keep running after Run's context
	// ended before their context is cancelled. Default 30s.
	DrainTimeout time.Duration
	// Logger receives queue events. Nil discards them.
	Logger *slog.Logger
}

// Queue is the poll work queue. It is safe for concurrent use.
type Queue struct {
	js     jetstream.JetStream
	cons   jetstream.Consumer
	scfg   jetstream.StreamConfig
	ccfg   jetstream.ConsumerConfig
	prefix string
	opts   Options
	log    *slog.Logger
}

// Open creates the stream and its durable consumer, or updates them in
// place to opts, and returns a Queue on them. Several instances may Open
// the same queue at once with the same options. Requests that go
// unanswered (a cluster still electing the stream's leader, a busy
// machine) are retried for up to 30s while ctx lasts.
func Open(ctx context.Context, js jetstream.JetStream, opts Options) (*Queue, error) {
	if js == nil {
		return nil, fmt.Errorf("%w: nil jetstream", ErrInvalidOption)
	}
	opts.Stream = cmp.Or(opts.Stream, DefaultStream)
	opts.SubjectPrefix = cmp.Or(opts.SubjectPrefix, DefaultSubjectPrefix)
	opts.Consumer = cmp.Or(opts.Consumer, DefaultConsumer)
	opts.Replicas = cmp.Or(opts.Replicas, DefaultReplicas)
	opts.AckWait = cmp.Or(opts.AckWait, DefaultAckWait)
	opts.DuplicateWindow = cmp.Or(opts.DuplicateWindow, DefaultDuplicateWindow)
	opts.NakDelay = cmp.Or(opts.NakDelay, DefaultNakDelay)
	opts.DrainTimeout = cmp.Or(opts.DrainTimeout, DefaultDrainTimeout)
	switch {
	case !validName(opts.Stream):
		return nil, fmt.Errorf("%w: stream name %q: want letters, digits, '-' and '_'", ErrInvalidOption, opts.Stream)
	case !validName(opts.Consumer):
		return nil, fmt.Errorf("%w: consumer name %q: want letters, digits, '-' and '_'", ErrInvalidOption, opts.Consumer)
	case opts.Replicas < 1 || opts.Replicas > 5:
		return nil, fmt.Errorf("%w: replicas %d not in 1..5", ErrInvalidOption, opts.Replicas)
	case opts.AckWait < MinAckWait:
		return nil, fmt.Errorf("%w: ack wait %s shorter than %s", ErrInvalidOption, opts.AckWait, MinAckWait)
	case opts.DuplicateWindow < 0:
		return nil, fmt.Errorf("%w: negative duplicate window %s", ErrInvalidOption, opts.DuplicateWindow)
	case opts.NakDelay < 0:
		return nil, fmt.Errorf("%w: negative nak delay %s", ErrInvalidOption, opts.NakDelay)
	case opts.DrainTimeout < 0:
		return nil, fmt.Errorf("%w: negative drain timeout %s", ErrInvalidOption, opts.DrainTimeout)
	case opts.MaxAckPending < 0:
		return nil, fmt.Errorf("%w: negative max ack pending %d", ErrInvalidOption, opts.MaxAckPending)
	}
	if err := story.ValidateTopic(opts.SubjectPrefix); err != nil {
		return nil, fmt.Errorf("%w: subject prefix: %w", ErrInvalidOption, err)
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	q := &Queue{
		js:     js,
		prefix: opts.SubjectPrefix,
		opts:   opts,
		log:    log.With("stream", opts.Stream),
		scfg: jetstream.StreamConfig{
			Name:                 opts.Stream,
			Description:          "feedsift poll work queue",
			Subjects:             []string{opts.SubjectPrefix + ".>"},
			Retention:            jetstream.WorkQueuePolicy,
			Storage:              jetstream.FileStorage,
			Replicas:             opts.Replicas,
			Duplicates:           opts.DuplicateWindow,
			MaxMsgsPerSubject:    1,
			Discard:              jetstream.DiscardNew,
			DiscardNewPerSubject: true,
		},
		ccfg: jetstream.ConsumerConfig{
			Durable:       opts.Consumer,
			Description:   "feedsift pollers",
			DeliverPolicy: jetstream.DeliverAllPolicy,
			AckPolicy:     jetstream.AckExplicitPolicy,
			AckWait:       opts.AckWait,
			MaxDeliver:    -1,
			MaxAckPending: opts.MaxAckPending,
		},
	}
	cons, err := q.ensureRetrying(ctx)
	if err != nil {
		return nil, err
	}
	q.cons = cons
	q.log.Info("pollq: queue ready", "subjects", q.prefix+".>", "consumer", opts.Consumer,
		"replicas", opts.Replicas, "ack_wait", opts.AckWait)
	return q, nil
}

// openRetryFor bounds how long Open retries the stream and consumer
// requests that time out: a cluster that just started, or just lost a
// node, elects their leaders first, and on a busy machine that outlasts
// one request.
const openRetryFor = 30 * time.Second

// ensureRetrying is ensure, tried again with backoff while it fails for
// want of an answer (a timeout, no responders) and ctx lasts, for up to
// openRetryFor.
func (q *Queue) ensureRetrying(ctx context.Context) (jetstream.Consumer, error) {
	deadline := time.Now().Add(openRetryFor)
	wait := 100 * time.Millisecond
	for {
		cons, err := q.ensure(ctx)
		if err == nil || ctx.Err() != nil || time.Now().After(deadline) || !noAnswer(err) {
			return cons, err
		}
		q.log.Warn("pollq: open: no answer yet, retrying", "error", err, "retry_in", wait)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, err
		case <-t.C:
		}
		wait = min(2*wait, 2*time.Second)
	}
}

// noAnswer reports whether a JetStream API request failed because nobody
// answered in time, which a retry can mend.
func noAnswer(err error) bool {
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, nats.ErrTimeout) ||
		errors.Is(err, nats.ErrNoResponders) || errors.Is(err, jetstream.ErrNoStreamResponse)
}

// ensure creates or updates the stream and the consumer. The consumer
// handle addresses the consumer by name, so the one Open keeps stays
// valid when the consumer is created again.
func (q *Queue) ensure(ctx context.Context) (jetstream.Consumer, error) {
	if _, err := q.js.CreateOrUpdateStream(ctx, q.scfg); err != nil {
		return nil, fmt.Errorf("pollq: create or update stream %s: %w", q.scfg.Name, err)
	}
	cons, err := q.js.CreateOrUpdateConsumer(ctx, q.scfg.Name, q.ccfg)
	if err != nil {
		return nil, fmt.Errorf("pollq: create or update consumer %s on %s: %w", q.ccfg.Durable, q.scfg.Name, err)
	}
	return cons, nil
}

// Stream returns the stream name.
func (q *Queue) Stream() string { return q.scfg.Name }

// Consumer returns the durable consumer's name.
func (q *Queue) Consumer() string { return q.ccfg.Durable }

// Subject returns the subject polls of feedID are published on, or an
// error wrapping ErrInvalidFeedID.
func (q *Queue) Subject(feedID string) (string, error) {
	tok, err := token(feedID)
	if err != nil {
		return "", err
	}
	return q.prefix + "." + tok, nil
}

// MsgID returns the Nats-Msg-Id of the poll of feedID due at due.
func MsgID(feedID string, due time.Time) string {
	return "poll:" + feedID + ":" + strconv.FormatInt(due.Unix(), 10)
}

// poll is the message body.
type poll struct {
	Feed string    `json:"feed"`
	Due  time.Time `json:"due"`
}

// Enqueue queues a poll of feedID due at due and waits for the server's
// ack. It returns nil when the poll was queued, when the same (feed, due)
// was already enqueued within the duplicate window, and when another poll
// of the feed is queued or running: nil means a poll of the feed is
// pending. Only the due time's whole seconds identify a poll.
func (q *Queue) Enqueue(ctx context.Context, feedID string, due time.Time) error {
	subj, err := q.Subject(feedID)
	if err != nil {
		return fmt.Errorf("pollq: enqueue: %w", err)
	}
	if due.IsZero() {
		return fmt.Errorf("%w: enqueue %s: zero due time", ErrInvalidOption, feedID)
	}
	data, err := json.Marshal(poll{Feed: feedID, Due: due.UTC()})
	if err != nil {
		return fmt.Errorf("pollq: enqueue %s: %w", feedID, err)
	}
	msg := nats.NewMsg(subj)
	msg.Data = data
	id := MsgID(feedID, due)
	msg.Header.Set(jetstream.MsgIDHeader, id)
	ack, err := q.js.PublishMsg(ctx, msg, jetstream.WithExpectStream(q.scfg.Name))
	switch {
	case pending(err):
		q.log.Debug("pollq: poll of feed already pending", "feed_id", feedID, "msg_id", id)
		return nil
	case err != nil:
		return fmt.Errorf("pollq: enqueue %s: %w", feedID, err)
	case ack.Duplicate:
		q.log.Debug("pollq: poll already enqueued", "feed_id", feedID, "msg_id", id, "seq", ack.Sequence)
	default:
		q.log.Debug("pollq: poll enqueued", "feed_id", feedID, "msg_id", id, "seq", ack.Sequence)
	}
	return nil
}

// pending reports whether a publish was refused because the feed's
// subject already holds a message (discard new per subject).
func pending(err error) bool {
	var apiErr *jetstream.APIError
	return errors.As(err, &apiErr) && apiErr.ErrorCode == jsErrStoreFailed &&
		strings.Contains(apiErr.Description, "maximum messages per subject")
}

// jsErrStoreFailed is the server's JSStreamStoreFailedF error code.
const jsErrStoreFailed jetstream.ErrorCode = 10077

// Handler runs one poll. ctx is cancelled DrainTimeout after Run's
// context ended. A nil error acks the poll; an error naks it for a retry.
type Handler func(ctx context.Context, feedID string, due time.Time) error

// Run pulls polls and calls handle for each, with at most workers handlers
// running at once in this call, until ctx ends; then it shuts down as the
// package doc describes and returns nil. Pull errors (a lost connection, a
// leader election) are logged and retried with backoff; a deleted stream
// or consumer is created again. It returns an error only for bad
// arguments.
func (q *Queue) Run(ctx context.Context, workers int, handle Handler) error {
	if workers <= 0 {
		return fmt.Errorf("%w: run with %d workers", ErrInvalidOption, workers)
	}
	if handle == nil {
		return fmt.Errorf("%w: run with a nil handler", ErrInvalidOption)
	}
	workCtx, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()

	busy := make(chan struct{}, workers) // one token per running handler or reserved slot
	release := func(n int) {
		for range n {
			<-busy
		}
	}
	var handlers sync.WaitGroup
	failures := 0
	for ctx.Err() == nil {
		select {
		case busy <- struct{}{}:
		case <-ctx.Done():
			continue
		}
		n := 1
	reserve:
		for n < workers {
			select {
			case busy <- struct{}{}:
				n++
			default:
				break reserve
			}
		}

		start := time.Now()
		batch, err := q.cons.Fetch(n, jetstream.FetchMaxWait(fetchWait))
		if err != nil {
			release(n)
			failures++
			q.pullFailed(ctx, err, failures)
			continue
		}
		got := 0
		for msg := range batch.Messages() {
			got++
			if ctx.Err() != nil {
				// Shutting down: let another instance have it now.
				if err := msg.Nak(); err != nil {
					q.log.Debug("pollq: nak on shutdown", "subject", msg.Subject(), "error", err)
				}
				<-busy
				continue
			}
			handlers.Go(func() {
				defer func() { <-busy }()
				q.process(ctx, workCtx, msg, handle)
			})
		}
		release(n - got)
		switch err := batch.Error(); {
		case err != nil && ctx.Err() == nil:
			failures++
			q.pullFailed(ctx, err, failures)
		case got == 0 && time.Since(start) < fetchWait/10:
			// An empty pull that ended at once: do not spin.
			failures++
			sleep(ctx, retryWait(failures))
		default:
			failures = 0
		}
	}

	done := make(chan struct{})
	go func() {
		handlers.Wait()
		close(done)
	}()
	select {
	case <-done:
	default:
		q.log.Info("pollq: waiting for running polls", "timeout", q.opts.DrainTimeout)
		t := time.NewTimer(q.opts.DrainTimeout)
		defer t.Stop()
		select {
		case <-done:
		case <-t.C:
			q.log.Warn("pollq: drain timeout, cancelling running polls")
			cancelWork()
			<-done
		}
	}
	return nil
}

// pullFailed logs a failed pull, recreates the stream and consumer if
// they are gone, and waits before the next pull.
func (q *Queue) pullFailed(ctx context.Context, err error, failures int) {
	if ctx.Err() != nil {
		return
	}
	wait := retryWait(failures)
	q.log.Warn("pollq: pull failed", "error", err, "failures", failures, "retry_in", wait)
	if errors.Is(err, jetstream.ErrConsumerDeleted) || errors.Is(err, jetstream.ErrConsumerNotFound) ||
		errors.Is(err, jetstream.ErrStreamNotFound) || errors.Is(err, nats.ErrNoResponders) {
		ectx, cancel := context.WithTimeout(ctx, ackTimeout)
		if _, err := q.ensure(ectx); err != nil {
			q.log.Warn("pollq: recreate stream and consumer", "error", err)
		} else {
			q.log.Info("pollq: stream and consumer recreated")
		}
		cancel()
	}
	sleep(ctx, wait)
}

// process runs one delivered message through handle and acks, naks or
// terminates it.
func (q *Queue) process(runCtx, workCtx context.Context, msg jetstream.Msg, handle Handler) {
	feedID, due, err := q.decode(msg)
	if err != nil {
		q.log.Warn("pollq: terminating message that is not a poll", "subject", msg.Subject(), "error", err)
		if err := msg.TermWithReason(err.Error()); err != nil {
			q.log.Warn("pollq: terminate", "subject", msg.Subject(), "error", err)
		}
		return
	}
	log := q.log.With("feed_id", feedID, "due", due)
	if md, err := msg.Metadata(); err == nil && md.NumDelivered > 1 {
		log = log.With("delivery", md.NumDelivered)
		log.Info("pollq: poll delivered again")
	}

	p := q.reportProgress(msg, log)
	hctx, cancel := context.WithCancel(workCtx)
	err = handle(hctx, feedID, due)
	cancel()
	p.stop()

	if err == nil {
		actx, cancel := context.WithTimeout(context.WithoutCancel(workCtx), ackTimeout)
		defer cancel()
		if err := msg.DoubleAck(actx); err != nil {
			log.Warn("pollq: ack failed; the poll runs again after the ack wait", "error", err)
		}
		return
	}
	delay := q.opts.NakDelay
	if runCtx.Err() != nil {
		delay = 0
	}
	log.Warn("pollq: poll failed", "error", err, "retry_in", delay)
	if delay > 0 {
		err = msg.NakWithDelay(delay)
	} else {
		err = msg.Nak()
	}
	if err != nil {
		log.Warn("pollq: nak failed; the poll runs again after the ack wait", "error", err)
	}
}

// progress reports a running poll in progress every AckWait/3, so that
// the server does not deliver it again meanwhile. It is a timer that
// re-arms itself, not a goroutine with a ticker: with a thousand polls
// running, most of them waiting on the network, a goroutine each (its
// stack scanned by every GC, two more per short poll to start and end)
// cost more than the reports.
type progress struct {
	mu      sync.Mutex // held while a report is sent, so stop waits for it
	stopped bool
	t       *time.Timer
}

// reportProgress starts the reports of msg's poll until stop.
func (q *Queue) reportProgress(msg jetstream.Msg, log *slog.Logger) *progress {
	every := q.opts.AckWait / 3
	p := &progress{}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.t = time.AfterFunc(every, func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.stopped {
			return
		}
		if err := msg.InProgress(); err != nil {
			log.Warn("pollq: progress report failed", "error", err)
		}
		p.t.Reset(every)
	})
	return p
}

// stop ends the reports; once it returns none is being sent, so the ack
// or nak that follows is the message's last word.
func (p *progress) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.stopped = true
	p.t.Stop()
}

// decode checks a delivered message and returns its poll.
func (q *Queue) decode(msg jetstream.Msg) (string, time.Time, error) {
	var p poll
	if err := json.Unmarshal(msg.Data(), &p); err != nil {
		return "", time.Time{}, fmt.Errorf("%w: %w", ErrInvalidMessage, err)
	}
	if p.Due.IsZero() {
		return "", time.Time{}, fmt.Errorf("%w: no due time", ErrInvalidMessage)
	}
	subj, err := q.Subject(p.Feed)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("%w: %w", ErrInvalidMessage, err)
	}
	if subj != msg.Subject() {
		return "", time.Time{}, fmt.Errorf("%w: feed %q on subject %s", ErrInvalidMessage, p.Feed, msg.Subject())
	}
	return p.Feed, p.Due, nil
}

// retryWait is 100ms doubling per failure, capped at maxRetryWait.
func retryWait(failures int) time.Duration {
	d := 100 * time.Millisecond
	for i := 1; i < failures && d < maxRetryWait; i++ {
		d *= 2
	}
	return min(d, maxRetryWait)
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
