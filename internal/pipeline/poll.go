package pipeline

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/feedsift/feedsift/dedupe"
	"github.com/feedsift/feedsift/extract"
	"github.com/feedsift/feedsift/fetcher"
	"github.com/feedsift/feedsift/internal/ledger"
	"github.com/feedsift/feedsift/internal/sitetemplate"
	"github.com/feedsift/feedsift/internal/story"
	"github.com/feedsift/feedsift/parser"
)

const (
	feedAccept = "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
	pageAccept = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
	// minFullText is the length of text below which a feed's content is
	// taken for a summary and the article page is fetched.
	minFullText = 600
	// maxTemplates bounds the site templates held in memory.
	maxTemplates = 256
	// deferredRecheck is how soon a feed is polled again when a poll left
	// new items for later.
	deferredRecheck = 10 * time.Second
	// publishRecheck is how soon a feed is polled again when the stream
	// did not take some of its new stories: the feed answered, so its
	// own interval and backoff do not apply. It doubles with each such
	// poll in a row, up to the feed's normal backoff.
	publishRecheck = 5 * time.Second
	// articleRecheck is how soon a feed is polled again when the feed
	// answered but some of its items' pages did not (a timeout, a 503):
	// the items waiting on them come minutes late, not an interval late.
	// It doubles with each such poll in a row, up to the feed's normal
	// backoff, and never comes before the page's Retry-After.
	articleRecheck = time.Minute
)

// PollResult sums up one poll of one feed.
type PollResult struct {
	FeedID      string
	Status      int
	NotModified bool
	Items       int // items in the feed document
	New         int // items not seen before
	Published   int // new stories published
	Duplicates  int // items merged into an existing story
	Skipped     int // new items without usable text, or too old
	Deferred    int // new items left for the next poll (MaxNewItems)
	Elapsed     time.Duration
	NextCheck   time.Time
}

// Poll polls feed f once: fetch, parse, ingest every new item, then record
// the outcome in the feed state. Only when every new item was published
// are the feed's validators advanced. The returned error is a *PollError.
func (p *Pipeline) Poll(ctx context.Context, f story.Feed) (PollResult, error) {
	start := p.now()
	st, _, err := p.opts.State.FeedState(ctx, f.ID)
	if err != nil {
		p.metrics.Errors.WithLabelValues(ErrKindState).Inc()
		err = &PollError{FeedID: f.ID, Kind: ErrKindState, Err: err}
		p.log.Error("read feed state", "feed_id", f.ID, "error", err)
		return PollResult{FeedID: f.ID, NextCheck: start.Add(f.Interval)}, err
	}
	return p.pollFrom(ctx, f, st, start)
}

