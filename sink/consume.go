package sink

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// DefaultDurable is the consumer name Consume uses when given "".
const DefaultDurable = "feedsift-store"

const (
	consumeAckWait    = 30 * time.Second
	consumeMaxPending = 256
	ackTimeout        = 5 * time.Second
)

// storeWriteError marks a failed store write, which ends Consume.
type storeWriteError struct{ err error }

func (e *storeWriteError) Error() string { return e.err.Error() }
func (e *storeWriteError) Unwrap() error { return e.err }

// Consume applies the stream to the store through the durable pull consumer
// named durable (DefaultDurable if ""), created if missing, starting after
// the consumer's acknowledged position. Each message is written in its own
// transaction and acknowledged (with a server confirmation) only after the
// write committed; redelivered messages are applied again harmlessly. A
// message that cannot be decoded is logged, terminated and counted as
// applied. Consume blocks until ctx ends and then returns nil. Lost
// connections and deleted consumers are retried with backoff; a failed
// store write is returned as an error.
func (s *Store) Consume(ctx context.Context, j *JetStream, durable string) error {
	if j == nil {
		return fmt.Errorf("%w: consume: nil JetStream", ErrInvalidOption)
	}
	if durable == "" {
		durable = DefaultDurable
	}
	if strings.ContainsAny(durable, ".*> \t\r\n") {
		return fmt.Errorf("%w: consume: durable name %q", ErrInvalidOption, durable)
	}
	log := s.log.With("stream", j.stream, "durable", durable)
	attempt := 0
	for {
		progressed, err := s.consumeOnce(ctx, j, durable, log)
		if ctx.Err() != nil {
			return nil
		}
		if swe, ok := errors.AsType[*storeWriteError](err); ok {
			log.Error("sink: store write failed, consumer stopped", "error", swe.err)
			return swe.err
		}
		if progressed {
			attempt = 0
		}
		attempt++
		wait := backoff(attempt, 250*time.Millisecond, 10*time.Second)
		log.Warn("sink: consumer interrupted, restarting", "error", err, "retry_in", wait)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
}

// consumeOnce binds the consumer and applies messages until an error.
// progressed reports whether at least one message was handled.
func (s *Store) consumeOnce(ctx context.Context, j *JetStream, durable string, log *slog.Logger) (progressed bool, err error) {
	cons, err := j.js.CreateOrUpdateConsumer(ctx, j.stream, jetstream.ConsumerConfig{
		Durable:       durable,
		Description:   "feedsift store",
		DeliverPolicy: jetstream.DeliverAllPolicy,
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       consumeAckWait,
		MaxDeliver:    -1,
		MaxAckPending: consumeMaxPending,
	})
	if err != nil {
		return false, fmt.Errorf("sink: consumer %s: %w", durable, err)
	}
	it, err := cons.Messages(jetstream.PullMaxMessages(consumeMaxPending / 2))
	if err != nil {
		return false, fmt.Errorf("sink: consumer %s: %w", durable, err)
	}
	defer it.Stop()
	log.Info("sink: consuming stream")
	for {
		msg, err := it.Next(jetstream.NextContext(ctx))
		if err != nil {
			if ctx.Err() != nil {
				s.drain(ctx, j, it, log)
				return progressed, ctx.Err()
			}
			if errors.Is(err, jetstream.ErrNoHeartbeat) {
				log.Warn("sink: consumer missed heartbeats, waiting", "error", err)
				continue
			}
			return progressed, fmt.Errorf("sink: consumer %s: %w", durable, err)
		}
		progressed = true
		batch, next := s.gather(it, msg)
		if err := s.handle(ctx, j, batch, log); err != nil {
			return progressed, err
		}
		if next != nil {
			if ctx.Err() != nil {
				s.drain(ctx, j, it, log)
				return progressed, ctx.Err()
			}
			return progressed, fmt.Errorf("sink: consumer %s: %w", durable, next)
		}
	}
}

const (
	// maxBatch bounds the messages applied in one store transaction.
	maxBatch = 128
	// batchWait is how long the consumer waits for one more message
	// before it applies what it has: the delay a lone message takes on.
	batchWait = 2 * time.Millisecond
)

// gather returns first and the messages that follow it at once (within
// batchWait of each other, at most maxBatch in all), to be applied in one
// transaction, and the iterator's error if it failed meanwhile.
func (s *Store) gather(it jetstream.MessagesContext, first jetstream.Msg) ([]jetstream.Msg, error) {
	batch := []jetstream.Msg{first}
	for len(batch) < maxBatch {
		msg, err := it.Next(jetstream.NextMaxWait(batchWait))
		if err != nil {
			if errors.Is(err, nats.ErrTimeout) {
				return batch, nil
			}
			return batch, err
		}
		batch = append(batch, msg)
	}
	return batch, nil
}

// drainTimeout bounds how long a stopping consumer spends on the messages
// already delivered to it.
const drainTimeout = 5 * time.Second

// drain applies and acknowledges the messages the server already delivered
// to this consumer when it is told to stop. Dropped, they would stay
// unacknowledged for a whole ack wait, and the next consumer on the
// durable (a restarted daemon) would wait that long for them.
func (s *Store) drain(ctx context.Context, j *JetStream, it jetstream.MessagesContext, log *slog.Logger) {
	it.Drain()
	dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), drainTimeout)
	defer cancel()
	n := 0
	for {
		msg, err := it.Next(jetstream.NextContext(dctx))
		if err != nil {
			break
		}
		if err := s.handle(dctx, j, []jetstream.Msg{msg}, log); err != nil {
			log.Warn("sink: applying a buffered message at stop failed; it will be redelivered", "error", err)
			break
		}
		n++
	}
	if n > 0 {
		log.Debug("sink: applied buffered messages at stop", "messages", n)
	}
}

