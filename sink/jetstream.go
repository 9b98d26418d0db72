package sink

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/feedsift/feedsift/internal/story"
)

// Defaults for JetStreamOptions.
const (
	DefaultStream          = "FEEDSIFT"
	DefaultSubjectPrefix   = "news"
	DefaultDupesPrefix     = "feedsift.dupes"
	DefaultDuplicateWindow = 10 * time.Minute
	DefaultMaxAge          = 30 * 24 * time.Hour
	DefaultMaxBytes        = 8 << 30 // 8 GiB
)

// JetStreamOptions configures NewJetStream. Zero values mean the documented
// defaults.
type JetStreamOptions struct {
	// Stream is the stream name. Default "FEEDSIFT".
	Stream string
	// SubjectPrefix is the subject space of stories: "<prefix>.<topic>".
	// Default "news".
	SubjectPrefix string
	// DupesPrefix is the subject space of duplicate records:
	// "<dupes>.<topic>". Default "feedsift.dupes". Neither prefix may
	// contain the other. Overrides (story.Override) go on
	// OverridesPrefix(DupesPrefix), default "feedsift.overrides".
	DupesPrefix string
	// Replicas is the stream's replica count. Default 1.
	Replicas int
	// DuplicateWindow is how long the server remembers Nats-Msg-Id values.
	// Default 10m.
	DuplicateWindow time.Duration
	// MaxAge is how long messages are kept. Default 30 days.
	MaxAge time.Duration
	// MaxBytes caps the stream's size; past it the oldest messages are
	// removed. Default 8 GiB (DefaultMaxBytes); -1 means no limit. The
	// server reserves it out of its JetStream storage when the stream is
	// made or updated, and refuses more than it has.
	MaxBytes int64
	// Logger receives publisher events. Nil discards them.
	Logger *slog.Logger
}

// JetStream publishes stories and duplicate records on one stream.
// It is safe for concurrent use.
type JetStream struct {
	js        jetstream.JetStream
	stream    string
	prefix    string
	dupes     string
	overrides string
	log       *slog.Logger
}

// NewJetStream creates the stream, or updates it in place to the options,
// with the subjects "<prefix>.>", "<dupes>.>" and "<overrides>.>", file
// storage, and limits (MaxAge, MaxBytes) past which the oldest messages
// are removed. A stream made by an earlier version without the overrides
// subject or the size limit gains them here; a changed limit applies to
// the existing stream at once.
func NewJetStream(ctx context.Context, nc *nats.Conn, opts JetStreamOptions) (*JetStream, error) {
	if nc == nil {
		return nil, fmt.Errorf("%w: nil nats connection", ErrInvalidOption)
	}
	if opts.Stream == "" {
		opts.Stream = DefaultStream
	}
	if strings.ContainsAny(opts.Stream, ".*> \t\r\n/\\") {
		return nil, fmt.Errorf("%w: stream name %q", ErrInvalidOption, opts.Stream)
	}
	prefix, dupes, overrides, err := prefixes(opts.SubjectPrefix, opts.DupesPrefix)
	if err != nil {
		return nil, err
	}
	if opts.Replicas == 0 {
		opts.Replicas = 1
	}
	if opts.Replicas < 0 {
		return nil, fmt.Errorf("%w: replicas %d", ErrInvalidOption, opts.Replicas)
	}
	if opts.DuplicateWindow == 0 {
		opts.DuplicateWindow = DefaultDuplicateWindow
	}
	if opts.MaxAge == 0 {
		opts.MaxAge = DefaultMaxAge
	}
	if opts.MaxBytes == 0 {
		opts.MaxBytes = DefaultMaxBytes
	}
	if opts.DuplicateWindow < 0 || opts.MaxAge < 0 {
		return nil, fmt.Errorf("%w: negative duplicate window or max age", ErrInvalidOption)
	}
	if opts.MaxBytes < -1 {
		return nil, fmt.Errorf("%w: max bytes %d", ErrInvalidOption, opts.MaxBytes)
	}
	if opts.DuplicateWindow > opts.MaxAge {
		return nil, fmt.Errorf("%w: duplicate window %s longer than max age %s",
			ErrInvalidOption, opts.DuplicateWindow, opts.MaxAge)
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}

	js, err := jetstream.New(nc)
	if err != nil {
		return nil, fmt.Errorf("sink: jetstream: %w", err)
	}
	cfg := jetstream.StreamConfig{
		Name:        opts.Stream,
		Description: "feedsift stories, duplicate records and overrides",
		Subjects:    []string{prefix + ".>", dupes + ".>", overrides + ".>"},
		Storage:     jetstream.FileStorage,
		Retention:   jetstream.LimitsPolicy,
		Discard:     jetstream.DiscardOld,
		Replicas:    opts.Replicas,
		Duplicates:  opts.DuplicateWindow,
		MaxAge:      opts.MaxAge,
		MaxBytes:    opts.MaxBytes,
	}
	if _, err := js.CreateOrUpdateStream(ctx, cfg); err != nil {
		if apiErr := (*jetstream.APIError)(nil); errors.As(err, &apiErr) && slices.Contains(jsErrCodesNoRoom, apiErr.ErrorCode) {
			return nil, fmt.Errorf("sink: create or update stream %s with max bytes %d: %w (the server has less JetStream storage to give; lower nats.max_bytes)",
				opts.Stream, opts.MaxBytes, err)
		}
		return nil, fmt.Errorf("sink: create or update stream %s: %w", opts.Stream, err)
	}
	log.Info("sink: stream ready", "stream", opts.Stream,
		"subjects", strings.Join(cfg.Subjects, ","), "max_age", opts.MaxAge, "max_bytes", opts.MaxBytes)
	return &JetStream{js: js, stream: opts.Stream, prefix: prefix, dupes: dupes, overrides: overrides, log: log}, nil
}

