package sink

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/feedsift/feedsift/internal/story"
)

// Event is one message of the stream, decoded: exactly one of Story,
// Duplicate and Override is set.
type Event struct {
	Seq     uint64 // stream sequence; 0 for an event not read from the stream
	Subject string
	// Topic is the topic of Subject, for an event read from the stream:
	// for a story, its own Topic or, when it is announced on several,
	// another of its Topics.
	Topic     string
	Story     *story.Story
	Duplicate *story.Duplicate
	Override  *story.Override
}

// DecodeEvent decodes one stream message. The subject decides the kind: a
// subject under storyPrefix carries a story, one under dupesPrefix a
// duplicate record, one under OverridesPrefix(dupesPrefix) an override.
// Empty prefixes mean the defaults ("news", "feedsift.dupes"). The topic in the payload must match the subject's (for a
// story, the subject's topic must be one of its topics); an empty one is
// taken from the subject. Unknown JSON fields are ignored,
// because payloads only ever gain fields. Errors wrap ErrInvalidEvent.
func DecodeEvent(subject string, data []byte, seq uint64, storyPrefix, dupesPrefix string) (Event, error) {
	storyPrefix, dupesPrefix, overridesPrefix, err := prefixes(storyPrefix, dupesPrefix)
	if err != nil {
		return Event{}, err
	}
	ev := Event{Seq: seq, Subject: subject}
	if topic, ok := strings.CutPrefix(subject, storyPrefix+"."); ok {
		var s story.Story
		if err := decodePayload(subject, seq, topic, data, &s); err != nil {
			return Event{}, err
		}
		if s.Topic == "" {
			s.Topic = topic
		}
		// A story is announced on each of its topics (Story.Topics).
		onTopic := topic
		if s.HasTopic(topic) {
			onTopic = s.Topic
		}
		if err := checkEvent(subject, seq, "story id", s.ID, s.Topic, onTopic, s.Version); err != nil {
			return Event{}, err
		}
		if err := checkTopics(s); err != nil {
			return Event{}, fmt.Errorf("seq %d: subject %q: %w", seq, subject, err)
		}
		ev.Story, ev.Topic = &s, topic
		return ev, nil
	}
	if topic, ok := strings.CutPrefix(subject, dupesPrefix+"."); ok {
		var d story.Duplicate
		if err := decodePayload(subject, seq, topic, data, &d); err != nil {
			return Event{}, err
		}
		if d.Topic == "" {
			d.Topic = topic
		}
		if err := checkEvent(subject, seq, "duplicate story id", d.StoryID, d.Topic, topic, d.Version); err != nil {
			return Event{}, err
		}
		ev.Duplicate, ev.Topic = &d, topic
		return ev, nil
	}
	if topic, ok := strings.CutPrefix(subject, overridesPrefix+"."); ok {
		var o story.Override
		if err := decodePayload(subject, seq, topic, data, &o); err != nil {
			return Event{}, err
		}
		if o.Topic == "" {
			o.Topic = topic
		}
		if err := checkEvent(subject, seq, "override id", o.ID, o.Topic, topic, o.Version); err != nil {
			return Event{}, err
		}
		if err := o.Validate(); err != nil {
			return Event{}, fmt.Errorf("%w: seq %d: subject %q: %w", ErrInvalidEvent, seq, subject, err)
		}
		ev.Override, ev.Topic = &o, topic
		return ev, nil
	}
	return Event{}, fmt.Errorf("%w: seq %d: subject %q is outside %s.>, %s.> and %s.>",
		ErrInvalidEvent, seq, subject, storyPrefix, dupesPrefix, overridesPrefix)
}

func decodePayload(subject string, seq uint64, topic string, data []byte, v any) error {
	if err := story.ValidateTopic(topic); err != nil {
		return fmt.Errorf("%w: seq %d: subject %q: %w", ErrInvalidEvent, seq, subject, err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%w: seq %d: subject %q: %w", ErrInvalidEvent, seq, subject, err)
	}
	return nil
}

func checkEvent(subject string, seq uint64, what, id, payloadTopic, subjectTopic string, version int) error {
	if err := checkID(what, id); err != nil {
		return fmt.Errorf("seq %d: subject %q: %w", seq, subject, err)
	}
	if payloadTopic != subjectTopic {
		return fmt.Errorf("%w: seq %d: payload topic %q does not match subject %q",
			ErrInvalidEvent, seq, payloadTopic, subject)
	}
	if version < 1 {
		return fmt.Errorf("%w: seq %d: subject %q: payload version %d", ErrInvalidEvent, seq, subject, version)
	}
	return nil
}

// Decode decodes one message of this stream; see DecodeEvent.
func (j *JetStream) Decode(subject string, data []byte, seq uint64) (Event, error) {
	return DecodeEvent(subject, data, seq, j.prefix, j.dupes)
}

// Replay reads the stream with an ordered consumer from its first message
// up to the last sequence at the time of the call, calling fn for each
// event in order, and then returns. It returns at once for an empty
// stream. Messages that cannot be decoded are skipped and logged. An error
// from fn stops the replay and is returned as is.
func (j *JetStream) Replay(ctx context.Context, fn func(Event) error) error {
	st, err := j.js.Stream(ctx, j.stream)
	if err != nil {
		return fmt.Errorf("sink: replay %s: %w", j.stream, err)
	}
	info := st.CachedInfo()
	if info.State.Msgs == 0 {
		return nil
	}
	last := info.State.LastSeq
	cons, err := j.js.OrderedConsumer(ctx, j.stream, jetstream.OrderedConsumerConfig{
		DeliverPolicy: jetstream.DeliverAllPolicy,
	})
	if err != nil {
		return fmt.Errorf("sink: replay %s: %w", j.stream, err)
	}
	it, err := cons.Messages()
	if err != nil {
		return fmt.Errorf("sink: replay %s: %w", j.stream, err)
	}
	defer it.Stop()
	for {
		msg, err := it.Next(jetstream.NextContext(ctx))
		if err != nil {
			if errors.Is(err, jetstream.ErrNoHeartbeat) {
				j.log.Warn("sink: replay: missed heartbeat, waiting", "stream", j.stream)
				continue
			}
			return fmt.Errorf("sink: replay %s: %w", j.stream, err)
		}
		meta, err := msg.Metadata()
		if err != nil {
			return fmt.Errorf("sink: replay %s: %w", j.stream, err)
		}
		seq := meta.Sequence.Stream
		if seq > last {
			return nil
		}
		ev, err := j.Decode(msg.Subject(), msg.Data(), seq)
		if err != nil {
			j.log.Error("sink: replay: skipping undecodable message", "seq", seq, "error", err)
		} else if err := fn(ev); err != nil {
			return err
		}
		if seq >= last || meta.NumPending == 0 {
			return nil
		}
	}
}
