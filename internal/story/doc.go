// Package story holds the vocabulary shared by every stage of feedsift:
// the feed an item came from, the item as a feed describes it, and the
// clean story that is published once per article.
//
// It imports only the standard library. The stages (fetcher, parser,
// extract, dedupe, sink) and the pipeline that orders them all speak in
// these types, so none of them needs to import another.
//
// FeedState is what feedsift remembers about a feed between polls
// (validators, schedule, failures), kept by the bbolt store or the
// cluster's key-value bucket alike.
//
// Override is a person's correction of the deduplicator (split a member out
// of a story, merge two stories), published on the stream like the rest.
//
// The JSON encoding of Story, Duplicate and Override is an external contract: it is
// what subscribers on NATS receive. Fields are only ever added, and Version
// is raised when the meaning of an existing field changes.
package story
