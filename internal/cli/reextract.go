package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/feedsift/feedsift/internal/httpapi"
)

// runReextract is "feedsift reextract": the running daemon extracts its
// kept pages again and publishes what changed. Progress is a bar on a
// terminal and plain lines otherwise.
func runReextract(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("reextract", "reextract [--feed F] [--since D] [--dry-run] [--json]", stderr)
	tf := addTargetFlags(fs)
	feed := fs.String("feed", "", "only this feed's pages")
	since := fs.String("since", "", "only pages fetched since (RFC 3339, 2006-01-02, or a duration back such as 24h)")
	dryRun := fs.Bool("dry-run", false, "count what would change; publish nothing")
	asJSON := fs.Bool("json", false, "print the final counts as JSON")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("%w: reextract: unexpected argument %q", ErrUsage, pos[0])
	}
	t, err := tf.resolve()
	if err != nil {
		return err
	}
	if t.httpAddr == "" {
		return fmt.Errorf("reextract needs the running daemon (it publishes the updates on NATS): no address in the data directory %s; pass --addr", t.dataDir)
	}
	body, err := json.Marshal(httpapi.ReextractRequest{Feed: *feed, Since: *since, DryRun: *dryRun})
	if err != nil {
		return err
	}
	resp, err := t.request(ctx, http.MethodPost, "/api/reextract", nil, body)
	if err != nil {
		return fmt.Errorf("reextract: %w", err)
	}
	defer resp.Body.Close()

	show := newProgress(stderr, isTerminal(stderr))
	var final *httpapi.ReextractLine
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		var l httpapi.ReextractLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			return fmt.Errorf("reextract: daemon at %s sent %q: %w", t.httpAddr, sc.Text(), err)
		}
		if l.Final {
			final = &l
			break
		}
		show.update(l)
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("reextract: reading progress from %s: %w", t.httpAddr, err)
	}
	if final == nil {
		return errors.New("reextract: the daemon ended the answer before the final counts")
	}
	show.update(*final)
	show.done()
	if final.Error != "" {
		return fmt.Errorf("reextract: %s", final.Error)
	}
	if *asJSON {
		return writeJSON(stdout, final.ReextractProgress)
	}
	verb := "re-extracted"
	if *dryRun {
		verb = "dry run:"
	}
	_, err = fmt.Fprintf(stdout, "%s %d pages: %d stories updated, %d copies split out, %d unchanged, %d skipped (story aged out), %d failed\n",
		verb, final.Done, final.Updated, final.Split, final.Unchanged, final.Skipped, final.Failed)
	return err
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// progress shows a run's progress: a bar redrawn in place on a terminal,
// or a plain line at most every few seconds (and at the end) otherwise.
type progress struct {
	w    io.Writer
	tty  bool
	last time.Time
	line httpapi.ReextractLine
}

const plainEvery = 5 * time.Second

func newProgress(w io.Writer, tty bool) *progress { return &progress{w: w, tty: tty} }

func (p *progress) update(l httpapi.ReextractLine) {
	p.line = l
	if p.tty {
		const width = 30
		filled := 0
		if l.Total > 0 {
			filled = width * l.Done / l.Total
		}
		fmt.Fprintf(p.w, "\r[%s%s] %d/%d pages, %d updated, %d split",
			strings.Repeat("#", filled), strings.Repeat(".", width-filled), l.Done, l.Total, l.Updated, l.Split)
		return
	}
	if now := time.Now(); l.Final || now.Sub(p.last) >= plainEvery {
		p.last = now
		fmt.Fprintf(p.w, "reextract: %d/%d pages, %d updated, %d split, %d failed\n", l.Done, l.Total, l.Updated, l.Split, l.Failed)
	}
}

func (p *progress) done() {
	if p.tty {
		fmt.Fprintln(p.w)
	}
}
