package story

import (
	"errors"
	"fmt"
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
