package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// manual is the long help of a command: what "feedsift CMD -h" prints
// besides the synopsis and flags. Keyed by the name given to newFlagSet.
type manual struct {
	summary     string // one line; the command list's summary when empty
	description string
	examples    []string
	subFlags    bool // list every subcommand's flags under SUBCOMMANDS
}

var manuals = map[string]manual{
	"run": {
		description: `Runs the daemon: polls every feed of the config file at its interval,
fetches new articles, strips the boilerplate, collapses near-copies into
one story and publishes each story once on NATS (<subject_prefix>.<topic>);
duplicates are announced on <dupes_prefix>.<topic>. The local store (bbolt,
under data_dir) consumes the stream. With no [nats] url an in-process
nats-server with JetStream runs under data_dir; with a url feedsift joins
that cluster. SIGINT or SIGTERM stops it in order; SIGHUP reads the
config file's feeds again (see feedsift feeds). The HTTP listener
([http] listen) serves /healthz, /readyz, /metrics and the read API.`,
		examples: []string{
			"feedsift run --config /etc/feedsift/feedsift.toml",
			"FEEDSIFT_NATS_URL=nats://nats-1:4222 feedsift run --config feedsift.toml",
		},
	},
	"demo": {examples: []string{"feedsift demo --once", "feedsift demo --data ./demo-data -v"}},
	"tail": {examples: []string{
		"feedsift tail                      # every new story",
		"feedsift tail 'news.world.>' --dupes --since 1h",
		"feedsift tail --json --all | jq .title",
	}},
	"stories": {
		description: `Lists stories, newest first, from the running daemon's HTTP API, or
from the store file directly when the daemon is not running.

--since and the order go by the time the article was published, as its
feed or page says (the time it was fetched when it gives none), not by
when feedsift first saw it: an article published last week and picked up
today is not in --since 24h. The PUBLISHED column shows that time, in UTC.
To see what arrived in the last day whatever its date, use the stream's
time: feedsift tail --since 24h.`,
		examples: []string{"feedsift stories --topic world --since 24h", "feedsift stories --since 2026-03-01 --limit 0", "feedsift stories --json --limit 10"},
	},
	"dupes": {
		description: `The dedupe report: each story that absorbed copies, with every member's
feed, URL, time, similarity and the reason it was merged.

--since goes by the story's published time (its fetch time when the feed
gives none), as in feedsift stories. A wrong decision is undone with
"dupes split" (a copy becomes its own story) or "dupes merge" (two stories
become one), and the wrong version kept with "dupes keep" (a copy becomes
the version people get), through the running daemon.`,
		examples: []string{"feedsift dupes --since 1h", "feedsift dupes --json | jq '.[0].members'", "feedsift dupes split 9f3a0c https://ledger.example/ferry-deal"},
	},
	"dupes split": {
		summary: "make a copy wrongly merged into a story a story of its own",
		description: `Asks the running daemon to take MEMBER out of STORY. The member becomes
a story of its own, announced on NATS like any new story, and the split
is published as an override record on the stream, so that the store, every
other subscriber and the daemon's later dedupe decisions honour it: the
member is not merged into STORY again. The report page's split button
does the same. Needs the running daemon (found in the data directory, or
--addr); with http.token set, the token comes from
$FEEDSIFT_HTTP_TOKEN or the config file.`,
		examples: []string{
			"feedsift dupes split 9f3a0c https://ledger.example/ferry-deal",
			"feedsift dupes split 9f3a0c1e5b7d https://ledger.example/ferry-deal --json",
		},
	},
	"dupes merge": {
		summary: "make two stories that are one event one story",
		description: `Asks the running daemon to merge story B, with its copies, into story A.
A stays the story and B's members become its copies; the merge is
published on NATS as an override record, announced with story A's
update, and honoured by the store, other subscribers and later dedupe
decisions. The report page's merge form does the same. Needs the running
daemon (found in the data directory, or --addr).`,
		examples: []string{
			"feedsift dupes merge 9f3a0c 885abe",
			"feedsift dupes merge 9f3a0c1e5b7d 885abe180df4 --json",
		},
	},
	"dupes keep": {
		summary: "make a copy the version of its story that people get",
		description: `Asks the running daemon to make MEMBER the version of STORY that people
get: the story keeps its id and takes the member's address, feed, topic,
title and text, and is announced again on NATS as an update; the version
kept until then becomes a copy of it. The choice is published as an
override record on the stream, so the store and other subscribers apply
it, and no automatic choice (preferred sources, publication dates)
replaces it later. The report page's "keep this version" button does the
same. Needs the running daemon (found in the data directory, or --addr).`,
		examples: []string{
			"feedsift dupes keep 9f3a0c https://ledger.example/ferry-deal",
			"feedsift dupes keep 9f3a0c1e5b7d 3c5e77a0 --json",
		},
	},
	"extract": {
		description: `Prints the main text of saved web pages, with the daemon's extractor:
charset detection, boilerplate and junk lines removed, text repaired. A
batch of thousands of pages runs in one process with --format jsonl.
With --url and no FILE, the page is fetched with the daemon's fetcher
(same address guards, size limit and redirects). --selector and
--exclude preview a feed's selector and exclude options: the elements
matching --exclude are removed, then those matching --selector are the
main text; a selector that matches nothing falls back to automatic
extraction, with a warning. json and jsonl also give the page type,
the extraction confidence (0..1, below 0.5 is doubtful) and the block.`,
		examples: []string{
			"feedsift extract page.html",
			"curl -s https://example.com/a | feedsift extract --url https://example.com/a -",
			"feedsift extract --format jsonl pages/*.html.gz > texts.jsonl",
			"feedsift extract --url https://example.com/a --selector 'main .story' --exclude '.share-bar'",
		},
	},
	"eval": {
		description: `Scores feedsift's own code on the labelled corpora shared with the
project, the same code the daemon runs: "eval extract" the extractor,
"eval dedupe" the deduplicator. Results go to stdout, progress and notes
to stderr. The corpora are read from $FEEDSIFT_SHARED/corpus, else
../shared/corpus (relative to the working directory: run from the
repository root), or from --corpus.`,
		examples: []string{
			"feedsift eval extract                      # all sets, with the comparison rows",
			"feedsift eval extract --set wcxb-dev --compare off",
			"feedsift eval extract --procs 4 --check    # exit 1 when a target is missed",
			"feedsift eval dedupe --out predictions.tsv",
			"FEEDSIFT_SHARED=/data/shared feedsift eval dedupe",
		},
		subFlags: true,
	},
	"eval extract": {
		summary: "score the extractor on the labelled extraction corpora",
		description: `Scores feedsift's extractor on the four sets of the extraction corpus:
wcxb-dev (articles) and wcxb-dev-other (forum, service, listing, product,
collection and documentation pages), token P/R/F1 per page with the share
of with snippets found and without snippets kept; traf-eval, segment
P/R/F1; readability, token P/R/F1 against the text of Readability.js's
expected output. Each set is also scored on its two halves, split by the
FNV-1a hash of each page's domain (even: tune, odd: check; readability
pages by directory name), and wcxb-dev-other by page type; "all types"
joins the two WCXB sets. Then, unless --compare off, the bench/ module's
comparison program scores go-trafilatura (with and without fallbacks) and
readeck go-readability on the same pages at the same GOMAXPROCS, with
feedsift again among them: the extractors take turns over runs of 16
pages, so that a load on the machine falls on all alike, and the speeds
compared are those turns'. The report gives pages with empty output,
pages/s (wall clock and per CPU second) with feedsift's ratio to each
peer, the run's wall
time, and a met or MISSED line for each target of issue 11; a target is
met only when each half meets it.`,
		examples: []string{
			"feedsift eval extract",
			"feedsift eval extract --set wcxb-dev,wcxb-dev-other --compare off",
			"feedsift eval extract --set readability",
			"feedsift eval extract --check",
		},
	},
	"eval dedupe": {
		summary: "score the deduplicator on the labelled dedupe stream",
		description: `Streams docs.jsonl in order through the daemon's dedupe engine with its
defaults and prints, for the tune half, the check half (the stream split by
original: the FNV-1a hash of the gold cluster id, even or odd) and the
whole: pairwise P/R/F1, ARI, recall per copy kind, the hard-negative pairs
merged per kind, other false-merge pairs and the update tier joined to its
origin; then docs/s and peak heap.

With --rewrap it then scores the re-wrapped stream, built from the stream's
originals with a fixed seed: copies under generated headers and footers
(short, or 40-120 words of dates, bylines, credit and agency notes and
partner links), with trimmed endings or re-split paragraphs, and briefs in
new templates shared by a few briefs (template pairs must not merge). It
prints the same table for it, how often each kind of copy joined its
original, and the missed pairs grouped by the index's refusal reasons,
with examples from the tune half. It estimates the risk on streams of
other sites; it is not such a stream.`,
		examples: []string{"feedsift eval dedupe", "feedsift eval dedupe --out predictions.tsv", "feedsift eval dedupe --rewrap --misses 3"},
	},
	"reextract": {
		description: `Asks the running daemon to run extraction again on the article pages it
kept (the last 72 hours, at most 10,000 pages), for example after an
upgrade changed the extraction rules, and then the dedupe decision. A
story whose text changed is published again as a story update; a copy
whose new text no longer matches its story is split out, as a person's
split would. Progress is a bar on a terminal, plain lines otherwise.`,
		examples: []string{"feedsift reextract --dry-run", "feedsift reextract --feed example-news --since 24h"},
	},
	"discover": {
		description: `Finds the feeds a site offers: the URL itself when it is a feed, else the
page's <link rel="alternate"> feeds, else feed-like links on the page, else
common feed paths (/feed, /rss.xml, /atom.xml, ...) at the site's root.
Candidates found by link or probe are fetched and kept only if they parse.
Loopback and private addresses are refused unless --allow-private.`,
		examples: []string{"feedsift discover https://example.com/", "feedsift discover --json example.com"},
	},
	"feeds": {
		description: `Manages the feeds the daemon polls. The config file's [[feed]] entries
stay its own: they are listed with origin "config" and changed only by
editing the file (then SIGHUP, or a restart). Feeds added with "feeds add"
or "feeds import" have origin "api" and are kept in the store. While the
daemon runs, the commands go through its HTTP API and the change applies
at once; otherwise they edit the store, and the next start picks it up.`,
		examples: []string{
			"feedsift feeds list",
			"feedsift feeds add https://example.com/feed.xml --topic world.europe --interval 30m",
			"feedsift feeds add --discover https://example.com/ --topic tech",
			"feedsift feeds import subscriptions.opml --topic misc",
			"feedsift feeds export feeds.opml",
		},
	},
	"feeds list": {
		summary: "list the feeds: origin, health, last fetch, next check and why, items per day",
		description: `One line per feed: id, topic, origin (config or api), status (ok,
failing, never polled), last fetch and next check (UTC), why the next check
is then (first poll, scheduled, backoff after N failures, retry-after,
deferred items), items per day over the last 7 days, URL; then each
failing feed's last error.`,
		examples: []string{"feedsift feeds list", "feedsift feeds list --json | jq '.[] | select(.status == \"failing\")'"},
	},
	"feeds add": {
		summary: "add a feed; a running daemon polls it at once",
		description: `Refused when the id or the URL is already a feed (of the config file or
added earlier). With --discover, URL is a site and its first feed is added.`,
		examples: []string{"feedsift feeds add https://example.com/feed.xml --topic world --id example", "feedsift feeds add --discover example.com --topic tech"},
	},
	"feeds remove": {
		summary:  "remove a feed added with feeds add or import",
		examples: []string{"feedsift feeds remove example"},
	},
	"feeds import": {
		summary: "add every feed of an OPML file",
		description: `A feed's topic is its category's name, made a topic ("Tech News" becomes
tech-news), or --topic for feeds outside any category. Its id is the
outline's text when that is one word, else the URL's host and path. Feeds
already present are skipped and listed.`,
		examples: []string{"feedsift feeds import subscriptions.opml --topic misc"},
	},
	"feeds export": {
		summary:  "write every feed as OPML, one category per topic",
		examples: []string{"feedsift feeds export > feeds.opml", "feedsift feeds export feeds.opml"},
	},
	"completion": {
		description: `Prints a completion script for bash, zsh or fish. It completes the
commands, their subcommands (feeds add, dupes split, eval extract, ...),
the shells of completion, the commands of help, and every command's and
subcommand's flags. The script is generated from the same command table
and flag sets the commands use, so it matches this binary: print it again
after an upgrade.`,
		examples: []string{
			"feedsift completion bash > /etc/bash_completion.d/feedsift",
			"feedsift completion zsh > \"${fpath[1]}/_feedsift\"",
			"feedsift completion fish > ~/.config/fish/completions/feedsift.fish",
		},
	},
	"version": {
		description: `Prints the version, the commit and time of the build, and the Go version.
"feedsift --version" is the same. A release build has its version set
with -ldflags -X; "go build" in a git checkout stamps the commit (with
", modified" when the tree had uncommitted changes) and a pseudo-version.
"go run", "go test" and -buildvcs=false (for example in GOFLAGS) stamp
no commit, and the line says so.`,
		examples: []string{"feedsift version", "go build -o feedsift ./cmd/feedsift && ./feedsift --version"},
	},
	"help": {examples: []string{"feedsift help", "feedsift help stories", "feedsift help feeds add | less"}},
}