// pollFrom is Poll from the feed's state st, as read at start.
func (p *Pipeline) pollFrom(ctx context.Context, f story.Feed, st story.FeedState, start time.Time) (PollResult, error) {
	log := p.log.With("feed_id", f.ID)
	res := PollResult{FeedID: f.ID}
	st.FeedID = f.ID
	st.LastFetch = start
	prevNext := st.NextCheck

	pollCtx, cancel := context.WithTimeout(ctx, p.opts.PollTimeout)
	newState, pollErr := p.poll(pollCtx, f, st, &res)
	if pollErr != nil && ctx.Err() == nil && errors.Is(pollCtx.Err(), context.DeadlineExceeded) {
		pollErr = &PollError{FeedID: f.ID, Kind: ErrKindFetch,
			Err: fmt.Errorf("poll took longer than %v, cut short (the items it did not reach are taken next time): %w", p.opts.PollTimeout, pollErr)}
	}
	cancel()
	res.Elapsed = p.now().Sub(start)
	var retryAfter time.Duration
	if pollErr != nil {
		st.Failures++
		st.LastError = pollErr.Error()
		retryAfter = fetcher.RetryAfter(pollErr)
		wait := p.backoff(f.Interval, st.Failures, retryAfter)
		if pe, ok := errors.AsType[*PollError](pollErr); ok {
			switch pe.Kind {
			case ErrKindPublish:
				wait = min(wait, publishRecheck<<min(st.Failures-1, 6))
				p.notePending(f.ID, res.New-res.Published-res.Duplicates-res.Skipped-res.Deferred)
			case ErrKindArticle:
				wait = max(min(wait, articleRecheck<<min(st.Failures-1, 6)), retryAfter)
			}
		}
		res.NextCheck = start.Add(wait)
		st.NextCheck = res.NextCheck
		p.metrics.Polls.WithLabelValues("error").Inc()
	} else {
		st = newState
		p.notePending(f.ID, 0)
		st.Failures = 0
		st.LastError = ""
		st.LastSuccess = start
		interval := f.Interval
		if p.opts.IntervalFor != nil {
			if d, ok := p.opts.IntervalFor(f.ID); ok {
				interval = max(interval, d) // pushed: poll only as a fallback
			}
		}
		res.NextCheck = start.Add(jitter(interval, 0.1))
		if res.Deferred > 0 {
			// Items were left for later: come back soon, not after a
			// whole interval.
			res.NextCheck = start.Add(min(f.Interval, deferredRecheck))
		}
		st.NextCheck = res.NextCheck
		if res.NotModified {
			p.metrics.Polls.WithLabelValues("not_modified").Inc()
		} else {
			p.metrics.Polls.WithLabelValues("ok").Inc()
		}
	}
	if !prevNext.IsZero() && !prevNext.After(start) && res.NextCheck.Unix() <= prevNext.Unix() {
		// The poll queue names a poll by its due second: the next one
		// must fall in a later second than the one just run.
		res.NextCheck = time.Unix(prevNext.Unix()+1, 0)
		st.NextCheck = res.NextCheck
	}
	// The poll happened: its outcome is recorded even when ctx ended
	// meanwhile (a shutdown drains polls), or the next start polls again.
	if err := p.opts.State.PutFeedState(context.WithoutCancel(ctx), st); err != nil {
		p.metrics.Errors.WithLabelValues(ErrKindState).Inc()
		log.Error("write feed state", "error", err)
		if pollErr == nil {
			pollErr = &PollError{FeedID: f.ID, Kind: ErrKindState, Err: err}
		}
		// The state still names the due time just run: the scheduler
		// reads it again soon and enqueues the poll anew.
		p.notePolled(f.ID, p.now().Add(min(f.Interval, maxRecheck)))
	} else {
		p.notePolled(f.ID, st.NextCheck)
	}
	p.metrics.IndexSize.Set(float64(p.opts.Ledger.Len()))

	// The HTTP status of the feed document: of the failed fetch when the
	// server answered with an error status, none at all when there was no
	// answer (DNS, connection refused, timeout).
	status := res.Status
	if se, ok := errors.AsType[*fetcher.StatusError](pollErr); ok && status == 0 {
		status = se.Code
	}
	var attrs []any
	if status != 0 {
		attrs = append(attrs, slog.Int("status", status))
	}
	attrs = append(attrs, slog.Int("items", res.Items), slog.Int("new", res.New),
		slog.Int("published", res.Published), slog.Int("duplicates", res.Duplicates),
		slog.Int("skipped", res.Skipped), slog.Int("deferred", res.Deferred), slog.Int64("duration_ms", res.Elapsed.Milliseconds()),
		slog.Time("next_check", res.NextCheck))
	if pollErr != nil {
		log.Warn("poll failed", append(attrs, slog.Int("failures", st.Failures), slog.Any("error", pollErr))...)
		return res, pollErr
	}
	if res.NotModified {
		log.Debug("poll: not modified", attrs...)
	} else {
		log.Info("poll", attrs...)
	}
	return res, nil
}

// poll does the work of Poll and returns the state to commit on success.
// When it ends, the fetcher closes its idle connections to the hosts of
// the feed and its items, unless other polls are using them: the next
// poll of the feed is minutes away, and with thousands of sites polled
// the connections kept until their idle timeout outnumber those in use.
func (p *Pipeline) poll(ctx context.Context, f story.Feed, st story.FeedState, res *PollResult) (story.FeedState, error) {
	hosts := []string{f.URL}
	if c, ok := p.opts.Fetcher.(idleCloser); ok {
		defer func() { c.CloseIdle(hosts...) }()
	}
	fetchStart := time.Now()
	resp, err := p.opts.Fetcher.Fetch(ctx, fetcher.Request{
		URL: f.URL, ETag: st.ETag, LastModified: st.LastModified, Accept: feedAccept,
	})
	p.metrics.FetchTime.WithLabelValues("feed").Observe(time.Since(fetchStart).Seconds())
	if err != nil {
		p.metrics.Errors.WithLabelValues(ErrKindFetch).Inc()
		return st, &PollError{FeedID: f.ID, Kind: ErrKindFetch, Err: err}
	}
	res.Status = resp.StatusCode
	if resp.NotModified {
		res.NotModified = true
		return st, nil
	}
	var doc *parser.Feed
	if cerr := p.withCPU(ctx, func() { doc, err = parser.Parse(resp.Body, resp.ContentType, resp.URL) }); cerr != nil {
		return st, &PollError{FeedID: f.ID, Kind: ErrKindParse, Err: cerr}
	}
	if err != nil {
		p.metrics.Errors.WithLabelValues(ErrKindParse).Inc()
		where := f.URL
		if resp.URL != "" && resp.URL != f.URL {
			where += " (redirected to " + resp.URL + ")"
		}
		return st, &PollError{FeedID: f.ID, Kind: ErrKindParse, Err: fmt.Errorf("%s: %w", where, err)}
	}
	st.Format = doc.Format
	if resp.URL != "" {
		hosts = append(hosts, resp.URL)
	}
	for _, it := range doc.Items {
		if it.URL != "" {
			hosts = append(hosts, it.URL)
		}
	}
	err = p.ingestItems(ctx, f, doc.Items, res)
	if p.opts.OnFeedDocument != nil {
		h := http.Header{}
		h.Set("Content-Type", resp.ContentType)
		for _, v := range resp.Links {
			h.Add("Link", v)
		}
		p.opts.OnFeedDocument(f, resp.Body, h)
	}
	if err != nil {
		return st, err
	}
	if res.Deferred > 0 {
		// Keep the validators: the next poll must read the document
		// again to reach the deferred items.
		return st, nil
	}
	st.ETag = resp.ETag
	st.LastModified = resp.LastModified
	return st, nil
}

