package story

import "time"

// FeedState is what the pipeline remembers about a feed between polls. The
// pipeline advances it only after every story of a poll is acknowledged.
type FeedState struct {
	FeedID       string    `json:"feed"`
	ETag         string    `json:"etag,omitempty"`
	LastModified string    `json:"last_modified,omitempty"`
	LastFetch    time.Time `json:"last_fetch,omitzero"`
	LastSuccess  time.Time `json:"last_success,omitzero"`
	NextCheck    time.Time `json:"next_check,omitzero"`
	Failures     int       `json:"failures,omitempty"`
	LastError    string    `json:"last_error,omitempty"`
	// Format is the feed's format at its last parsed fetch: "rss" (RSS
	// 0.9x-2.0 and RSS 1.0/RDF), "atom" or "json"; empty before one.
	Format string `json:"format,omitempty"`
}