// summaryOf returns the one-line summary of a command name.
func summaryOf(name string) string {
	if m, ok := manuals[name]; ok && m.summary != "" {
		return m.summary
	}
	if c, ok := lookup(name); ok {
		return c.summary
	}
	return ""
}

// writeManual prints the man-style help of the command: NAME, SYNOPSIS
// (the synopsis' lines up to the first blank one), DESCRIPTION (the rest
// of the synopsis, then the manual's), SUBCOMMANDS of a command that has
// them (with their flags when the manual says so), FLAGS and EXAMPLES.
func writeManual(w io.Writer, name, synopsis string, fs *flag.FlagSet) {
	syn, extra, _ := strings.Cut(synopsis, "\n\n")
	m := manuals[name]
	fmt.Fprintf(w, "NAME\n    feedsift %s", name)
	if s := summaryOf(name); s != "" {
		fmt.Fprintf(w, " - %s", s)
	}
	fmt.Fprint(w, "\n\nSYNOPSIS\n")
	for l := range strings.SplitSeq(syn, "\n") {
		fmt.Fprintf(w, "    feedsift %s\n", strings.TrimSpace(l))
	}
	desc := trimBlankLines(extra + "\n\n" + m.description)
	if desc != "" {
		fmt.Fprintf(w, "\nDESCRIPTION\n%s\n", indent(desc))
	}
	if c, ok := lookup(name); ok && len(c.subs) > 0 {
		fmt.Fprintln(w, "\nSUBCOMMANDS")
		for _, sub := range c.subs {
			full := name + " " + sub
			h := helpOf(c, sub)
			syn := []string{full}
			if h != nil {
				syn = h.synopsis()
			}
			for _, l := range syn {
				fmt.Fprintf(w, "    feedsift %s\n", l)
			}
			fmt.Fprintf(w, "        %s\n", summaryOf(full))
			if !m.subFlags || h == nil {
				continue
			}
			writeFlags(w, h.fs, "        ")
		}
		fmt.Fprintf(w, "    Run \"feedsift help %s SUBCOMMAND\" for a subcommand's manual.\n", name)
	}
	hasFlags := false
	fs.VisitAll(func(*flag.Flag) { hasFlags = true })
	if hasFlags {
		fmt.Fprintln(w, "\nFLAGS")
		writeFlags(w, fs, "    ")
	}
	if len(m.examples) > 0 {
		fmt.Fprintf(w, "\nEXAMPLES\n%s\n", indent(strings.Join(m.examples, "\n")))
	}
}