// ingestItems ingests the items of one feed document, polled or pushed,
// oldest first; past Options.MaxNewItems new ones, the rest are counted as
// Deferred. When items failed, it returns a *PollError wrapping
// ErrIncomplete.
func (p *Pipeline) ingestItems(ctx context.Context, f story.Feed, items []story.Item, res *PollResult) error {
	res.Items = len(items)
	p.metrics.ItemsSeen.Add(float64(len(items)))

	var failed []error
	for _, item := range oldestFirst(items) {
		if err := ctx.Err(); err != nil {
			failed = append(failed, err)
			break
		}
		if res.New >= p.opts.MaxNewItems {
			if keys := dedupe.IdentityKeys(f.ID, item); len(keys) > 0 && !p.opts.Ledger.Known(keys) {
				res.Deferred++
				continue
			}
		}
		if err := p.ingest(ctx, f, item, res); err != nil {
			failed = append(failed, err)
		}
	}
	if res.Deferred > 0 {
		p.metrics.Deferred.Add(float64(res.Deferred))
		p.log.Warn("more new items than one poll takes; the rest wait for the next poll",
			"feed_id", f.ID, "new", res.New, "deferred", res.Deferred, "max_new_items", p.opts.MaxNewItems)
	}
	if len(failed) > 0 {
		kind := ErrKindPublish
		var pe *PollError
		if errors.As(failed[0], &pe) {
			kind = pe.Kind
		}
		return &PollError{FeedID: f.ID, Kind: kind,
			Err: fmt.Errorf("%w: %d of %d items failed, validators kept: %w", ErrIncomplete, len(failed), len(items), errors.Join(failed...))}
	}
	return nil
}

// ingest handles one item: identity check, text, near-duplicate decision,
// publication. It returns an error only when the item must be tried again
// at the next poll.
func (p *Pipeline) ingest(ctx context.Context, f story.Feed, item story.Item, res *PollResult) error {
	log := p.log.With("feed_id", f.ID, "item_url", item.URL)
	keys := dedupe.IdentityKeys(f.ID, item)
	if len(keys) == 0 {
		res.Skipped++
		log.Debug("item without identity skipped", "title", item.Title)
		return nil
	}
	if p.opts.Ledger.Known(keys) {
		return nil
	}
	if p.opts.MaxItemAge > 0 && !item.Published.IsZero() && p.now().Sub(item.Published) > p.opts.MaxItemAge {
		res.Skipped++
		log.Debug("item too old", "published", item.Published)
		return nil
	}
	res.New++

	c := ledger.Candidate{Feed: f, Item: item, Keys: keys}
	// An article page holds one of the page slots from its host's turn
	// until the ledger has decided on it (Options.PageSlots).
	slot := &pageSlot{slots: p.pages}
	defer slot.release()
	// An item whose GUID or URL is already known is a repost: no page to
	// fetch, no text to compare.
	if !p.opts.Ledger.Seen(keys) {
		text, source, page, err := p.itemText(ctx, f, &c.Item, slot)
		if err != nil {
			return err
		}
		if cut, n := capText(text, p.opts.MaxTextBytes); n > 0 {
			log.Warn("story text cut to the size limit", "bytes", len(text), "max_text_bytes", p.opts.MaxTextBytes, "paragraphs_dropped", n)
			text = cut
		}
		if text == "" {
			res.Skipped++
			p.metrics.Errors.WithLabelValues(ErrKindExtract).Inc()
			log.Warn("item has no usable text", "title", item.Title)
			return nil
		}
		c.Text, c.Source, c.Page = text, source, page
	}
	d, err := p.opts.Ledger.Decide(ctx, c)
	if err != nil {
		return &PollError{FeedID: f.ID, Kind: ErrKindPublish, Err: err}
	}
	switch d.Kind {
	case ledger.NewStory:
		res.Published++
	case ledger.Copy:
		res.Duplicates++
	}
	return nil
}

