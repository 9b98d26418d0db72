// Package farmbench measures the whole daemon against a farm of news
// sites on loopback, beside a raw baseline, in one run.
//
// The farm (internal/feedfarm) has Options.Sites sites of Options.Items
// items each, every site on a loopback address of its own (127.2.x.y).
// Their RSS feeds carry only summaries, so every item's page is fetched:
// project-written articles in five templates of boilerplate, a fifth of
// them syndicated copies.
//
// The raw baseline does what any feed reader with extraction does, and
// nothing else: 256 feeds at once, fetch the feed, parse it with gofeed,
// fetch and extract every item's page, without politeness, trying a failed
// fetch once more (the daemon's fetcher retries too). Its extractor
// is Options.Extract (feedsift's own when nil; the bench module plugs in
// go-trafilatura, the baseline the issue names).
//
// The daemon run is the real daemon (embedded NATS, bbolt, the configured
// politeness with fetch.per_host_interval = Options.Interval) until a
// story or a copy of every item is on the stream. With
// Options.DaemonBinary it is that binary's `run` command in a process of
// its own, on a configuration written for the farm (as a user starts it);
// its CPU time and memory are read from /proc, its Go heap from its
// /metrics, its store lag from /readyz and its heap profile from
// /debug/pprof, so that nothing the measuring program links (the
// baseline's extractor and its package-level state) is charged to the
// daemon. Without it the daemon runs in this process.
//
// The farm is served from this process, or with Options.FarmProcess from
// a child process (the same program run again, see ServeChild), so that
// the CPU time and the memory measured are the baseline's and the
// daemon's alone.
//
// The Report gives, for both: items/s, CPU ms per item (the process's CPU
// time over the run, the farm's serving included when it runs in this
// process), p50/p99 from a page being served to its story or copy being on
// the stream (to being extracted, for the baseline), peak RSS (the
// process's) and how far it rose over the process's resident memory at the
// start (after the heap freed by earlier runs is returned to the system),
// which is the run's own, the largest Go heap in use and the file-backed
// resident memory (the bbolt store's mapped pages) beside them, with
// Options.HeapProfile the heap profile at the largest heap (and with
// Options.CPUProfile the daemon's CPU profile over the run's first
// seconds), the store's
// lag when the last item was published, the connections the farm
// accepted per item (one per site when a client keeps a site's
// connection alive between its requests), and the wall time against the
// politeness bound: each site's robots.txt, feed and pages one after
// another, Interval apart, all sites at once.
package farmbench
