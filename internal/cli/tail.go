package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/feedsift/feedsift/internal/daemon"
	"github.com/feedsift/feedsift/internal/httpapi"
	"github.com/feedsift/feedsift/internal/story"
	"github.com/feedsift/feedsift/sink"
)

func runTail(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("tail", "tail [--json] [--all | --since D] [--dupes] [SUBJECT...]\n\n"+
		"SUBJECT is a NATS subject filter such as 'news.world.>' (default: every story). Like the\n"+
		"--topic of stories, 'news.world.>' also takes the topic world itself, not only those below it.\n"+
		"A filter that no subject of the stream can match is refused.\n\n"+
		"Each line is the time (UTC), the subject, the short ID of the story, then the story's title,\n"+
		"feed and URL; for a copy its method, similarity, title, feed and URL; for a person's split or\n"+
		"merge the stories it changed and who asked for it.\n\n"+
		"tail follows until interrupted. When the connection is lost (the daemon restarts) it says so on\n"+
		"stderr, finds the daemon again (reading nats.url in the data directory anew, as an embedded\n"+
		"server may come back on another port) and goes on after the last message it printed.", stderr)
	tf := addTargetFlags(fs)
	asJSON := fs.Bool("json", false, "print each message's JSON payload")
	all := fs.Bool("all", false, "start from the first message kept in the stream")
	since := fs.String("since", "", "start from this time (RFC 3339, 2006-01-02, or a duration back such as 1h)")
	dupes := fs.Bool("dupes", false, "also print the copies merged into stories of the chosen subjects, and people's splits and merges of them")
	filters, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	for _, f := range filters {
		if err := checkFilter(f); err != nil {
			return fmt.Errorf("%w: tail: %w", ErrUsage, err)
		}
	}
	t, err := tf.resolve()
	if err != nil {
		return err
	}
	n := t.cfg.NATS
	overridesPrefix := sink.OverridesPrefix(n.DupesPrefix)
	subjects := filters
	if len(subjects) == 0 {
		subjects = []string{n.SubjectPrefix + ".>"}
	}
	if *dupes {
		subjects = withDupes(subjects, n.SubjectPrefix, n.DupesPrefix, overridesPrefix)
	}
	subjects = withParents(subjects, n.SubjectPrefix, n.DupesPrefix, overridesPrefix)
	tl := &tailer{
		t: t, filters: filters, subjects: subjects, asJSON: *asJSON,
		format: tailFormat{stories: n.SubjectPrefix, dupes: n.DupesPrefix, overrides: overridesPrefix},
		stdout: stdout, stderr: stderr, newOnly: true,
	}
	switch {
	case *all && *since != "":
		return fmt.Errorf("%w: --all and --since exclude each other", ErrUsage)
	case *all:
		tl.newOnly = false
	case *since != "":
		start, err := httpapi.ParseSince(*since, time.Now())
		if err != nil {
			return fmt.Errorf("%w: --since: %w", ErrUsage, err)
		}
		tl.newOnly, tl.since = false, start
	}
	return tl.run(ctx)
}

// tailConnectTimeout bounds how long tail tries to reach the server when
// it starts: a command someone typed should say that nothing answers
// instead of hanging. Once tail has followed the stream, it tries to
// reconnect until it is interrupted.
const tailConnectTimeout = 10 * time.Second

// tailRetryMax bounds the wait between two reconnection attempts, and so
// how long after a restarted daemon is ready tail is back.
const tailRetryMax = 2 * time.Second

// tailer follows the stream across connections. next is the stream
// sequence to resume from: after the last message printed, so a new
// connection neither repeats nor skips a line.
type tailer struct {
	t                 target
	filters, subjects []string
	asJSON            bool
	format            tailFormat
	stdout, stderr    io.Writer

	newOnly bool      // start after the stream's last message (the default)
	since   time.Time // or from this time (--since); neither: from the first (--all)
	next    uint64    // 0 until the start is known as a sequence
}

// session is one connection and the iterator of its ordered consumer.
type session struct {
	url  string
	nc   *nats.Conn
	it   jetstream.MessagesContext
	lost chan error // the connection was lost or closed
}

func (s *session) close() {
	s.nc.Close()
	// Stop can wait on a consumer reset in progress; nothing here needs
	// to wait for it.
	go s.it.Stop()
}