// itemText returns the clean text of item and where it came from. The page
// is fetched when the feed asks for it or carries too little text; a page
// that cannot be had for good (404, not HTML) falls back to the feed's own
// text, while a transient failure is returned so the item is retried.
func (p *Pipeline) itemText(ctx context.Context, f story.Feed, item *story.Item, slot *pageSlot) (text, source string, page ledger.Page, err error) {
	content := htmlText(item.Content, item.Title)
	if !f.FetchArticle && len(content) >= minFullText {
		return content, "content", ledger.Page{}, nil
	}
	if item.URL != "" {
		text, info, err := p.articleText(ctx, f, item, slot)
		switch {
		case err == nil && text != "":
			return text, "article", info, nil
		case err != nil && (fetcher.Retryable(err) || ctx.Err() != nil):
			return "", "", ledger.Page{}, err
		case err != nil:
			p.log.Warn("article unavailable, using the feed's text", "feed_id", f.ID, "item_url", item.URL, "error", err)
		}
	}
	if content != "" {
		return content, "content", ledger.Page{}, nil
	}
	return htmlText(item.Summary, item.Title), "summary", ledger.Page{}, nil
}

func (p *Pipeline) articleText(ctx context.Context, f story.Feed, item *story.Item, slot *pageSlot) (string, ledger.Page, error) {
	start := time.Now()
	resp, err := p.opts.Fetcher.Fetch(ctx, fetcher.Request{URL: item.URL, Accept: pageAccept, Admit: slot.admit})
	p.metrics.FetchTime.WithLabelValues("article").Observe(time.Since(start).Seconds())
	if err != nil {
		p.metrics.Errors.WithLabelValues(ErrKindArticle).Inc()
		return "", ledger.Page{}, &PollError{FeedID: f.ID, Kind: ErrKindArticle, Err: err}
	}
	p.savePage(ctx, f, *item, resp)
	return p.pageText(ctx, f, item, resp.Body, resp.ContentType, cmp.Or(resp.URL, item.URL))
}

// pageSlot is one item's claim on the pipeline's page slots: taken when
// its article's host gives it a turn (the fetcher's Request.Admit), kept
// across retries of that fetch, and given back once the item is decided.
// It bounds the pages between their fetch and their decision, so when the
// CPU or the ledger is the limit a fetched page waits behind at most
// PageSlots others, and a page is not fetched before it can be handled.
type pageSlot struct {
	slots chan struct{}
	held  bool
}

