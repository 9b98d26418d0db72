package discover

import "errors"

// Sentinel errors. Returned errors wrap them with the site URL and
// details; match them with errors.Is.
var (
	// ErrInvalidURL means the site URL is not an absolute http or https
	// URL with a host.
	ErrInvalidURL = errors.New("discover: invalid site url")

	// ErrNoFeed means the page is not a feed, links to none, and no common
	// feed path answered with a feed.
	ErrNoFeed = errors.New("discover: no feed found")

	// ErrInvalidOptions is wrapped by every error New returns.
	ErrInvalidOptions = errors.New("discover: invalid options")
)