// writeFlags prints the flags of fs in the manual's form, each line
// starting with prefix: "--name TYPE", then the usage and the default,
// when it is not the zero value, on the next line.
func writeFlags(w io.Writer, fs *flag.FlagSet, prefix string) {
	fs.VisitAll(func(f *flag.Flag) {
		kind, usage := flag.UnquoteUsage(f)
		head := flagName(f.Name)
		if kind != "" {
			head += " " + kind
		}
		switch f.DefValue {
		case "", "0", "0s", "false":
		default:
			if kind == "string" {
				usage += fmt.Sprintf(" (default %q)", f.DefValue)
			} else {
				usage += fmt.Sprintf(" (default %s)", f.DefValue)
			}
		}
		fmt.Fprintf(w, "%s%s\n%s    %s\n", prefix, head, prefix, usage)
	})
}

// helpOf returns the help request of the command line args of c (a
// subcommand and its arguments, or none), by asking it for help: every
// command parses its flags before it does anything. Nil when args do not
// reach a flag set.
func helpOf(c command, args ...string) *helpRequest {
	err := c.run(context.Background(), append(args, "-h"), io.Discard, io.Discard)
	var h *helpRequest
	if errors.As(err, &h) {
		return h
	}
	return nil
}

// synopsis returns the SYNOPSIS lines of the manual, without "feedsift ".
func (h *helpRequest) synopsis() []string {
	_, rest, ok := strings.Cut(h.manual, "\nSYNOPSIS\n")
	if !ok {
		return nil
	}
	var lines []string
	for l := range strings.SplitSeq(rest, "\n") {
		l, ok := strings.CutPrefix(l, "    feedsift ")
		if !ok {
			break
		}
		lines = append(lines, l)
	}
	return lines
}

// trimBlankLines removes the blank lines at the start and the end of s
// and the white space that ends each line, keeping the indentation.
func trimBlankLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t")
	}
	for len(lines) > 0 && lines[0] == "" {
		lines = lines[1:]
	}
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return strings.Join(lines, "\n")
}

func indent(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = "    " + l
		}
	}
	return strings.Join(lines, "\n")
}
