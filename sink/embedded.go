package sink

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"time"

	"github.com/feedsift/feedsift/internal/natslog"
	"github.com/nats-io/nats-server/v2/server"
)

// EmbeddedOptions configures StartEmbedded. Zero values mean the documented
// defaults.
type EmbeddedOptions struct {
	// StoreDir is the JetStream storage directory, for example
	// "<data>/nats". Required. It is created with mode 0700 if missing.
	StoreDir string
	// Host is the listen address. Default "127.0.0.1".
	Host string
	// Port is the client port. Default 4222; -1 picks a random free port.
	Port int
	// ServerName names the server in logs and JetStream metadata.
	// Default "feedsift".
	ServerName string
	// Logger receives the server's log lines. Nil discards them.
	Logger *slog.Logger
}

// readyTimeout bounds how long StartEmbedded waits for the server.
const readyTimeout = 10 * time.Second

// Embedded is a nats-server with JetStream running inside this process.
type Embedded struct {
	srv *server.Server
}

// StartEmbedded starts a JetStream-enabled nats-server in this process and
// waits until it accepts connections (at most 10s, or until ctx ends).
func StartEmbedded(ctx context.Context, opts EmbeddedOptions) (*Embedded, error) {
	if opts.StoreDir == "" {
		return nil, fmt.Errorf("%w: embedded store dir is required", ErrInvalidOption)
	}
	if opts.Host == "" {
		opts.Host = "127.0.0.1"
	}
	switch {
	case opts.Port == 0:
		opts.Port = 4222
	case opts.Port < -1 || opts.Port > 65535:
		return nil, fmt.Errorf("%w: embedded port %d out of range", ErrInvalidOption, opts.Port)
	}
	if opts.ServerName == "" {
		opts.ServerName = "feedsift"
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("sink: start embedded server: %w", err)
	}
	if err := os.MkdirAll(opts.StoreDir, 0o700); err != nil {
		return nil, fmt.Errorf("sink: create embedded store dir: %w", err)
	}
	sopts := &server.Options{
		ServerName: opts.ServerName,
		Host:       opts.Host,
		Port:       opts.Port,
		JetStream:  true,
		StoreDir:   opts.StoreDir,
		NoSigs:     true,
		NoLog:      opts.Logger == nil,
	}
	srv, err := server.NewServer(sopts)
	if err != nil {
		return nil, fmt.Errorf("sink: configure embedded server: %w", err)
	}
	if opts.Logger != nil {
		debug := opts.Logger.Enabled(ctx, slog.LevelDebug)
		srv.SetLoggerV2(natslog.ServerLogger(opts.Logger.With("component", "nats-server")), debug, false, false)
	}
	go srv.Start()

	deadline := time.Now().Add(readyTimeout)
	for !srv.ReadyForConnections(100 * time.Millisecond) {
		if err := ctx.Err(); err != nil {
			srv.Shutdown()
			srv.WaitForShutdown()
			return nil, fmt.Errorf("%w: %w", ErrServerStart, err)
		}
		if time.Now().After(deadline) {
			srv.Shutdown()
			srv.WaitForShutdown()
			return nil, fmt.Errorf("%w: not ready for connections after %s on %s:%d",
				ErrServerStart, readyTimeout, opts.Host, opts.Port)
		}
	}
	return &Embedded{srv: srv}, nil
}

// ClientURL returns the URL clients connect to, for example
// "nats://127.0.0.1:4222".
func (e *Embedded) ClientURL() string { return e.srv.ClientURL() }

// InProcessConn returns a connection to the server that does not go through
// the network. It lets nats.InProcessServer(e) connect without a socket.
func (e *Embedded) InProcessConn() (net.Conn, error) { return e.srv.InProcessConn() }

// Shutdown stops the server and waits until it has stopped. Clients should
// be drained or closed first.
func (e *Embedded) Shutdown() {
	e.srv.Shutdown()
	e.srv.WaitForShutdown()
}