func (tl *tailer) run(ctx context.Context) error {
	url, _ := tl.t.currentNATSURL()
	s, err := tl.open(ctx, url, tailConnectTimeout)
	if err != nil {
		if ctx.Err() != nil {
			return nil // interrupted while connecting
		}
		return err
	}
	fmt.Fprintf(tl.stderr, "tailing %s on %s (Ctrl-C to stop)\n", strings.Join(tl.subjects, " "), s.url)
	for {
		err := tl.follow(ctx, s)
		s.close()
		if ctx.Err() != nil {
			return nil
		}
		var pe printError
		if errors.As(err, &pe) {
			return pe.err
		}
		fmt.Fprintf(tl.stderr, "tail: connection to %s lost (%v), reconnecting...\n", s.url, err)
		if s, err = tl.reconnect(ctx); err != nil {
			return nil // interrupted
		}
		if tl.next > 0 {
			fmt.Fprintf(tl.stderr, "tail: reconnected to %s, going on from stream sequence %d\n", s.url, tl.next)
		} else {
			fmt.Fprintf(tl.stderr, "tail: reconnected to %s\n", s.url)
		}
	}
}

// printError is a failure to write a line: it ends tail (a closed pipe).
type printError struct{ err error }

func (e printError) Error() string { return e.err.Error() }

// follow prints the messages of s until ctx ends (nil) or the connection
// is lost (the reason). Next runs in a goroutine of its own: after a lost
// connection it can wait in the consumer's reset, and tail does not wait
// for it. A message that goroutine read but follow did not print is
// delivered again on the next connection.
func (tl *tailer) follow(ctx context.Context, s *session) error {
	type next struct {
		msg jetstream.Msg
		err error
	}
	msgs := make(chan next)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for {
			msg, err := s.it.Next()
			select {
			case msgs <- next{msg, err}:
			case <-stop:
				return
			}
			if err != nil {
				return
			}
		}
	}()
	for {
		select {
		case <-ctx.Done():
			return nil
		case err := <-s.lost:
			return err
		case n := <-msgs:
			if n.err != nil {
				return n.err
			}
			meta, err := n.msg.Metadata()
			if err != nil {
				return err
			}
			if err := tl.print(n.msg.Subject(), n.msg.Data(), meta.Timestamp); err != nil {
				return printError{fmt.Errorf("tail: %w", err)}
			}
			tl.next = meta.Sequence.Stream + 1
		}
	}
}

func (tl *tailer) print(subject string, data []byte, at time.Time) error {
	var err error
	if tl.asJSON {
		_, err = fmt.Fprintf(tl.stdout, "%s\n", data)
	} else {
		_, err = io.WriteString(tl.stdout, tl.format.line(subject, data, at)+"\n")
	}
	return err
}

// reconnect opens a new session until one succeeds or ctx ends. It reads
// the target's URL again at every attempt (see target.currentNATSURL),
// waits while the data directory has none (the daemon is down), and says
// at most once a minute why it is still trying.
func (tl *tailer) reconnect(ctx context.Context) (*session, error) {
	noted := time.Now()
	for attempt := 1; ; attempt++ {
		// An address from the data directory may change at any moment:
		// dial it briefly, then read the file again; a slow server gets
		// longer at each attempt.
		timeout := min(time.Duration(attempt)*time.Second, tailConnectTimeout)
		if tl.t.natsFixed {
			timeout = tailConnectTimeout
		}
		url, known := tl.t.currentNATSURL()
		err := fmt.Errorf("no daemon address in %s", filepath.Join(tl.t.dataDir, daemon.NATSURLFile))
		if known {
			var s *session
			if s, err = tl.open(ctx, url, timeout); err == nil {
				return s, nil
			}
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if time.Since(noted) >= time.Minute {
			fmt.Fprintf(tl.stderr, "tail: still reconnecting: %v\n", err)
			noted = time.Now()
		}
		wait := min(100*time.Millisecond<<min(attempt, 5), tailRetryMax)
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil, ctx.Err()
		case <-timer.C:
		}
	}
}

// open connects to url, trying for at most timeout, checks the filters
// against the stream's subjects and starts an ordered consumer at tl's
// position.
func (tl *tailer) open(ctx context.Context, url string, timeout time.Duration) (*session, error) {
	n := tl.t.cfg.NATS
	connCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	// sink.Connect retries an unreachable server until its ctx ends.
	nc, err := sink.Connect(connCtx, sink.ConnOptions{
		URL: url, Name: "feedsift-tail", User: n.User, Password: n.Password, Token: n.Token,
		NKeySeedFile: n.NKeyFile, CredsFile: n.CredsFile, TLSCA: n.TLSCA, TLSCert: n.TLSCert, TLSKey: n.TLSKey,
	})
	if err != nil {
		return nil, fmt.Errorf("tail: no NATS server answers at %s within %s (is the daemon running? pass --server or --data): %w",
			url, timeout, err)
	}
	s := &session{url: url, nc: nc, lost: make(chan error, 1)}
	// tail makes its own new connection, to the address the target gives
	// now, rather than let this one dial the old address forever.
	lost := func(err error) {
		if err == nil {
			err = nats.ErrConnectionClosed
		}
		select {
		case s.lost <- err:
		default:
		}
	}
	nc.SetDisconnectErrHandler(func(_ *nats.Conn, err error) { lost(err) })
	nc.SetClosedHandler(func(*nats.Conn) { lost(nil) })
	if !nc.IsConnected() {
		lost(nats.ErrDisconnected)
	}
	if err := tl.consume(ctx, s); err != nil {
		nc.Close()
		return nil, err
	}
	return s, nil
}

