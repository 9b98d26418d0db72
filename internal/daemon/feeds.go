package daemon

import (
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/feedsift/feedsift/internal/config"
	"github.com/feedsift/feedsift/internal/httpapi"
	"github.com/feedsift/feedsift/internal/story"
	"github.com/feedsift/feedsift/sink"
)

// The feed set is the config file's feeds (origin "config") followed by the
// feeds added at run time and kept in the store (origin "api"). The file
// stays the source of truth for what it declares: a stored feed whose ID
// or URL a config feed has is left out (and reported), an addition that
// collides with a config feed is refused, and a config feed cannot be
// removed but by editing the file. These functions serve the running
// daemon and "feedsift feeds" when no daemon runs alike.

// MergeFeeds returns cfg's feeds, then the stored feeds that collide with
// none of them, with their origins. Each stored feed left out is reported
// in skipped.
func MergeFeeds(cfg config.Config, stored []sink.StoredFeed) (feeds []httpapi.FeedSource, skipped []error) {
	ids := make(map[string]string, len(cfg.Feeds))  // id -> origin
	urls := make(map[string]string, len(cfg.Feeds)) // normalised URL -> id
	for _, f := range cfg.Feeds {
		feeds = append(feeds, httpapi.FeedSource{Feed: f.Feed(), Origin: httpapi.OriginConfig})
		ids[f.ID] = httpapi.OriginConfig
		urls[normURL(f.URL)] = f.ID
	}
	for _, sf := range stored {
		if _, dup := ids[sf.ID]; dup {
			skipped = append(skipped, fmt.Errorf("stored feed %q left out: the config declares a feed with that id", sf.ID))
			continue
		}
		if other, dup := urls[normURL(sf.URL)]; dup {
			skipped = append(skipped, fmt.Errorf("stored feed %q left out: its url is also feed %q", sf.ID, other))
			continue
		}
		ids[sf.ID] = httpapi.OriginAPI
		urls[normURL(sf.URL)] = sf.ID
		feeds = append(feeds, httpapi.FeedSource{Feed: sf.Feed(cfg.Poll.Interval), Origin: httpapi.OriginAPI})
	}
	return feeds, skipped
}

// normURL is the form in which two feed URLs are compared: scheme and host
// in lower case, no fragment.
func normURL(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return strings.TrimSpace(raw)
	}
	u.Scheme, u.Host, u.Fragment = strings.ToLower(u.Scheme), strings.ToLower(u.Host), ""
	return u.String()
}

// where names the config file in messages.
func where(configPath string) string {
	if configPath == "" {
		return "the config file"
	}
	return configPath
}

// NewStoredFeed checks an add request against the config's feeds and the
// stored ones and returns the feed to store, added at now. Its errors wrap
// httpapi.ErrFeedInvalid or httpapi.ErrFeedConflict and say what to do.
func NewStoredFeed(cfg config.Config, configPath string, stored []sink.StoredFeed, req httpapi.FeedRequest, now time.Time) (sink.StoredFeed, error) {
	sf := sink.StoredFeed{ID: strings.TrimSpace(req.ID), URL: strings.TrimSpace(req.URL),
		Topic: strings.TrimSpace(req.Topic), FetchArticle: req.FetchArticle, Added: now.UTC()}
	invalid := func(format string, args ...any) (sink.StoredFeed, error) {
		return sink.StoredFeed{}, fmt.Errorf("%w: "+format, append([]any{httpapi.ErrFeedInvalid}, args...)...)
	}
	u, err := url.Parse(sf.URL)
	switch {
	case sf.URL == "":
		return invalid("url is required")
	case err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https"):
		return invalid("url %q is not an http(s) URL", sf.URL)
	}
	if sf.Topic == "" {
		return invalid("topic is required")
	}
	if err := story.ValidateTopic(sf.Topic); err != nil {
		return invalid("topic: %v", err)
	}
	if req.Interval != "" {
		iv, err := time.ParseDuration(req.Interval)
		if err != nil {
			return invalid("interval %q is not a duration such as 30m", req.Interval)
		}
		if iv < time.Second {
			return invalid("interval %s is below 1s", iv)
		}
		sf.Interval = iv
	}
	if sf.ID == "" {
		sf.ID = config.FeedIDFromURL(sf.URL)
	}
	if len(sf.ID) > 200 || strings.ContainsFunc(sf.ID, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
		return invalid("id %q: at most 200 bytes, without spaces or control characters", sf.ID)
	}
	conflict := func(format string, args ...any) (sink.StoredFeed, error) {
		return sink.StoredFeed{}, fmt.Errorf("%w: "+format, append([]any{httpapi.ErrFeedConflict}, args...)...)
	}
	nu := normURL(sf.URL)
	for _, f := range cfg.Feeds {
		if f.ID == sf.ID {
			return conflict("feed id %q is declared in %s; choose another id", sf.ID, where(configPath))
		}
		if normURL(f.URL) == nu {
			return conflict("url %s is already feed %q, declared in %s", sf.URL, f.ID, where(configPath))
		}
	}
	for _, f := range stored {
		if f.ID == sf.ID {
			return conflict("feed id %q is taken by a feed added earlier (%s)", sf.ID, f.URL)
		}
		if normURL(f.URL) == nu {
			return conflict("url %s is already feed %q, added earlier", sf.URL, f.ID)
		}
	}
	return sf, nil
}

// AddStoredFeed checks req (see NewStoredFeed) and stores it. It returns
// the feed as the merged feed set will hold it.
func AddStoredFeed(store *sink.Store, cfg config.Config, configPath string, req httpapi.FeedRequest, now time.Time) (httpapi.FeedSource, error) {
	stored, err := store.StoredFeeds()
	if err != nil {
		return httpapi.FeedSource{}, fmt.Errorf("daemon: add feed: %w", err)
	}
	sf, err := NewStoredFeed(cfg, configPath, stored, req, now)
	if err != nil {
		return httpapi.FeedSource{}, fmt.Errorf("daemon: add feed: %w", err)
	}
	if err := store.AddFeed(sf); err != nil {
		return httpapi.FeedSource{}, fmt.Errorf("daemon: add feed: %w", err)
	}
	return httpapi.FeedSource{Feed: sf.Feed(cfg.Poll.Interval), Origin: httpapi.OriginAPI}, nil
}

// RemoveStoredFeed removes the stored feed id. A feed of the config is
// refused (httpapi.ErrFeedDeclared), an unknown one is
// httpapi.ErrFeedNotFound.
func RemoveStoredFeed(store *sink.Store, cfg config.Config, configPath, id string) (httpapi.FeedSource, error) {
	for _, f := range cfg.Feeds {
		if f.ID == id {
			return httpapi.FeedSource{}, fmt.Errorf("daemon: remove feed: %w: %q is declared in %s; edit the file",
				httpapi.ErrFeedDeclared, id, where(configPath))
		}
	}
	stored, err := store.StoredFeeds()
	if err != nil {
		return httpapi.FeedSource{}, fmt.Errorf("daemon: remove feed: %w", err)
	}
	for _, sf := range stored {
		if sf.ID != id {
			continue
		}
		if err := store.RemoveFeed(id); err != nil {
			return httpapi.FeedSource{}, fmt.Errorf("daemon: remove feed: %w", err)
		}
		return httpapi.FeedSource{Feed: sf.Feed(cfg.Poll.Interval), Origin: httpapi.OriginAPI}, nil
	}
	return httpapi.FeedSource{}, fmt.Errorf("daemon: remove feed: %w: %q", httpapi.ErrFeedNotFound, id)
}
