package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/feedsift/feedsift/internal/httpapi"
	"github.com/feedsift/feedsift/internal/ledger"
)

// runOverride is "dupes split STORY MEMBER", "dupes merge A B" and "dupes
// keep STORY MEMBER". They go through the running daemon's HTTP API, which calls the same code as the
// report page's buttons; the daemon publishes the override on NATS and
// honours it from then on.
func runOverride(ctx context.Context, args []string, stdout, stderr io.Writer, op string) error {
	synopsis := "dupes split STORY MEMBER [--json]\n\nSTORY is a story id (or its first 6+ characters); MEMBER is a member's URL\nor member key, as feedsift dupes lists them."
	switch op {
	case "merge":
		synopsis = "dupes merge A B [--json]\n\nStory B and its copies join story A (ids or their first 6+ characters)."
	case "keep":
		synopsis = "dupes keep STORY MEMBER [--json]\n\nMEMBER, a copy of STORY (its URL or member key, as feedsift dupes lists\nthem), becomes the version of STORY people get."
	}
	fs := newFlagSet("dupes "+op, synopsis, stderr)
	tf := addTargetFlags(fs)
	asJSON := fs.Bool("json", false, "print the result as JSON")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		fs.Usage()
		return fmt.Errorf("%w: dupes %s takes 2 arguments, got %d", ErrUsage, op, len(pos))
	}
	t, err := tf.resolve()
	if err != nil {
		return err
	}
	if t.httpAddr == "" {
		return fmt.Errorf("dupes %s needs the running daemon (it publishes the override on NATS): no address in the data directory %s; pass --addr", op, t.dataDir)
	}
	who := firstNonEmpty(os.Getenv("USER"), os.Getenv("LOGNAME"))
	if who != "" {
		who = "cli " + who
	} else {
		who = "cli"
	}
	var body any = httpapi.SplitRequest{Story: pos[0], Member: pos[1], By: who}
	switch op {
	case "merge":
		body = httpapi.MergeRequest{A: pos[0], B: pos[1], By: who}
	case "keep":
		body = httpapi.KeepRequest{Story: pos[0], Member: pos[1], By: who}
	}
	var res ledger.OverrideResult
	if err := t.post(ctx, "/api/dupes/"+op, body, &res); err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(stdout, res)
	}
	return writeOverride(stdout, res)
}

// writeOverride prints what a split or merge did.
func writeOverride(w io.Writer, res ledger.OverrideResult) error {
	var b strings.Builder
	o := res.Override
	switch o.Op {
	case "split":
		fmt.Fprintf(&b, "split member %s out of story %s: it is now story %s\n", short(o.Member), short(o.Story), o.NewStory)
	case "keep":
		fmt.Fprintf(&b, "member %s is now the version of story %s people get\n", short(o.Member), short(o.Story))
	default:
		fmt.Fprintf(&b, "merged story %s into story %s\n", short(o.Other), short(o.Story))
	}
	for _, s := range res.Stories {
		fmt.Fprintf(&b, "  announced: %s  %s  %q\n", short(s.ID), s.Topic, s.Title)
	}
	state := "applied by the store"
	if !res.Stored {
		state = "published; the store has not applied it yet"
	}
	fmt.Fprintf(&b, "override %s (stream seq %d) %s\n", o.ID, res.Seq, state)
	_, err := io.WriteString(w, b.String())
	return err
}