func (s *pageSlot) admit(ctx context.Context) error {
	if s.held {
		return nil // a retry: the slot is still held
	}
	select {
	case s.slots <- struct{}{}:
		s.held = true
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *pageSlot) release() {
	if s.held {
		s.held = false
		<-s.slots
	}
}

// stripTemplate drops from the paragraphs of the page at pageURL those its
// host repeats across pages, then records the page in the host's template
// and saves it. A store failure is logged and leaves the text as it is.
func (p *Pipeline) stripTemplate(ctx context.Context, pageURL string, paras []string) []string {
	u, err := url.Parse(pageURL)
	if err != nil || u.Hostname() == "" {
		return paras
	}
	host := strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	key, err := dedupe.CanonicalURL(pageURL)
	if err != nil {
		key = pageURL
	}
	log := p.log.With("host", host, "url", pageURL)

	ht := p.hostTemplate(host)
	ht.mu.Lock()
	defer ht.mu.Unlock()
	if ht.counts == nil {
		data, err := p.opts.Templates.LoadTemplate(ctx, host)
		if err != nil {
			log.Warn("load site template", "error", err)
			return paras
		}
		ht.counts = sitetemplate.New(sitetemplate.Options{})
		if data != nil {
			if err := ht.counts.UnmarshalBinary(data); err != nil {
				log.Warn("stored site template unreadable, learning it anew", "error", err)
			}
		}
	}
	c := ht.counts
	kept, dropped := c.Strip(key, paras)
	c.Observe(key, paras)
	if dropped > 0 {
		log.Debug("site template paragraphs dropped", "dropped", dropped)
	}
	data, err := c.MarshalBinary()
	if err == nil {
		err = p.opts.Templates.SaveTemplate(ctx, host, data)
	}
	if err != nil {
		log.Warn("save site template", "error", err)
	}
	return kept
}

// hostTemplate is one host's site template, loaded from the store on
// first use (counts nil until then) and guarded by its own lock.
type hostTemplate struct {
	mu     sync.Mutex
	counts *sitetemplate.Counts
}

// hostTemplate returns the template entry of host, adding one when there
// is none. With maxTemplates entries held, it first evicts one that no
// page is using (it reloads from the store when its host comes back).
func (p *Pipeline) hostTemplate(host string) *hostTemplate {
	p.tmplMu.Lock()
	defer p.tmplMu.Unlock()
	if ht := p.templates[host]; ht != nil {
		return ht
	}
	if len(p.templates) >= maxTemplates {
		for h, ht := range p.templates {
			if ht.mu.TryLock() {
				delete(p.templates, h)
				ht.mu.Unlock()
				break
			}
		}
	}
	ht := &hostTemplate{}
	p.templates[host] = ht
	return ht
}

// htmlText turns a feed's summary or content (HTML or plain text) into
// clean paragraphs.
func htmlText(s, title string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	opts := extract.Options{Title: title}
	if strings.ContainsRune(s, '<') {
		art, err := extract.Extract([]byte(s), opts)
		if err == nil && art.Block != extract.BlockLastResort {
			return art.Text()
		}
		if errors.Is(err, extract.ErrTooComplex) || errors.Is(err, extract.ErrTooLarge) {
			// Markup too big or too deep to parse: its raw text would be
			// tags, not a story.
			return ""
		}
	}
	return strings.Join(extract.CleanText(s, opts), "\n\n")
}

// capText cuts text to at most max bytes at a paragraph boundary (or, when
// the first paragraph alone is longer, at a rune boundary) and returns it
// with the number of paragraphs dropped or cut.
func capText(text string, max int) (string, int) {
	if len(text) <= max {
		return text, 0
	}
	paras := strings.Split(text, "\n\n")
	size := 0
	for i, para := range paras {
		add := len(para)
		if i > 0 {
			add += 2
		}
		if size+add > max {
			if i == 0 {
				cut := para[:max]
				for len(cut) > 0 && !utf8.ValidString(cut) {
					cut = cut[:len(cut)-1]
				}
				return cut, len(paras)
			}
			return strings.Join(paras[:i], "\n\n"), len(paras) - i
		}
		size += add
	}
	return text, 0
}

// oldestFirst orders items by publication time, oldest first, so that the
// earliest copy of an article becomes the canonical story. When any item
// lacks a time, the feed's order is kept, reversed (feeds list newest first).
func oldestFirst(items []story.Item) []story.Item {
	out := slices.Clone(items)
	slices.Reverse(out)
	for _, it := range out {
		if it.Published.IsZero() {
			return out // without a date on every item, feed order is the best guess
		}
	}
	slices.SortStableFunc(out, func(a, b story.Item) int { return a.Published.Compare(b.Published) })
	return out
}

// backoff returns the delay before a feed that failed failures times in a
// row is polled again: its interval doubled per failure, with jitter,
// capped at MaxBackoff (the cap applies after the jitter, so it holds),
// never below the server's Retry-After.
func (p *Pipeline) backoff(interval time.Duration, failures int, retryAfter time.Duration) time.Duration {
	d := interval
	for i := 1; i < failures && d < p.opts.MaxBackoff; i++ {
		d *= 2
	}
	d = min(jitter(min(d, p.opts.MaxBackoff), 0.2), p.opts.MaxBackoff)
	return max(d, retryAfter)
}

// jitter spreads d by up to ±frac so that feeds do not poll in lockstep.
func jitter(d time.Duration, frac float64) time.Duration {
	if d <= 0 {
		return d
	}
	delta := (rand.Float64()*2 - 1) * frac * float64(d)
	return d + time.Duration(delta)
}

// notePending records how many new items of feed id the last poll could
// not publish, and sets the PendingItems gauge to the sum over feeds.
func (p *Pipeline) notePending(id string, n int) {
	p.pendingMu.Lock()
	defer p.pendingMu.Unlock()
	if n > 0 {
		if p.pending == nil {
			p.pending = make(map[string]int)
		}
		p.pending[id] = n
	} else {
		delete(p.pending, id)
	}
	sum := 0
	for _, k := range p.pending {
		sum += k
	}
	p.metrics.PendingItems.Set(float64(sum))
}
