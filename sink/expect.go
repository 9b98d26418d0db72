package sink

import (
	"context"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// ErrWrongLastSeq is wrapped by Publish when PublishOptions.CheckLastSeq
// was set and the stream's last sequence
// was another (JetStream error 10071, or 10164 on a replicated stream):
// someone published since the caller's view of the stream, which must
// catch up before it decides again.
var ErrWrongLastSeq = errors.New("sink: stream moved past the expected last sequence")

// PublishOptions are the conditions and the revision of one publish; the
// zero value publishes unconditionally.
type PublishOptions struct {
	// Revision, for a story, publishes it as a new version of a story
	// already published (see Publish); it names the change, for example
	// an override ID.
	Revision string
	// Topic, for a story, is the topic whose subject it is published on:
	// one of the story's topics (story.Story.AllTopics). Empty means the
	// story's own Topic. On another topic the message id gains
	// "@<topic>", so each topic gets the story once.
	Topic string
	// ExpectLastSeq, when CheckLastSeq is set, is the stream sequence the
	// publisher's decision rests on: the server stores the message only if
	// the stream's last sequence (over all its subjects) is still this one
	// (header Nats-Expected-Last-Sequence), and refuses it otherwise with
	// an error wrapping ErrWrongLastSeq. 0 means an empty stream.
	ExpectLastSeq uint64
	// CheckLastSeq turns the ExpectLastSeq condition on.
	CheckLastSeq bool
}

func (o PublishOptions) jsOpts() []jetstream.PublishOpt {
	if !o.CheckLastSeq {
		return nil
	}
	return []jetstream.PublishOpt{jetstream.WithExpectLastSequence(o.ExpectLastSeq)}
}

func (j *JetStream) publishWith(ctx context.Context, msg *nats.Msg, o PublishOptions) (uint64, bool, error) {
	ack, err := j.js.PublishMsg(ctx, msg, o.jsOpts()...)
	if err != nil {
		if wrongLastSeq(err) {
			return 0, false, fmt.Errorf("sink: publish %s: %w: %w", msg.Subject, ErrWrongLastSeq, err)
		}
		return 0, false, fmt.Errorf("sink: publish %s: %w", msg.Subject, err)
	}
	if ack.Duplicate {
		j.log.Debug("sink: publish absorbed as duplicate", "subject", msg.Subject,
			"msg_id", msg.Header.Get(jetstream.MsgIDHeader), "seq", ack.Sequence)
	}
	return ack.Sequence, ack.Duplicate, nil
}

func wrongLastSeq(err error) bool {
	var jerr jetstream.JetStreamError
	if !errors.As(err, &jerr) || jerr.APIError() == nil {
		return false
	}
	code := jerr.APIError().ErrorCode
	return code == jetstream.JSErrCodeStreamWrongLastSequence || code == jetstream.JSErrCodeStreamWrongLastSequenceConstant
}
