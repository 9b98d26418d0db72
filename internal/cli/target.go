package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/feedsift/feedsift/internal/config"
	"github.com/feedsift/feedsift/internal/daemon"
	"github.com/feedsift/feedsift/sink"
)

// target is where the client commands find a daemon's data.
type target struct {
	cfg      config.Config
	dataDir  string
	httpAddr string
	natsURL  string
	// natsFixed is set when natsURL came from --server,
	// $FEEDSIFT_NATS_URL or nats.url of the config. Otherwise it came from
	// the data directory (or is the default embedded address), which a
	// restarted daemon may change: see currentNATSURL.
	natsFixed bool
}

// targetFlags are the flags every client command shares.
type targetFlags struct {
	config, data, addr, server *string
}

func addTargetFlags(fs *flag.FlagSet) targetFlags {
	return targetFlags{
		config: fs.String("config", "", "daemon configuration file (default feedsift.toml when it exists)"),
		data:   fs.String("data", "", "data directory of the daemon (default: data_dir of the config)"),
		addr:   fs.String("addr", "", "daemon HTTP listener host:port (default: found in the data directory)"),
		server: fs.String("server", "", "NATS URL (default: $FEEDSIFT_NATS_URL, nats.url of the config, or the running embedded server)"),
	}
}

func (tf targetFlags) resolve() (target, error) {
	cfg := config.Default()
	path := *tf.config
	if path == "" {
		if _, err := os.Stat("feedsift.toml"); err == nil {
			path = "feedsift.toml"
		}
	}
	if path != "" {
		var err error
		if cfg, err = config.Load(path); err != nil {
			return target{}, err
		}
	}
	t := target{cfg: cfg, dataDir: cfg.DataDir}
	if *tf.data != "" {
		t.dataDir = *tf.data
	}
	t.httpAddr = *tf.addr
	if t.httpAddr == "" {
		t.httpAddr = readLine(filepath.Join(t.dataDir, daemon.HTTPAddrFile))
	}
	if fixed := firstNonEmpty(*tf.server, os.Getenv("FEEDSIFT_NATS_URL"), cfg.NATS.URL); fixed != "" {
		t.natsURL, t.natsFixed = fixed, true
	} else {
		t.natsURL, _ = t.currentNATSURL()
	}
	return t, nil
}

// currentNATSURL returns the NATS URL to dial now. A URL given by
// --server, $FEEDSIFT_NATS_URL or nats.url of the config stays as it is.
// Otherwise it is what the data directory's nats.url says at the moment of
// the call, because a daemon running the embedded server writes its
// address there at every start and may listen on a new port after a
// restart. Without that file it is the configured embedded address, and
// known is false: no daemon said it listens there.
func (t target) currentNATSURL() (url string, known bool) {
	if t.natsFixed {
		return t.natsURL, true
	}
	if u := readLine(filepath.Join(t.dataDir, daemon.NATSURLFile)); u != "" {
		return u, true
	}
	return "nats://" + t.cfg.NATS.EmbeddedListen, false
}

func readLine(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// query reads from the running daemon's API; when no daemon answers, it
// opens the store directly (bbolt allows one process at a time).
func (t target) query(ctx context.Context, path string, q url.Values, out any, direct func(*sink.Store) error) error {
	if t.httpAddr != "" {
		err := t.get(ctx, path, q, out)
		if err == nil {
			return nil
		}
		var netErr *url.Error
		if !errors.As(err, &netErr) {
			return err
		}
	}
	dbPath := filepath.Join(t.dataDir, daemon.StoreFile)
	if _, err := os.Stat(dbPath); errors.Is(err, fs.ErrNotExist) {
		daemonMsg := "no daemon address in " + filepath.Join(t.dataDir, daemon.HTTPAddrFile)
		if t.httpAddr != "" {
			daemonMsg = "no daemon answers at " + t.httpAddr
		}
		return fmt.Errorf("%s and there is no store at %s: start one with \"feedsift run\" or pass --data/--addr", daemonMsg, dbPath)
	}
	store, err := sink.OpenStore(dbPath, sink.StoreOptions{ReadOnly: true, Timeout: 2 * time.Second})
	if errors.Is(err, sink.ErrLocked) {
		return fmt.Errorf("%w: a daemon holds the store but its HTTP API is not reachable (http.listen off?); pass its address with --addr", err)
	}
	if err != nil {
		return err
	}
	return errors.Join(direct(store), store.Close())
}

func (t target) get(ctx context.Context, path string, q url.Values, out any) error {
	return t.do(ctx, http.MethodGet, path, q, nil, out)
}

// post sends body as JSON to the daemon's API and decodes the answer.
func (t target) post(ctx context.Context, path string, body, out any) error {
	data, err := json.Marshal(body)
	if err != nil {
		return err
	}
	return t.do(ctx, http.MethodPost, path, nil, data, out)
}

func (t target) do(ctx context.Context, method, path string, q url.Values, body []byte, out any) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	resp, err := t.request(ctx, method, path, q, body)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("daemon at %s: decode %s: %w", t.httpAddr, path, err)
	}
	return nil
}

// request sends a request to the daemon's API with the token, and returns
// the response when its status is 200 OK; the caller closes its body.
func (t target) request(ctx context.Context, method, path string, q url.Values, body []byte) (*http.Response, error) {
	u := url.URL{Scheme: "http", Host: t.httpAddr, Path: path, RawQuery: q.Encode()}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), rd)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if tok := firstNonEmpty(os.Getenv("FEEDSIFT_HTTP_TOKEN"), t.cfg.HTTP.Token); tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	switch resp.StatusCode {
	case http.StatusOK:
		return resp, nil
	case http.StatusUnauthorized:
		resp.Body.Close()
		return nil, fmt.Errorf("daemon at %s answered %s: set FEEDSIFT_HTTP_TOKEN or http.token in --config to the daemon's token", t.httpAddr, resp.Status)
	}
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096)) // the reason is a bonus; the status says enough
	resp.Body.Close()
	var apiErr struct{ Error string } // the API answers {"error": "...", "status": N}
	if json.Unmarshal(msg, &apiErr) == nil && apiErr.Error != "" {
		msg = []byte(apiErr.Error)
	}
	return nil, fmt.Errorf("daemon at %s answered %s: %s", t.httpAddr, resp.Status, strings.TrimSpace(string(msg)))
}
