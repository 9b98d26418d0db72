package sink

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

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
		if err := s.handle(ctx, j, msg, log); err != nil {
			return progressed, err
		}
	}
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
		if err := s.handle(dctx, j, msg, log); err != nil {
			log.Warn("sink: applying a buffered message at stop failed; it will be redelivered", "error", err)
			break
		}
		n++
	}
	if n > 0 {
		log.Debug("sink: applied buffered messages at stop", "messages", n)
	}
}

// handle applies one message and settles it.
func (s *Store) handle(ctx context.Context, j *JetStream, msg jetstream.Msg, log *slog.Logger) error {
	meta, err := msg.Metadata()
	if err != nil {
		log.Error("sink: message without metadata, terminating", "subject", msg.Subject(), "error", err)
		return termMsg(msg, log)
	}
	seq := meta.Sequence.Stream
	ev, err := j.Decode(msg.Subject(), msg.Data(), seq)
	if err == nil {
		err = s.PutEvent(ev)
		if err != nil && !errors.Is(err, ErrInvalidEvent) {
			if nerr := msg.Nak(); nerr != nil {
				log.Warn("sink: nak failed", "seq", seq, "error", nerr)
			}
			return &storeWriteError{err: err}
		}
	}
	if err != nil {
		log.Error("sink: undecodable message, terminating", "seq", seq, "subject", msg.Subject(), "error", err)
		if err := s.markSeq(seq); err != nil {
			return &storeWriteError{err: err}
		}
		return termMsg(msg, log)
	}
	actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), ackTimeout)
	defer cancel()
	if err := msg.DoubleAck(actx); err != nil {
		// The write committed; a redelivery is applied again harmlessly.
		log.Warn("sink: ack failed, message will be redelivered", "seq", seq, "error", err)
	}
	log.Debug("sink: event applied", "seq", seq, "subject", msg.Subject(),
		"delivered", meta.NumDelivered)
	return nil
}

func termMsg(msg jetstream.Msg, log *slog.Logger) error {
	if err := msg.TermWithReason("feedsift: undecodable"); err != nil {
		log.Warn("sink: term failed", "subject", msg.Subject(), "error", err)
	}
	return nil
}
