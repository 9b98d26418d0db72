package cli

import (
	"time"

	"github.com/feedsift/feedsift/sink"
)

// TailLine formats one stream message as tail prints it, for the table
// test of the line formats in tail_test.go. at is the message's time in
// the stream.
func TailLine(storyPrefix, dupesPrefix, subject string, data []byte, at time.Time) string {
	f := tailFormat{stories: storyPrefix, dupes: dupesPrefix, overrides: sink.OverridesPrefix(dupesPrefix)}
	return f.line(subject, data, at)
}
