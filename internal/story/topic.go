package story

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// ErrInvalidTopic is returned by ValidateTopic for a topic that cannot be
// used as part of a NATS subject.
var ErrInvalidTopic = errors.New("story: invalid topic")

// ValidateTopic reports whether topic can stand after the subject prefix:
// one or more dot-separated tokens, each non-empty and free of the NATS
// wildcards '*' and '>' and of white space and control characters.
func ValidateTopic(topic string) error {
	if topic == "" {
		return fmt.Errorf("%w: empty", ErrInvalidTopic)
	}
	for tok := range strings.SplitSeq(topic, ".") {
		if tok == "" {
			return fmt.Errorf("%w %q: empty token", ErrInvalidTopic, topic)
		}
		for _, r := range tok {
			switch {
			case r == '*' || r == '>':
				return fmt.Errorf("%w %q: wildcard %q in token", ErrInvalidTopic, topic, r)
			case r <= ' ' || r == 0x7f || r == '\u00a0':
				return fmt.Errorf("%w %q: white space or control character in token", ErrInvalidTopic, topic)
			}
		}
	}
	return nil
}

// AllTopics returns the topics s is announced on: Topics, or Topic alone
// when Topics is empty.
func (s Story) AllTopics() []string {
	if len(s.Topics) == 0 {
		return []string{s.Topic}
	}
	return s.Topics
}

// HasTopic reports whether s is announced on topic.
func (s Story) HasTopic(topic string) bool { return slices.Contains(s.AllTopics(), topic) }

// AddTopic returns s announced on topic as well, after the topics it has.
func (s Story) AddTopic(topic string) Story {
	if s.HasTopic(topic) {
		return s
	}
	s.Topics = append(slices.Clone(s.AllTopics()), topic)
	return s
}

// MoveTopic returns s with topic as its Topic (a copy from a feed of that
// topic became the kept version), still announced on the topics it had,
// which follow it.
func (s Story) MoveTopic(topic string) Story {
	if s.Topic == topic {
		return s
	}
	topics := []string{topic}
	for _, t := range s.AllTopics() {
		if t != topic {
			topics = append(topics, t)
		}
	}
	s.Topic, s.Topics = topic, topics
	return s
}
