package sink

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
)

// ConnOptions configures Connect. Zero values mean the documented defaults.
// At most one authentication method may be set: User/Password, Token,
// NKeySeedFile or CredsFile.
type ConnOptions struct {
	// URL is the server URL, or a comma-separated list of them.
	// Default nats.DefaultURL ("nats://127.0.0.1:4222").
	URL string
	// Name is the connection name the server shows. Default "feedsift".
	Name string
	// User and Password authenticate with a user name and password.
	User, Password string
	// Token authenticates with a token.
	Token string
	// NKeySeedFile authenticates with the NKey seed in this file.
	NKeySeedFile string
	// CredsFile authenticates with a JWT credentials file.
	CredsFile string
	// TLSCA is a PEM file of CAs that verify the server.
	TLSCA string
	// TLSCert and TLSKey are the client certificate and key (PEM), both or
	// neither.
	TLSCert, TLSKey string
	// IgnoreDiscoveredServers connects only to the servers in URL, not to
	// the cluster members they advertise (a cluster behind a proxy or NAT).
	IgnoreDiscoveredServers bool
	// InProcess, when set, is a server in this process (an *Embedded) to
	// connect to through an in-memory pipe instead of a socket: every
	// request and reply then costs no system calls and no trip through
	// the kernel's loopback, which matters when each poll makes several
	// JetStream round trips. URL is still what the logs name.
	InProcess nats.InProcessConnProvider
	// Logger receives connection events. Nil discards them. Credentials
	// are never logged; URLs are logged with their user info redacted.
	Logger *slog.Logger
}

const (
	reconnectMin = 250 * time.Millisecond
	reconnectMax = 30 * time.Second
)

// Connect dials NATS and returns a connection that reconnects forever with
// exponential backoff (250ms doubling to 30s, with jitter), logging each
// disconnect and reconnect. Until the first connection succeeds, Connect
// retries unreachable servers with the same backoff until ctx ends;
// authentication and configuration errors are returned at once.
func Connect(ctx context.Context, opts ConnOptions) (*nats.Conn, error) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if opts.URL == "" {
		opts.URL = nats.DefaultURL
	}
	if opts.Name == "" {
		opts.Name = "feedsift"
	}
	safeURL := redactURLs(opts.URL)
	log = log.With("nats_url", safeURL)

	nopts, err := connAuthOptions(opts)
	if err != nil {
		return nil, err
	}
	if opts.IgnoreDiscoveredServers {
		nopts = append(nopts, nats.IgnoreDiscoveredServers())
	}
	if opts.InProcess != nil {
		nopts = append(nopts, nats.InProcessServer(opts.InProcess))
	}
	nopts = append(nopts,
		nats.Name(opts.Name),
		nats.MaxReconnects(-1),
		nats.CustomReconnectDelay(func(attempts int) time.Duration {
			return backoff(attempts, reconnectMin, reconnectMax)
		}),
		nats.DisconnectErrHandler(func(nc *nats.Conn, err error) {
			switch {
			case err != nil:
				log.Warn("sink: nats disconnected", "error", err)
			case nc.IsClosed():
				// Closing on purpose: the closed line says it.
				log.Debug("sink: nats disconnected")
			default:
				log.Info("sink: nats disconnected")
			}
		}),
		nats.ReconnectHandler(func(nc *nats.Conn) {
			log.Info("sink: nats reconnected", "server", redactURLs(nc.ConnectedUrlRedacted()))
		}),
		nats.ClosedHandler(func(*nats.Conn) {
			log.Info("sink: nats connection closed")
		}),
		nats.ErrorHandler(func(_ *nats.Conn, sub *nats.Subscription, err error) {
			if sub != nil {
				log.Warn("sink: nats async error", "subject", sub.Subject, "error", err)
				return
			}
			log.Warn("sink: nats async error", "error", err)
		}),
	)

	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("sink: connect to %s: %w", safeURL, err)
		}
		nc, err := nats.Connect(opts.URL, nopts...)
		if err == nil {
			log.Info("sink: nats connected", "server", nc.ConnectedUrlRedacted())
			return nc, nil
		}
		if !dialRetryable(err) {
			return nil, fmt.Errorf("sink: connect to %s: %w", safeURL, err)
		}
		wait := backoff(attempt, 100*time.Millisecond, 5*time.Second)
		log.Warn("sink: nats not reachable, retrying", "error", err,
			"attempt", attempt, "retry_in", wait)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("sink: connect to %s: %w (last error: %w)", safeURL, ctx.Err(), err)
		case <-t.C:
		}
	}
}