// jsErrCodesNoRoom are the server's answers to a stream whose max bytes
// it cannot reserve: insufficient resources (10023), insufficient storage
// resources (10047), more than the account's max stream bytes (10122).
var jsErrCodesNoRoom = []jetstream.ErrorCode{10023, 10047, 10122}

// OverridesPrefix returns the subject prefix of overrides for a dupes
// prefix: the dupes prefix with its last token replaced by "overrides"
// ("feedsift.dupes" gives "feedsift.overrides", "dupes" gives
// "overrides"). An empty dupes prefix means the default.
func OverridesPrefix(dupes string) string {
	if dupes == "" {
		dupes = DefaultDupesPrefix
	}
	if i := strings.LastIndexByte(dupes, '.'); i >= 0 {
		return dupes[:i+1] + "overrides"
	}
	return "overrides"
}

// prefixes applies the defaults to the subject prefixes, derives the
// overrides prefix, and checks that they are valid subjects and that no
// two overlap.
func prefixes(prefix, dupes string) (string, string, string, error) {
	if prefix == "" {
		prefix = DefaultSubjectPrefix
	}
	if dupes == "" {
		dupes = DefaultDupesPrefix
	}
	if err := story.ValidateTopic(prefix); err != nil {
		return "", "", "", fmt.Errorf("%w: subject prefix: %w", ErrInvalidOption, err)
	}
	if err := story.ValidateTopic(dupes); err != nil {
		return "", "", "", fmt.Errorf("%w: dupes prefix: %w", ErrInvalidOption, err)
	}
	overrides := OverridesPrefix(dupes)
	overlap := func(a, b string) bool {
		return a == b || strings.HasPrefix(a, b+".") || strings.HasPrefix(b, a+".")
	}
	if overlap(prefix, dupes) {
		return "", "", "", fmt.Errorf("%w: subject prefix %q and dupes prefix %q overlap",
			ErrInvalidOption, prefix, dupes)
	}
	if overlap(prefix, overrides) || overlap(dupes, overrides) {
		return "", "", "", fmt.Errorf("%w: overrides prefix %q (from dupes prefix %q) overlaps subject prefix %q or the dupes prefix",
			ErrInvalidOption, overrides, dupes, prefix)
	}
	return prefix, dupes, overrides, nil
}

// Stream returns the stream name.
func (j *JetStream) Stream() string { return j.stream }

// Subject returns the subject stories of topic are published on.
func (j *JetStream) Subject(topic string) (string, error) {
	if err := story.ValidateTopic(topic); err != nil {
		return "", fmt.Errorf("sink: subject: %w", err)
	}
	return j.prefix + "." + topic, nil
}

// DuplicateSubject returns the subject duplicate records of topic are
// published on.
func (j *JetStream) DuplicateSubject(topic string) (string, error) {
	if err := story.ValidateTopic(topic); err != nil {
		return "", fmt.Errorf("sink: duplicate subject: %w", err)
	}
	return j.dupes + "." + topic, nil
}

// OverrideSubject returns the subject overrides of topic are published on.
func (j *JetStream) OverrideSubject(topic string) (string, error) {
	if err := story.ValidateTopic(topic); err != nil {
		return "", fmt.Errorf("sink: override subject: %w", err)
	}
	return j.overrides + "." + topic, nil
}

