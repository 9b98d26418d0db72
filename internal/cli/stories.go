package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/feedsift/feedsift/internal/httpapi"
	"github.com/feedsift/feedsift/internal/story"
	"github.com/feedsift/feedsift/sink"
)

// listFlags are the filter flags of stories and dupes.
type listFlags struct {
	topic, since *string
	limit        *int
	json         *bool
}

func addListFlags(fs interface {
	String(name, value, usage string) *string
	Int(name string, value int, usage string) *int
	Bool(name string, value bool, usage string) *bool
}) listFlags {
	return listFlags{
		topic: fs.String("topic", "", "only this topic and the topics below it (\"world\" includes \"world.europe\")"),
		since: fs.String("since", "", "only stories published since this time (the article's own date; its fetch time when it has none): RFC 3339, a date (2006-01-02) or a duration back (24h)"),
		limit: fs.Int("limit", 50, "at most this many stories (0: all)"),
		json:  fs.Bool("json", false, "print JSON instead of a table"),
	}
}

func (lf listFlags) filter() (sink.StoryFilter, url.Values, error) {
	f := sink.StoryFilter{Topic: *lf.topic, Limit: *lf.limit}
	q := url.Values{}
	if f.Topic != "" {
		if err := story.ValidateTopic(f.Topic); err != nil {
			return f, nil, fmt.Errorf("%w: --topic: %w", ErrUsage, err)
		}
		q.Set("topic", f.Topic)
	}
	if f.Limit < 0 {
		return f, nil, fmt.Errorf("%w: --limit %d is negative", ErrUsage, f.Limit)
	}
	if *lf.since != "" {
		t, err := httpapi.ParseSince(*lf.since, time.Now())
		if err != nil {
			return f, nil, fmt.Errorf("%w: --since: %w", ErrUsage, err)
		}
		f.Since = t
		q.Set("since", t.Format(time.RFC3339))
	}
	q.Set("limit", strconv.Itoa(f.Limit))
	return f, q, nil
}

func runStories(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return runList(ctx, args, stdout, stderr, "stories", "/api/stories", (*sink.Store).Stories, writeStories)
}

func runDupes(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "split":
			return runOverride(ctx, args[1:], stdout, stderr, "split")
		case "merge", "keep":
			return runOverride(ctx, args[1:], stdout, stderr, args[0])
		}
	}
	return runList(ctx, args, stdout, stderr, "dupes", "/api/dupes", (*sink.Store).Report, writeReport)
}

// runList is the body of stories and dupes: parse the filter flags, read
// from the daemon's API at apiPath (or the store directly with read), and
// print as JSON or with write.
func runList[T any](ctx context.Context, args []string, stdout, stderr io.Writer, name, apiPath string,
	read func(*sink.Store, sink.StoryFilter) (T, error), write func(io.Writer, T) error,
) error {
	fs := newFlagSet(name, name+" [--topic T] [--since D] [--limit N] [--json]", stderr)
	tf := addTargetFlags(fs)
	lf := addListFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	t, err := tf.resolve()
	if err != nil {
		return err
	}
	f, q, err := lf.filter()
	if err != nil {
		return err
	}
	var result T
	err = t.query(ctx, apiPath, q, &result, func(s *sink.Store) error {
		var err error
		result, err = read(s, f)
		return err
	})
	if err != nil {
		return err
	}
	if *lf.json {
		return writeJSON(stdout, result)
	}
	return write(stdout, result)
}

func writeStories(w io.Writer, list []story.Story) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PUBLISHED\tTOPICS\tID\tFEED\tTITLE")
	for _, s := range list {
		// Its own topic first, then those its copies came through.
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", when(s), strings.Join(s.AllTopics(), ","), short(s.ID), s.FeedID, s.Title)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "%d stories\n", len(list))
	return err
}

// writeReport prints each story with the copies merged into it.
func writeReport(w io.Writer, report []sink.ReportEntry) error {
	var b strings.Builder
	members := 0
	for _, e := range report {
		s := e.Story
		fmt.Fprintf(&b, "%s  %s  %q\n    kept: %s  %s\n", short(s.ID), strings.Join(s.AllTopics(), ","), s.Title, s.FeedID, s.URL)
		for _, m := range e.Members {
			members++
			fmt.Fprintf(&b, "    merged: %s  %s\n            %s %.2f: %s\n", m.FeedID, m.URL, m.Method, m.Similarity, m.Reason)
		}
		for _, r := range s.Related {
			fmt.Fprintf(&b, "    related (not merged): %s  similarity %.2f\n", short(r.StoryID), r.Similarity)
		}
	}
	fmt.Fprintf(&b, "%d stories with %d merged copies\n", len(report), members)
	_, err := io.WriteString(w, b.String())
	return err
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func when(s story.Story) string {
	t := s.Published
	if t.IsZero() {
		t = s.Fetched
	}
	return t.UTC().Format("2006-01-02 15:04")
}

func short(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}
