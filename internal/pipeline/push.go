package pipeline

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/feedsift/feedsift/internal/story"
	"github.com/feedsift/feedsift/parser"
)

// Ingest parses a feed document pushed for f (by a WebSub hub) and ingests
// its items exactly as a poll does: items already known are skipped, new
// ones become stories or copies, at most Options.MaxNewItems of them. It
// fetches no feed and leaves the feed's state (validators, schedule,
// failures) alone: the next poll is the fallback for whatever failed here.
// The result's Status is 0 and NextCheck zero. The error is a *PollError.
// Ingest may run while the same feed is polled; the decision lock keeps one
// story per article.
func (p *Pipeline) Ingest(ctx context.Context, f story.Feed, body []byte, contentType string) (PollResult, error) {
	start := p.now()
	res := PollResult{FeedID: f.ID}
	log := p.log.With("feed_id", f.ID)
	var doc *parser.Feed
	var err error
	if cerr := p.withCPU(ctx, func() { doc, err = parser.Parse(body, contentType, f.URL) }); cerr != nil {
		err = cerr
	}
	if err != nil {
		p.metrics.Errors.WithLabelValues(ErrKindParse).Inc()
		err = &PollError{FeedID: f.ID, Kind: ErrKindParse, Err: fmt.Errorf("pushed document: %w", err)}
		log.Warn("pushed document unreadable", "error", err)
		return res, err
	}
	ingestCtx, cancel := context.WithTimeout(ctx, p.opts.PollTimeout)
	err = p.ingestItems(ingestCtx, f, doc.Items, &res)
	cancel()
	res.Elapsed = p.now().Sub(start)
	p.metrics.IndexSize.Set(float64(p.opts.Ledger.Len()))
	attrs := []any{
		slog.Int("items", res.Items), slog.Int("new", res.New), slog.Int("published", res.Published),
		slog.Int("duplicates", res.Duplicates), slog.Int("skipped", res.Skipped), slog.Int("deferred", res.Deferred),
		slog.Int64("duration_ms", res.Elapsed.Milliseconds()),
	}
	if err != nil {
		log.Warn("pushed document ingest incomplete; the next poll retries", append(attrs, slog.Any("error", err))...)
		return res, err
	}
	log.Info("pushed document", attrs...)
	return res, nil
}