func (tl *tailer) consume(ctx context.Context, s *session) error {
	name := tl.t.cfg.NATS.Stream
	js, err := jetstream.New(s.nc)
	if err != nil {
		return fmt.Errorf("tail: %w", err)
	}
	st, err := js.Stream(ctx, name)
	if err != nil {
		return fmt.Errorf("tail: stream %s at %s: %w", name, s.url, err)
	}
	info := st.CachedInfo()
	if err := checkInStream(tl.filters, name, info.Config.Subjects, tl.format.stories); err != nil {
		return err
	}
	if tl.newOnly && tl.next == 0 {
		tl.next = info.State.LastSeq + 1
	}
	cc := jetstream.OrderedConsumerConfig{FilterSubjects: tl.subjects, DeliverPolicy: jetstream.DeliverAllPolicy}
	switch {
	case tl.next > 0:
		cc.DeliverPolicy, cc.OptStartSeq = jetstream.DeliverByStartSequencePolicy, tl.next
	case !tl.since.IsZero():
		cc.DeliverPolicy, cc.OptStartTime = jetstream.DeliverByStartTimePolicy, &tl.since
	}
	cons, err := js.OrderedConsumer(ctx, name, cc)
	if err != nil {
		return fmt.Errorf("tail: stream %s at %s, subjects %s: %w", name, s.url, strings.Join(tl.subjects, " "), err)
	}
	if s.it, err = cons.Messages(); err != nil {
		return fmt.Errorf("tail: stream %s at %s: %w", name, s.url, err)
	}
	return nil
}

// checkFilter reports whether f is a valid subject filter: dot-separated
// non-empty tokens without white space, "*" and ">" only as whole tokens,
// ">" only last.
func checkFilter(f string) error {
	tokens := strings.Split(f, ".")
	for i, tok := range tokens {
		switch {
		case tok == "":
			return fmt.Errorf("subject %q: empty token", f)
		case strings.ContainsFunc(tok, unicode.IsSpace):
			return fmt.Errorf("subject %q: white space", f)
		case tok == ">" && i != len(tokens)-1:
			return fmt.Errorf("subject %q: \">\" must be the last token", f)
		case tok != ">" && tok != "*" && strings.ContainsAny(tok, "*>"):
			return fmt.Errorf("subject %q: wildcards must be whole tokens", f)
		}
	}
	return nil
}

// checkInStream returns a usage error when a filter can match no subject
// of the stream: such a tail would wait forever and print nothing.
func checkInStream(filters []string, stream string, streamSubjects []string, storyPrefix string) error {
	var outside []string
	for _, f := range filters {
		if !slices.ContainsFunc(streamSubjects, func(s string) bool { return subjectsMeet(f, s) }) {
			outside = append(outside, "'"+f+"'")
		}
	}
	if len(outside) == 0 {
		return nil
	}
	return fmt.Errorf("%w: tail: %s matches no subject of stream %s, which holds %s (stories are on %s.<topic>, for example '%s.world.>')",
		ErrUsage, strings.Join(outside, ", "), stream, strings.Join(streamSubjects, ", "), storyPrefix, storyPrefix)
}

// subjectsMeet reports whether some subject matches both filters a and b.
func subjectsMeet(a, b string) bool {
	at, bt := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; ; i++ {
		switch {
		case i == len(at) || i == len(bt):
			return len(at) == len(bt)
		case at[i] == ">" || bt[i] == ">":
			return true // both have a token left here: ">" takes it and the rest
		case at[i] != bt[i] && at[i] != "*" && bt[i] != "*":
			return false
		}
	}
}

