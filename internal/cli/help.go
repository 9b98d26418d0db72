package cli

import (
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
from the store file directly when the daemon is not running.`,
		examples: []string{"feedsift stories --topic world --since 24h", "feedsift stories --json --limit 10"},
	},
	"dupes": {
		description: `The dedupe report: each story that absorbed copies, with every member's
feed, URL, time, similarity and the reason it was merged.`,
		examples: []string{"feedsift dupes --since 1h", "feedsift dupes --json | jq '.[0].members'"},
	},
	"extract": {
		description: `Prints the main text of saved web pages, with the daemon's extractor:
charset detection, boilerplate and junk lines removed, text repaired. A
batch of thousands of pages runs in one process with --format jsonl.`,
		examples: []string{
			"feedsift extract page.html",
			"curl -s https://example.com/a | feedsift extract --url https://example.com/a -",
			"feedsift extract --format jsonl pages/*.html.gz > texts.jsonl",
		},
	},
	"eval extract": {
		summary: "score the extractor on the labelled extraction corpora",
		description: `Scores feedsift's extractor on WCXB-dev (token P/R/F1 per page, with and
without snippets) and traf-eval (segment P/R/F1), then, unless --compare
off, runs the bench/ module's comparison program for go-trafilatura (with
and without fallbacks) and readeck go-readability on the same pages, one
after the other at the same GOMAXPROCS, and checks issue 3's targets.`,
		examples: []string{"feedsift eval extract", "feedsift eval extract --set traf-eval --compare off", "feedsift eval extract --check"},
	},
	"eval dedupe": {
		summary: "score the deduplicator on the labelled dedupe stream",
		description: `Streams docs.jsonl in order through the daemon's dedupe engine with its
defaults and prints pairwise P/R/F1, ARI, recall per copy kind, the share
of hard-negative pairs merged, docs/s and peak heap.`,
		examples: []string{"feedsift eval dedupe", "feedsift eval dedupe --out predictions.tsv"},
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
		description: `Prints a completion script for bash, zsh or fish. Commands are completed
from this binary's list; flags are read from "feedsift CMD -h" when you
press tab, so the script never goes stale.`,
		examples: []string{
			"feedsift completion bash > /etc/bash_completion.d/feedsift",
			"feedsift completion zsh > \"${fpath[1]}/_feedsift\"",
			"feedsift completion fish > ~/.config/fish/completions/feedsift.fish",
		},
	},
	"version": {description: "Prints the version, the commit and time of the build, and the Go version."},
}

// summaryOf returns the one-line summary of a command name.
func summaryOf(name string) string {
	if m, ok := manuals[name]; ok && m.summary != "" {
		return m.summary
	}
	for _, c := range commands() {
		if c.name == name {
			return c.summary
		}
	}
	return ""
}

// writeManual prints the man-style help of the command: NAME, SYNOPSIS,
// DESCRIPTION (from the synopsis' text after its first line, then the
// manual), FLAGS and EXAMPLES.
func writeManual(w io.Writer, name, synopsis string, fs *flag.FlagSet) {
	syn, extra, _ := strings.Cut(synopsis, "\n")
	m := manuals[name]
	fmt.Fprintf(w, "NAME\n    feedsift %s", name)
	if s := summaryOf(name); s != "" {
		fmt.Fprintf(w, " - %s", s)
	}
	fmt.Fprintf(w, "\n\nSYNOPSIS\n    feedsift %s\n", syn)
	desc := strings.TrimSpace(strings.TrimSpace(extra) + "\n\n" + m.description)
	if desc != "" {
		fmt.Fprintf(w, "\nDESCRIPTION\n%s\n", indent(desc))
	}
	hasFlags := false
	fs.VisitAll(func(*flag.Flag) { hasFlags = true })
	if hasFlags {
		fmt.Fprintln(w, "\nFLAGS")
		fs.PrintDefaults()
	}
	if len(m.examples) > 0 {
		fmt.Fprintf(w, "\nEXAMPLES\n%s\n", indent(strings.Join(m.examples, "\n")))
	}
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
