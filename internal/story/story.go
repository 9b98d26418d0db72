package story

import "time"

// Version is the version of the Story and Duplicate JSON payloads.
const Version = 1

// Feed is one configured source.
type Feed struct {
	// ID names the feed in logs, metrics and reports. Unique per config.
	ID string
	// URL is where the feed document is fetched from.
	URL string
	// Topic is the dot-separated topic its stories are published on,
	// for example "world" or "world.europe".
	Topic string
	// FetchArticle asks for every item's page to be fetched and extracted,
	// even when the feed carries full content.
	FetchArticle bool
	// Interval is the time between two polls of the feed.
	Interval time.Duration
	// Selector, when set, is a CSS selector naming the main text of the
	// feed's article pages; Exclude is a CSS selector group (selectors
	// joined by commas) of elements removed first. A selector matching
	// nothing falls back to automatic extraction (see extract.Options).
	// Both are strings so that Feed stays comparable.
	Selector string
	Exclude  string
}

// Item is one entry of a parsed feed, normalised: links are absolute and
// times are in UTC.
type Item struct {
	GUID       string
	URL        string
	Title      string
	Summary    string // as the feed gives it: HTML or text
	Content    string // full content, when the feed carries it (HTML or text)
	Author     string
	Published  time.Time // zero when unknown
	Updated    time.Time // zero when unknown
	Categories []string
	// Source is the address of the feed or site the item credits as its
	// origin (RSS <source url>, Atom <source>'s link), when it names one.
	Source string
}

// Story is one clean article, published once on its topic.
type Story struct {
	Version int    `json:"v"`
	ID      string `json:"id"`
	Topic   string `json:"topic"`
	// Topics lists every topic the story is announced on, Topic first,
	// when its copies came through feeds of other topics as well: the
	// story is published once on each (see AllTopics). Empty when Topic
	// is the only one.
	Topics       []string  `json:"topics,omitempty"`
	FeedID       string    `json:"feed"`
	URL          string    `json:"url"`
	CanonicalURL string    `json:"canonical_url"`
	GUID         string    `json:"guid,omitempty"`
	Title        string    `json:"title"`
	Author       string    `json:"author,omitempty"`
	Published    time.Time `json:"published,omitzero"`
	Fetched      time.Time `json:"fetched"`
	// Text is the clean main text: paragraphs separated by a blank line.
	Text string `json:"text"`
	// Source says where Text came from: "article" (the page was fetched
	// and extracted), "content" (the feed's full content) or "summary".
	Source string `json:"source"`
	// PageType is what the fetched page looked like: "article",
	// "liveblog_forum" (a live blog, forum or comment thread), "listing"
	// (a section, tag or search page of teasers), "gallery", "video" or
	// "other". Empty when Source is not "article".
	PageType string `json:"page_type,omitempty"`
	// Confidence, in [0,1], is how likely Text is the page's whole story
	// and nothing else, from structural signals (see package extract);
	// below LowConfidence a person should check it. Absent when Source is
	// not "article".
	Confidence float64 `json:"confidence,omitempty"`
	// Related lists stories on the same subject that are not copies.
	Related []Related `json:"related,omitempty"`
	// Revision counts the new versions of the story: 0 for the first
	// publication, n for the n-th update (an item that carries the story's
	// text plus new paragraphs). A story update repeats every field with
	// the newest text; subscribers keep the latest message per ID.
	Revision int `json:"revision,omitempty"`
	// Updated is when the latest revision was seen; zero for revision 0.
	Updated time.Time `json:"updated,omitzero"`
	// UpdateURL is the address of the item that brought the latest
	// revision, when it is not the story's own URL.
	UpdateURL string `json:"update_url,omitempty"`
	// Kept says why this version of the article is the one kept, when a
	// copy that arrived later replaced the version first published (its
	// source is preferred, or it was published well before); empty while
	// the first version stands. The former version is then a copy of the
	// story, with Method "replaced".
	Kept string `json:"kept,omitempty"`
	// Credits is the address of another outlet's version that this
	// version names as its original: its page's rel=canonical or og:url
	// on another site, or else the feed item's <source>. A version that
	// credits another is replaced by the credited one when it arrives
	// (see Kept).
	Credits string `json:"credits,omitempty"`
	// KeptBy names the person who chose this version (an OpKeep
	// override); an automatic choice never replaces it.
	KeptBy string `json:"kept_by,omitempty"`
	// SplitFrom is set on a story a person split out of another story
	// (see Override): the ID of the story it was a member of.
	SplitFrom string `json:"split_from,omitempty"`
	// Merged lists the stories a person merged into this one, oldest
	// first (see Override).
	Merged []string `json:"merged,omitempty"`
	// MergedInto is set on a story a person merged into another: the ID of
	// that story. Later copies of this story join it.
	MergedInto string `json:"merged_into,omitempty"`
}

// LowConfidence is the Confidence below which a story is flagged as a
// doubtful extraction (extract.LowConfidence).
const LowConfidence = 0.5

// Doubtful reports whether s was extracted from a page with a confidence
// below LowConfidence. Stories published before page types existed (no
// PageType) are not doubtful.
func (s Story) Doubtful() bool { return s.PageType != "" && s.Confidence < LowConfidence }

// Related points from a story to another that is similar but not a copy.
type Related struct {
	StoryID    string  `json:"id"`
	Similarity float64 `json:"similarity"`
}

// Duplicate records that an item was merged into an existing story instead
// of being published as a new one.
type Duplicate struct {
	Version int       `json:"v"`
	StoryID string    `json:"story"` // the story the item was merged into
	Topic   string    `json:"topic"`
	FeedID  string    `json:"feed"`
	URL     string    `json:"url"`
	GUID    string    `json:"guid,omitempty"`
	Title   string    `json:"title"`
	Seen    time.Time `json:"seen"`
	// Method is how the match was found: "guid", "url" or "content".
	Method string `json:"method"`
	// Similarity is the score the decision rests on, in [0,1]; 1 for an
	// identity match.
	Similarity float64 `json:"similarity"`
	// Reason explains the decision for people reviewing the report.
	Reason string `json:"reason"`
	// Published is the item's publication time, when known.
	Published time.Time `json:"published,omitzero"`
	// Text is the copy's clean text (paragraphs separated by a blank
	// line) when it was compared by content; empty for an identity match
	// (guid, url), whose page is not fetched. It lets a reviewer see the
	// copy against the story and split it out as a story of its own.
	Text string `json:"text,omitempty"`
	// Source says where Text came from, like Story.Source.
	Source string `json:"source,omitempty"`
	// Credits is the version the copy names as its original, like
	// Story.Credits.
	Credits string `json:"credits,omitempty"`
}