// handle applies a batch of delivered messages in one store transaction
// and acknowledges them. A message without metadata, or that does not
// decode or is not a valid event, is recorded as applied and terminated:
// redelivering it would never help. When the transaction fails, every
// message of the batch is nak'ed and a *storeWriteError is returned.
func (s *Store) handle(ctx context.Context, j *JetStream, batch []jetstream.Msg, log *slog.Logger) error {
	var (
		msgs []jetstream.Msg
		evs  []Event
		bad  []jetstream.Msg // terminated once the batch is written
	)
	for _, msg := range batch {
		meta, err := msg.Metadata()
		if err != nil {
			log.Error("sink: message without metadata, terminating", "subject", msg.Subject(), "error", err)
			bad = append(bad, msg)
			continue
		}
		seq := meta.Sequence.Stream
		ev, err := j.Decode(msg.Subject(), msg.Data(), seq)
		if err != nil {
			log.Error("sink: undecodable message, terminating", "seq", seq, "subject", msg.Subject(), "error", err)
			ev = Event{Seq: seq} // an invalid event: only its sequence is recorded
		}
		msgs, evs = append(msgs, msg), append(evs, ev)
	}
	invalid, err := s.PutEvents(evs)
	if err != nil {
		for _, msg := range msgs {
			if nerr := msg.Nak(); nerr != nil {
				log.Warn("sink: nak failed", "subject", msg.Subject(), "error", nerr)
			}
		}
		return &storeWriteError{err: err}
	}
	for i, ierr := range invalid {
		if evs[i].Story != nil || evs[i].Duplicate != nil || evs[i].Override != nil {
			log.Error("sink: invalid event, terminating", "seq", evs[i].Seq, "subject", msgs[i].Subject(), "error", ierr)
		}
		bad = append(bad, msgs[i])
	}
	for _, msg := range bad {
		if err := termMsg(msg, log); err != nil {
			return err
		}
	}
	// Acks go out in order on one connection: confirming the last one
	// confirms the server has the others.
	var last jetstream.Msg
	for i, msg := range msgs {
		if _, isBad := invalid[i]; isBad {
			continue
		}
		if last != nil {
			if err := last.Ack(); err != nil {
				log.Warn("sink: ack failed, message will be redelivered", "subject", last.Subject(), "error", err)
			}
		}
		last = msg
	}
	if last != nil {
		actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), ackTimeout)
		defer cancel()
		if err := last.DoubleAck(actx); err != nil {
			// The writes committed; a redelivery is applied again harmlessly.
			log.Warn("sink: ack failed, messages will be redelivered", "subject", last.Subject(), "error", err)
		}
	}
	if log.Enabled(ctx, slog.LevelDebug) {
		for i, ev := range evs {
			if _, isBad := invalid[i]; !isBad {
				log.Debug("sink: event applied", "seq", ev.Seq, "subject", msgs[i].Subject(), "batch", len(batch))
			}
		}
	}
	return nil
}

func termMsg(msg jetstream.Msg, log *slog.Logger) error {
	if err := msg.TermWithReason("feedsift: undecodable"); err != nil {
		log.Warn("sink: term failed", "subject", msg.Subject(), "error", err)
	}
	return nil
}
