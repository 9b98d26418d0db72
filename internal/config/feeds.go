package config

// FeedIDFromURL returns the ID a feed without one gets: the URL's host and
// path without a trailing slash ("example.com/news/rss.xml"), or the URL
// itself when it has no host. Feeds added at run time get the same.
func FeedIDFromURL(rawURL string) string { return feedIDFromURL(rawURL) }