// connAuthOptions turns the credential and TLS fields into nats options.
func connAuthOptions(opts ConnOptions) ([]nats.Option, error) {
	var out []nats.Option
	methods := 0
	if opts.User != "" || opts.Password != "" {
		methods++
		out = append(out, nats.UserInfo(opts.User, opts.Password))
	}
	if opts.Token != "" {
		methods++
		out = append(out, nats.Token(opts.Token))
	}
	if opts.NKeySeedFile != "" {
		methods++
		o, err := nats.NkeyOptionFromSeed(opts.NKeySeedFile)
		if err != nil {
			// The error names the file, never its content.
			return nil, fmt.Errorf("%w: nkey seed file: %w", ErrInvalidOption, err)
		}
		out = append(out, o)
	}
	if opts.CredsFile != "" {
		methods++
		out = append(out, nats.UserCredentials(opts.CredsFile))
	}
	if methods > 1 {
		return nil, fmt.Errorf("%w: more than one nats authentication method set", ErrInvalidOption)
	}
	if opts.TLSCA != "" {
		out = append(out, nats.RootCAs(opts.TLSCA))
	}
	if (opts.TLSCert == "") != (opts.TLSKey == "") {
		return nil, fmt.Errorf("%w: nats tls cert and key must be set together", ErrInvalidOption)
	}
	if opts.TLSCert != "" {
		out = append(out, nats.ClientCert(opts.TLSCert, opts.TLSKey))
	}
	return out, nil
}

// dialRetryable reports whether a failed first connect may succeed later:
// the server is down or unreachable, as opposed to refusing our
// credentials or configuration.
func dialRetryable(err error) bool {
	if tlsRefused(err) {
		return false
	}
	if errors.Is(err, nats.ErrNoServers) || errors.Is(err, nats.ErrTimeout) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne)
}

// tlsRefused reports whether err is a TLS failure that retrying cannot
// mend: the server refused our certificate (or its absence), or we refused
// the server's. These arrive wrapped in net errors, which are otherwise
// retried as a server being down.
func tlsRefused(err error) bool {
	var (
		alert    tls.AlertError
		verify   *tls.CertificateVerificationError
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
		header   tls.RecordHeaderError
	)
	// crypto/tls reports an alert received from the server as a
	// *net.OpError with Op "remote error" (its alert type is unexported).
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "remote error" {
		return true
	}
	return errors.As(err, &alert) || errors.As(err, &verify) || errors.As(err, &unknown) ||
		errors.As(err, &hostname) || errors.As(err, &invalid) || errors.As(err, &header) ||
		errors.Is(err, nats.ErrSecureConnRequired) || errors.Is(err, nats.ErrSecureConnWanted) ||
		errors.Is(err, nats.ErrClientCertOrRootCAsRequired)
}

// backoff returns the wait before the given attempt (1-based): min doubled
// per attempt, capped at max, with up to 20% jitter.
func backoff(attempt int, minWait, maxWait time.Duration) time.Duration {
	d := minWait
	for i := 1; i < attempt && d < maxWait; i++ {
		d *= 2
	}
	d = min(d, maxWait)
	return d + rand.N(d/5+1)
}

// redactURLs hides the user info of every URL in a comma-separated list.
func redactURLs(list string) string {
	parts := strings.Split(list, ",")
	for i, p := range parts {
		p = strings.TrimSpace(p)
		u, err := url.Parse(p)
		if err != nil {
			parts[i] = "<unparsable url>"
			continue
		}
		if u.User != nil {
			u.User = url.User("redacted")
		}
		parts[i] = u.String()
	}
	return strings.Join(parts, ",")
}