// StoryEvent, DuplicateEvent and OverrideEvent return the event Publish
// takes for one story, duplicate record or override.
func StoryEvent(s story.Story) Event { return Event{Story: &s} }

// DuplicateEvent: see StoryEvent.
func DuplicateEvent(d story.Duplicate) Event { return Event{Duplicate: &d} }

// OverrideEvent: see StoryEvent.
func OverrideEvent(o story.Override) Event { return Event{Override: &o} }

// Publish publishes ev, which holds exactly one of a story, a duplicate
// record and an override, under the conditions in o, and waits for the
// server's ack. It returns the stream sequence and whether the server
// absorbed the message as a duplicate (then seq is the sequence of the
// earlier copy). Each kind goes on its own subject with its own message
// id:
//
//   - a story on its topic subject with Nats-Msg-Id "story:<id>"; with
//     o.Revision set it is a new version of a story already published,
//     "story:<id>:<revision>", so that the duplicate window does not
//     absorb it as a republish of the first version;
//   - a duplicate record on the topic's dupes subject with Nats-Msg-Id
//     "dupe:<story id>:<member key>" (see story.Duplicate.MemberKey);
//   - an override on the topic's overrides subject with Nats-Msg-Id
//     "override:<id>".
//
// The message id does not depend on o's conditions, so a retry of a
// message already stored is absorbed (and reported as a duplicate)
// whatever the condition. An event that is empty, holds more than one
// kind, or is incomplete fails with ErrInvalidEvent.
func (j *JetStream) Publish(ctx context.Context, ev Event, o PublishOptions) (seq uint64, dup bool, err error) {
	msg, err := j.eventMsg(ev, o)
	if err != nil {
		return 0, false, err
	}
	return j.publishWith(ctx, msg, o)
}

// eventMsg builds the message that carries ev.
func (j *JetStream) eventMsg(ev Event, o PublishOptions) (*nats.Msg, error) {
	kinds := 0
	for _, set := range []bool{ev.Story != nil, ev.Duplicate != nil, ev.Override != nil} {
		if set {
			kinds++
		}
	}
	if kinds != 1 {
		return nil, fmt.Errorf("%w: an event to publish holds %d of story, duplicate and override, want 1", ErrInvalidEvent, kinds)
	}
	if (o.Revision != "" || o.Topic != "") && ev.Story == nil {
		return nil, fmt.Errorf("%w: only a story has revisions and topics to choose from", ErrInvalidEvent)
	}
	switch {
	case ev.Story != nil:
		return j.storyMsg(*ev.Story, o)
	case ev.Duplicate != nil:
		return j.duplicateMsg(*ev.Duplicate)
	default:
		return j.overrideMsg(*ev.Override)
	}
}

func (j *JetStream) overrideMsg(o story.Override) (*nats.Msg, error) {
	if o.Version == 0 {
		o.Version = story.Version
	}
	if err := o.Validate(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidEvent, err)
	}
	if err := checkID("override id", o.ID); err != nil {
		return nil, err
	}
	subj, err := j.OverrideSubject(o.Topic)
	if err != nil {
		return nil, fmt.Errorf("%w: override %s: %w", ErrInvalidEvent, o.ID, err)
	}
	data, err := json.Marshal(o)
	if err != nil {
		return nil, fmt.Errorf("%w: override %s: %w", ErrInvalidEvent, o.ID, err)
	}
	msg := nats.NewMsg(subj)
	msg.Data = data
	msg.Header.Set(jetstream.MsgIDHeader, "override:"+o.ID)
	return msg, nil
}

// storyMsg builds the message of story s on the topic o names (see
// PublishOptions), with its message id: "story:<id>", then
// ":<revision>" for a revision, then "@<topic>" on a topic other than
// s.Topic.
func (j *JetStream) storyMsg(s story.Story, o PublishOptions) (*nats.Msg, error) {
	if err := checkID("story id", s.ID); err != nil {
		return nil, err
	}
	if err := checkTopics(s); err != nil {
		return nil, err
	}
	topic := cmp.Or(o.Topic, s.Topic)
	if !s.HasTopic(topic) {
		return nil, fmt.Errorf("%w: story %s is not announced on topic %q (its topics: %q)", ErrInvalidEvent, s.ID, topic, s.AllTopics())
	}
	id := "story:" + s.ID
	if o.Revision != "" {
		if err := checkID("story revision", o.Revision); err != nil {
			return nil, err
		}
		id += ":" + o.Revision
	}
	if topic != s.Topic {
		id += "@" + topic
	}
	subj, err := j.Subject(topic)
	if err != nil {
		return nil, fmt.Errorf("%w: story %s: %w", ErrInvalidEvent, s.ID, err)
	}
	if s.Version == 0 {
		s.Version = story.Version
	}
	data, err := json.Marshal(s)
	if err != nil {
		return nil, fmt.Errorf("%w: story %s: %w", ErrInvalidEvent, s.ID, err)
	}
	msg := nats.NewMsg(subj)
	msg.Data = data
	msg.Header.Set(jetstream.MsgIDHeader, id)
	return msg, nil
}

