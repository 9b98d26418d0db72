package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/feedsift/feedsift/internal/httpapi"
	"github.com/feedsift/feedsift/internal/story"
	"github.com/feedsift/feedsift/sink"
)

func runTail(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("tail", "tail [--json] [--all | --since D] [--dupes] [SUBJECT...]\n\n"+
		"SUBJECT is a NATS subject filter such as 'news.world.>' (default: every story). Like the\n"+
		"--topic of stories, 'news.world.>' also takes the topic world itself, not only those below it.", stderr)
	tf := addTargetFlags(fs)
	asJSON := fs.Bool("json", false, "print each message's JSON payload")
	all := fs.Bool("all", false, "start from the first message kept in the stream")
	since := fs.String("since", "", "start from this time (RFC 3339, 2006-01-02, or a duration back such as 1h)")
	dupes := fs.Bool("dupes", false, "also print the duplicates merged into stories of the chosen subjects")
	subjects, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	t, err := tf.resolve()
	if err != nil {
		return err
	}
	if len(subjects) == 0 {
		subjects = []string{t.cfg.NATS.SubjectPrefix + ".>"}
	}
	if *dupes {
		subjects = withDupes(subjects, t.cfg.NATS.SubjectPrefix, t.cfg.NATS.DupesPrefix)
	}
	subjects = withParents(subjects, t.cfg.NATS.SubjectPrefix, t.cfg.NATS.DupesPrefix)
	cc := jetstream.OrderedConsumerConfig{FilterSubjects: subjects, DeliverPolicy: jetstream.DeliverNewPolicy}
	switch {
	case *all && *since != "":
		return fmt.Errorf("%w: --all and --since exclude each other", ErrUsage)
	case *all:
		cc.DeliverPolicy = jetstream.DeliverAllPolicy
	case *since != "":
		start, err := httpapi.ParseSince(*since, time.Now())
		if err != nil {
			return fmt.Errorf("%w: --since: %w", ErrUsage, err)
		}
		cc.DeliverPolicy = jetstream.DeliverByStartTimePolicy
		cc.OptStartTime = &start
	}

	n := t.cfg.NATS
	// sink.Connect retries an unreachable server until its ctx ends; a
	// command someone typed should say so instead of hanging.
	connCtx, cancel := context.WithTimeout(ctx, tailConnectTimeout)
	nc, err := sink.Connect(connCtx, sink.ConnOptions{
		URL: t.natsURL, Name: "feedsift-tail", User: n.User, Password: n.Password, Token: n.Token,
		NKeySeedFile: n.NKeyFile, CredsFile: n.CredsFile, TLSCA: n.TLSCA, TLSCert: n.TLSCert, TLSKey: n.TLSKey,
	})
	cancel()
	if err != nil {
		if ctx.Err() != nil {
			return nil // interrupted while connecting
		}
		return fmt.Errorf("tail: no NATS server answers at %s within %s (is the daemon running? pass --server or --data): %w",
			t.natsURL, tailConnectTimeout, err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return fmt.Errorf("tail: %w", err)
	}
	cons, err := js.OrderedConsumer(ctx, n.Stream, cc)
	if err != nil {
		return fmt.Errorf("tail: stream %s at %s, subjects %s: %w", n.Stream, t.natsURL, strings.Join(subjects, " "), err)
	}
	fmt.Fprintf(stderr, "tailing %s on %s (Ctrl-C to stop)\n", strings.Join(subjects, " "), t.natsURL)
	for {
		msg, err := cons.Next(jetstream.FetchContext(ctx))
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			if errors.Is(err, jetstream.ErrNoMessages) || errors.Is(err, context.DeadlineExceeded) {
				continue
			}
			return fmt.Errorf("tail: %w", err)
		}
		if err := printMessage(stdout, msg.Subject(), msg.Data(), *asJSON, n.DupesPrefix); err != nil {
			return err
		}
	}
}

// tailConnectTimeout bounds how long tail tries to reach the server.
const tailConnectTimeout = 10 * time.Second

// withDupes adds, for each story subject filter, the filter of the
// duplicates merged into those stories: "news.world.>" adds
// "feedsift.dupes.world.>", "news.>" adds "feedsift.dupes.>". Filters
// outside the story subject space are kept as they are and add nothing.
func withDupes(subjects []string, storyPrefix, dupesPrefix string) []string {
	out := slices.Clone(subjects)
	for _, s := range subjects {
		rest, ok := strings.CutPrefix(s, storyPrefix+".")
		if !ok {
			continue // ">" already holds the duplicates; other filters have none
		}
		if d := dupesPrefix + "." + rest; !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	return out
}

// withParents adds, for each filter "<prefix>.<topic>.>" under one of the
// prefixes, the topic's own subject "<prefix>.<topic>": in NATS "news.world.>"
// leaves out "news.world", but someone tailing world news wants the
// stories on "world" too.
func withParents(subjects []string, prefixes ...string) []string {
	out := slices.Clone(subjects)
	for _, s := range subjects {
		for _, p := range prefixes {
			rest, ok := strings.CutPrefix(s, p+".")
			if !ok || !strings.HasSuffix(rest, ".>") {
				continue
			}
			if parent := strings.TrimSuffix(s, ".>"); !slices.Contains(out, parent) {
				out = append(out, parent)
			}
		}
	}
	return out
}

// printMessage prints one stream message as a line, or its payload.
func printMessage(w io.Writer, subject string, data []byte, asJSON bool, dupesPrefix string) error {
	if asJSON {
		_, err := fmt.Fprintf(w, "%s\n", data)
		return err
	}
	if strings.HasPrefix(subject, dupesPrefix+".") {
		var d story.Duplicate
		if err := json.Unmarshal(data, &d); err != nil {
			_, err := fmt.Fprintf(w, "%s  (undecodable duplicate: %v)\n", subject, err)
			return err
		}
		_, err := fmt.Fprintf(w, "%s  %-24s  merged into %s  %s %.2f  %s\n",
			d.Seen.UTC().Format(time.RFC3339), subject, short(d.StoryID), d.Method, d.Similarity, d.URL)
		return err
	}
	var s story.Story
	if err := json.Unmarshal(data, &s); err != nil {
		_, err := fmt.Fprintf(w, "%s  (undecodable story: %v)\n", subject, err)
		return err
	}
	_, err := fmt.Fprintf(w, "%s  %-24s  %s  %s  (%s) %s\n", when(s), subject, short(s.ID), s.Title, s.FeedID, s.URL)
	return err
}