// withDupes adds, for each story subject filter, the filters of the
// duplicates merged into those stories and of the overrides (splits and
// merges) people made on them: "news.world.>" adds
// "feedsift.dupes.world.>" and "feedsift.overrides.world.>". Filters
// outside the story subject space are kept as they are and add nothing.
func withDupes(subjects []string, storyPrefix string, prefixes ...string) []string {
	out := slices.Clone(subjects)
	for _, s := range subjects {
		rest, ok := strings.CutPrefix(s, storyPrefix+".")
		if !ok {
			continue // ">" already holds the duplicates; other filters have none
		}
		for _, p := range prefixes {
			if d := p + "." + rest; !slices.Contains(out, d) {
				out = append(out, d)
			}
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

// tailFormat turns stream messages into tail's lines. Every line has the
// same columns: a time (UTC, tailTimeLayout), the subject padded to
// tailSubjectWidth, the short ID of the story the message is about (or
// "-"), then what happened, which depends on the subject's prefix.
type tailFormat struct{ stories, dupes, overrides string }

const (
	tailTimeLayout   = "2006-01-02 15:04"
	tailSubjectWidth = 28
	tailIDWidth      = 12
)

// line formats one message. at is the message's time in the stream; it
// stands in for a payload without a time of its own.
func (f tailFormat) line(subject string, data []byte, at time.Time) string {
	row := func(t time.Time, id, what string) string {
		if t.IsZero() {
			t = at
		}
		ts := strings.Repeat("-", len(tailTimeLayout))
		if !t.IsZero() {
			ts = t.UTC().Format(tailTimeLayout)
		}
		if id == "" {
			id = "-"
		}
		return strings.TrimRight(fmt.Sprintf("%s  %-*s  %-*s  %s", ts, tailSubjectWidth, subject, tailIDWidth, short(id), what), " ")
	}
	undecodable := func(kind string, err error) string {
		return row(time.Time{}, "", fmt.Sprintf("undecodable %s (%d bytes): %v", kind, len(data), err))
	}
	switch {
	case strings.HasPrefix(subject, f.stories+"."):
		var s story.Story
		if err := decodeKind(data, &s, func() string { return missing("id", s.ID, "url", s.URL) }); err != nil {
			return undecodable("story", err)
		}
		t := s.Published
		if t.IsZero() {
			t = s.Fetched
		}
		var tags []string
		if s.Revision > 0 {
			tags = append(tags, fmt.Sprintf("[update %d]", s.Revision))
			if !s.Updated.IsZero() {
				t = s.Updated
			}
		}
		if s.SplitFrom != "" {
			tags = append(tags, "[split from "+short(s.SplitFrom)+"]")
		}
		if len(s.Merged) > 0 {
			ids := make([]string, len(s.Merged))
			for i, id := range s.Merged {
				ids[i] = short(id)
			}
			tags = append(tags, "[merged "+strings.Join(ids, ", ")+" into it]")
		}
		if s.MergedInto != "" {
			tags = append(tags, "[merged into "+short(s.MergedInto)+"]")
		}
		what := fmt.Sprintf("%s  (%s) %s", clean(s.Title), clean(s.FeedID), clean(s.URL))
		if len(tags) > 0 {
			what += "  " + strings.Join(tags, " ")
		}
		return row(t, s.ID, what)
	case strings.HasPrefix(subject, f.dupes+"."):
		var d story.Duplicate
		if err := decodeKind(data, &d, func() string { return missing("story", d.StoryID, "url", d.URL) }); err != nil {
			return undecodable("duplicate", err)
		}
		return row(d.Seen, d.StoryID, fmt.Sprintf("copy (%s %.2f): %s  (%s) %s",
			clean(d.Method), d.Similarity, clean(d.Title), clean(d.FeedID), clean(d.URL)))
	case strings.HasPrefix(subject, f.overrides+"."):
		var o story.Override
		if err := decodeKind(data, &o, func() string { return missing("story", o.Story, "op", o.Op) }); err != nil {
			return undecodable("override", err)
		}
		var what string
		switch o.Op {
		case story.OpSplit:
			what = fmt.Sprintf("split: copy %s of %s became story %s", short(o.Member), short(o.Story), short(o.NewStory))
		case story.OpMerge:
			what = fmt.Sprintf("merge: story %s merged into %s", short(o.Other), short(o.Story))
		case story.OpKeep:
			what = fmt.Sprintf("keep: copy %s is now the version of %s people get", short(o.Member), short(o.Story))
		default:
			what = fmt.Sprintf("override %q on %s", clean(o.Op), short(o.Story))
		}
		if o.By != "" {
			what += "  by " + clean(o.By)
		}
		return row(o.At, o.Story, what)
	}
	preview := clean(string(data))
	if r := []rune(preview); len(r) > 60 {
		preview = string(r[:60]) + "..."
	}
	return row(time.Time{}, "", fmt.Sprintf("unknown subject (%d bytes): %s", len(data), preview))
}

// decodeKind decodes a JSON payload into v and then asks lacking which
// field the payload misses: a payload of another kind decodes without an
// error but lacks the fields every payload of this kind has.
func decodeKind(data []byte, v any, lacking func() string) error {
	if err := json.Unmarshal(data, v); err != nil {
		return err
	}
	if f := lacking(); f != "" {
		return fmt.Errorf("no %q field", f)
	}
	return nil
}

// missing takes pairs of a JSON field name and its value and returns the
// name of the first whose value is empty, or "".
func missing(fieldValues ...string) string {
	for i := 0; i+1 < len(fieldValues); i += 2 {
		if fieldValues[i+1] == "" {
			return fieldValues[i]
		}
	}
	return ""
}

// clean makes s fit on one line: control characters, line breaks
// included, become spaces.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
}
