package sink

import (
	"context"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/feedsift/feedsift/internal/story"
)

// ErrWrongLastSeq is wrapped by PublishStoryWith and PublishDuplicateWith
// when PublishOptions.ExpectLastSeq was set and the stream's last sequence
// was another (JetStream error 10071, or 10164 on a replicated stream):
// someone published since the caller's view of the stream, which must
// catch up before it decides again.
var ErrWrongLastSeq = errors.New("sink: stream moved past the expected last sequence")

// PublishOptions are conditions on one publish.
type PublishOptions struct {
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

// PublishStoryWith publishes s like PublishStory, under the conditions in
// o. The message id is the same, so a retry of a story already stored is
// absorbed (and reported as a duplicate) whatever the condition.
func (j *JetStream) PublishStoryWith(ctx context.Context, s story.Story, o PublishOptions) (seq uint64, dup bool, err error) {
	msg, err := j.storyMsg(s)
	if err != nil {
		return 0, false, err
	}
	return j.publishWith(ctx, msg, o)
}

// PublishDuplicateWith publishes d like PublishDuplicate, under the
// conditions in o.
func (j *JetStream) PublishDuplicateWith(ctx context.Context, d story.Duplicate, o PublishOptions) (seq uint64, dup bool, err error) {
	msg, err := j.duplicateMsg(d)
	if err != nil {
		return 0, false, err
	}
	return j.publishWith(ctx, msg, o)
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