// checkTopics checks a story's topics: Topic valid, and Topics, when
// set, valid, without repeats, Topic first.
func checkTopics(s story.Story) error {
	if err := story.ValidateTopic(s.Topic); err != nil {
		return fmt.Errorf("%w: story %s: %w", ErrInvalidEvent, s.ID, err)
	}
	if len(s.Topics) == 0 {
		return nil
	}
	if s.Topics[0] != s.Topic {
		return fmt.Errorf("%w: story %s: topics %q do not start with its topic %q", ErrInvalidEvent, s.ID, s.Topics, s.Topic)
	}
	for i, t := range s.Topics {
		if err := story.ValidateTopic(t); err != nil {
			return fmt.Errorf("%w: story %s: topics: %w", ErrInvalidEvent, s.ID, err)
		}
		if slices.Contains(s.Topics[:i], t) {
			return fmt.Errorf("%w: story %s: topic %q listed twice", ErrInvalidEvent, s.ID, t)
		}
	}
	return nil
}

func (j *JetStream) duplicateMsg(d story.Duplicate) (*nats.Msg, error) {
	if err := checkID("duplicate story id", d.StoryID); err != nil {
		return nil, err
	}
	subj, err := j.DuplicateSubject(d.Topic)
	if err != nil {
		return nil, fmt.Errorf("%w: duplicate of %s: %w", ErrInvalidEvent, d.StoryID, err)
	}
	if d.Version == 0 {
		d.Version = story.Version
	}
	data, err := json.Marshal(d)
	if err != nil {
		return nil, fmt.Errorf("%w: duplicate of %s: %w", ErrInvalidEvent, d.StoryID, err)
	}
	msg := nats.NewMsg(subj)
	msg.Data = data
	msg.Header.Set(jetstream.MsgIDHeader, "dupe:"+d.StoryID+":"+d.MemberKey())
	return msg, nil
}

// maxIDLen bounds story IDs; they travel in a message header and in keys.
const maxIDLen = 512

// checkID rejects IDs that cannot be a header value or a store key.
func checkID(what, id string) error {
	if id == "" {
		return fmt.Errorf("%w: empty %s", ErrInvalidEvent, what)
	}
	if len(id) > maxIDLen {
		return fmt.Errorf("%w: %s longer than %d bytes", ErrInvalidEvent, what, maxIDLen)
	}
	for _, r := range id {
		if r < ' ' || r == 0x7f {
			return fmt.Errorf("%w: %s %q has a control character", ErrInvalidEvent, what, id)
		}
	}
	return nil
}

// Retryable reports whether a publish error is worth retrying: timeouts,
// no responders (the stream is not reachable right now), a connection that
// is not currently connected, JetStream's "temporarily unavailable", and
// "no suitable peers for placement" (a cluster node is offline).
// Invalid events, invalid topics and a cancelled context are not.
func Retryable(err error) bool {
	if err == nil || errors.Is(err, ErrInvalidEvent) || errors.Is(err, story.ErrInvalidTopic) ||
		errors.Is(err, context.Canceled) {
		return false
	}
	for _, target := range []error{
		context.DeadlineExceeded,
		nats.ErrTimeout,
		nats.ErrNoResponders,
		nats.ErrConnectionReconnecting,
		nats.ErrDisconnected,
		jetstream.ErrNoStreamResponse,
		jetstream.ErrAsyncPublishTimeout,
	} {
		if errors.Is(err, target) {
			return true
		}
	}
	var jerr jetstream.JetStreamError
	if errors.As(err, &jerr) && jerr.APIError() != nil {
		api := jerr.APIError()
		return api.Code == 503 || api.ErrorCode == errCodeNoPeers
	}
	return false
}

// errCodeNoPeers is JetStream's "no suitable peers for placement": a
// stream with replicas cannot be placed because too few servers of the
// cluster are online, as while a cluster forms or a node restarts.
const errCodeNoPeers jetstream.ErrorCode = 10005
