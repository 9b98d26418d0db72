// Package natslog adapts log/slog to nats-server's Logger interface, for
// the servers feedsift runs in process: the embedded server of
// "feedsift run" (sink.StartEmbedded) and the test clusters of
// internal/natscluster. It has one job so that neither imports the other.
package natslog

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/nats-io/nats-server/v2/server"
)

// ServerLogger adapts log to nats-server's Logger interface, for the
// servers feedsift runs in process. The server's notices (its start-up
// banner, listening addresses, JetStream set-up, shutdown) are routine and
// go to DEBUG, with its debug and trace lines; warnings and errors keep
// their level. The few notices that mean a client or the server is in
// trouble (a slow consumer, a failed stream catch-up, lame duck mode) go
// to WARN. The caller logs its own line saying where the server listens.
func ServerLogger(log *slog.Logger) server.Logger { return serverLogger{log: log} }

// serverLogger adapts slog to nats-server's Logger interface.
type serverLogger struct{ log *slog.Logger }

// troubleNotices are the nats-server notices that go to WARN, by how
// their text starts (after the "<client> - " prefix of a client's lines).
var troubleNotices = []string{"Slow Consumer Detected", "Slow Consumer State", "Catchup for stream", "Entering lame duck mode"}

// noticeLevel is the level of a nats-server notice: WARN for the ones in
// troubleNotices, DEBUG for every other.
func noticeLevel(msg string) slog.Level {
	for _, p := range troubleNotices {
		if strings.HasPrefix(msg, p) || strings.Contains(msg, " - "+p) {
			return slog.LevelWarn
		}
	}
	return slog.LevelDebug
}

func (l serverLogger) Noticef(format string, v ...any) {
	msg := fmt.Sprintf(format, v...)
	l.log.Log(context.Background(), noticeLevel(msg), msg)
}
func (l serverLogger) Warnf(format string, v ...any)  { l.log.Warn(fmt.Sprintf(format, v...)) }
func (l serverLogger) Fatalf(format string, v ...any) { l.log.Error(fmt.Sprintf(format, v...)) }
func (l serverLogger) Errorf(format string, v ...any) { l.log.Error(fmt.Sprintf(format, v...)) }
func (l serverLogger) Debugf(format string, v ...any) { l.log.Debug(fmt.Sprintf(format, v...)) }
func (l serverLogger) Tracef(format string, v ...any) { l.log.Debug(fmt.Sprintf(format, v...)) }
