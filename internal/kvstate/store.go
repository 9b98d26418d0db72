package kvstate

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/feedsift/feedsift/internal/natskey"
	"github.com/feedsift/feedsift/internal/story"
)

// Defaults for Options.
const (
	DefaultBucket         = "FEEDSIFT_FEEDS"
	DefaultReplicas       = 1
	DefaultHistory        = 1
	DefaultTimeout        = 5 * time.Second
	DefaultUpdateAttempts = 10
)

// maxHistory is JetStream's limit on KV history.
const maxHistory = 64

// Options configures Open. Zero values mean the documented defaults.
type Options struct {
	// Bucket is the KV bucket name: letters, digits, '-' and '_'.
	// Default "FEEDSIFT_FEEDS".
	Bucket string
	// Replicas is the bucket's replica count, 1 to 5. Default 1.
	Replicas int
	// History is how many revisions of each key are kept, 1 to 64.
	// Default 1.
	History int
	// Timeout bounds each FeedState and PutFeedState call, which take no
	// context. Default 5s.
	Timeout time.Duration
	// UpdateAttempts is how many times Update tries its compare-and-set
	// before it fails with ErrConflict. Default 10.
	UpdateAttempts int
	// Logger receives store events. Nil discards them.
	Logger *slog.Logger
}

// Store is the feed state in one KV bucket. It is safe for concurrent use.
type Store struct {
	kv       jetstream.KeyValue
	bucket   string
	timeout  time.Duration
	attempts int
	log      *slog.Logger
}

// Open creates the bucket, or updates its configuration in place to opts
// (replicas, history), and returns a Store on it. Several instances may
// Open the same bucket at once with the same options.
func Open(ctx context.Context, js jetstream.JetStream, opts Options) (*Store, error) {
	if js == nil {
		return nil, fmt.Errorf("%w: nil jetstream", ErrInvalidOption)
	}
	opts.Bucket = cmp.Or(opts.Bucket, DefaultBucket)
	opts.Replicas = cmp.Or(opts.Replicas, DefaultReplicas)
	opts.History = cmp.Or(opts.History, DefaultHistory)
	opts.Timeout = cmp.Or(opts.Timeout, DefaultTimeout)
	opts.UpdateAttempts = cmp.Or(opts.UpdateAttempts, DefaultUpdateAttempts)
	switch {
	case !validBucket(opts.Bucket):
		return nil, fmt.Errorf("%w: bucket name %q: want letters, digits, '-' and '_'", ErrInvalidOption, opts.Bucket)
	case opts.Replicas < 1 || opts.Replicas > 5:
		return nil, fmt.Errorf("%w: replicas %d not in 1..5", ErrInvalidOption, opts.Replicas)
	case opts.History < 1 || opts.History > maxHistory:
		return nil, fmt.Errorf("%w: history %d not in 1..%d", ErrInvalidOption, opts.History, maxHistory)
	case opts.Timeout < 0:
		return nil, fmt.Errorf("%w: negative timeout %s", ErrInvalidOption, opts.Timeout)
	case opts.UpdateAttempts < 0:
		return nil, fmt.Errorf("%w: negative update attempts %d", ErrInvalidOption, opts.UpdateAttempts)
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	kv, err := js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket:      opts.Bucket,
		Description: "feedsift feed state",
		History:     uint8(opts.History),
		Storage:     jetstream.FileStorage,
		Replicas:    opts.Replicas,
	})
	if err != nil {
		return nil, fmt.Errorf("kvstate: create or update bucket %s: %w", opts.Bucket, err)
	}
	log.Info("kvstate: bucket ready", "bucket", opts.Bucket, "replicas", opts.Replicas, "history", opts.History)
	return &Store{kv: kv, bucket: opts.Bucket, timeout: opts.Timeout, attempts: opts.UpdateAttempts, log: log}, nil
}

// Bucket returns the bucket name.
func (s *Store) Bucket() string { return s.bucket }

// FeedState returns the state of one feed and whether it exists, like Get
// under ctx bounded by Options.Timeout. It satisfies the pipeline's
// StateStore.
func (s *Store) FeedState(ctx context.Context, feedID string) (story.FeedState, bool, error) {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	return s.Get(ctx, feedID)
}

// PutFeedState stores st under st.FeedID, like Put under ctx bounded by
// Options.Timeout. It satisfies the pipeline's StateStore.
func (s *Store) PutFeedState(ctx context.Context, st story.FeedState) error {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	return s.Put(ctx, st)
}

// Get returns the latest state of a feed and whether it exists. A deleted
// or never written key is (zero, false, nil).
func (s *Store) Get(ctx context.Context, feedID string) (story.FeedState, bool, error) {
	key, err := Key(feedID)
	if err != nil {
		return story.FeedState{}, false, err
	}
	st, _, found, err := s.get(ctx, feedID, key)
	return st, found, err
}

// get reads key and returns its state, its revision and whether a state
// exists. A missing or deleted key has revision 0.
func (s *Store) get(ctx context.Context, feedID, key string) (story.FeedState, uint64, bool, error) {
	e, err := s.kv.Get(ctx, key)
	switch {
	case errors.Is(err, jetstream.ErrKeyNotFound), errors.Is(err, jetstream.ErrKeyDeleted):
		return story.FeedState{}, 0, false, nil
	case err != nil:
		return story.FeedState{}, 0, false, fmt.Errorf("kvstate: get %s: %w", feedID, err)
	}
	st, err := decode(feedID, e.Value())
	if err != nil {
		return story.FeedState{}, 0, false, err
	}
	return st, e.Revision(), true, nil
}

func decode(feedID string, data []byte) (story.FeedState, error) {
	var st story.FeedState
	if err := json.Unmarshal(data, &st); err != nil {
		return story.FeedState{}, fmt.Errorf("%w: feed %s: %w", ErrInvalidValue, feedID, err)
	}
	if st.FeedID != feedID {
		return story.FeedState{}, fmt.Errorf("%w: key of feed %q holds the state of feed %q", ErrInvalidValue, feedID, st.FeedID)
	}
	return st, nil
}

// Put stores st under st.FeedID, replacing any earlier state whatever its
// revision (last writer wins; use Update to read-modify-write).
func (s *Store) Put(ctx context.Context, st story.FeedState) error {
	key, err := Key(st.FeedID)
	if err != nil {
		return fmt.Errorf("kvstate: put: %w", err)
	}
	data, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("kvstate: put %s: %w", st.FeedID, err)
	}
	if _, err := s.kv.Put(ctx, key, data); err != nil {
		return fmt.Errorf("kvstate: put %s: %w", st.FeedID, err)
	}
	return nil
}

// Update reads the latest state of feedID, passes it to fn (with found
// false and a zero state when there is none) and writes fn's result only
// if nobody wrote the key since the read. On such a conflict it starts
// over, at most Options.UpdateAttempts times in all, then fails with
// ErrConflict. fn may run several times; an error from fn ends Update
// without a write and is returned wrapped. A result with an empty FeedID
// gets feedID; a result naming another feed fails with ErrInvalidFeedID.
func (s *Store) Update(ctx context.Context, feedID string, fn func(old story.FeedState, found bool) (story.FeedState, error)) error {
	key, err := Key(feedID)
	if err != nil {
		return fmt.Errorf("kvstate: update: %w", err)
	}
	if fn == nil {
		return fmt.Errorf("kvstate: update %s: nil function", feedID)
	}
	for attempt := 1; attempt <= s.attempts; attempt++ {
		old, rev, found, err := s.get(ctx, feedID, key)
		if err != nil {
			return fmt.Errorf("kvstate: update: %w", err)
		}
		st, err := fn(old, found)
		if err != nil {
			return fmt.Errorf("kvstate: update %s: %w", feedID, err)
		}
		if st.FeedID == "" {
			st.FeedID = feedID
		}
		if st.FeedID != feedID {
			return fmt.Errorf("%w: update of feed %q returned the state of feed %q", ErrInvalidFeedID, feedID, st.FeedID)
		}
		data, err := json.Marshal(st)
		if err != nil {
			return fmt.Errorf("kvstate: update %s: %w", feedID, err)
		}
		if found {
			_, err = s.kv.Update(ctx, key, data, rev)
		} else {
			// Create succeeds only while the key has no value (never
			// written, or deleted: it follows the delete marker itself).
			_, err = s.kv.Create(ctx, key, data)
		}
		if err == nil {
			return nil
		}
		if !conflict(err) {
			return fmt.Errorf("kvstate: update %s: %w", feedID, err)
		}
		s.log.Debug("kvstate: update conflict, retrying", "feed_id", feedID, "attempt", attempt, "revision", rev)
		if err := sleep(ctx, retryWait(attempt)); err != nil {
			return fmt.Errorf("kvstate: update %s: %w", feedID, err)
		}
	}
	return fmt.Errorf("%w: feed %s after %d attempts", ErrConflict, feedID, s.attempts)
}

// conflict reports whether a KV write failed its revision precondition.
// Replicated buckets report it with another error code than single-node
// ones, and a create that follows a delete marker reports it unmapped.
func conflict(err error) bool {
	if errors.Is(err, jetstream.ErrKeyRevisionMismatch) || errors.Is(err, jetstream.ErrKeyExists) {
		return true
	}
	var apiErr *jetstream.APIError
	return errors.As(err, &apiErr) &&
		(apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequence ||
			apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequenceConstant)
}

// retryWait spreads competing writers apart: up to 2ms doubling per
// attempt, capped at 100ms, chosen at random.
func retryWait(attempt int) time.Duration {
	d := min(time.Millisecond<<min(attempt, 7), 100*time.Millisecond)
	return rand.N(d) + time.Millisecond
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// List returns the latest state of every feed in the bucket, ordered by
// feed ID. Deleted keys are left out. A key that is not a feed key, or a
// value that does not decode, is logged at warning level and skipped, so
// one bad entry cannot hide the others.
func (s *Store) List(ctx context.Context) ([]story.FeedState, error) {
	w, err := s.kv.WatchAll(ctx, jetstream.IgnoreDeletes())
	if err != nil {
		return nil, fmt.Errorf("kvstate: list: %w", err)
	}
	defer func() {
		if err := w.Stop(); err != nil {
			s.log.Debug("kvstate: stop list watcher", "error", err)
		}
	}()
	latest := map[string]story.FeedState{}
	for {
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("kvstate: list: %w", ctx.Err())
		case e, ok := <-w.Updates():
			if !ok {
				return nil, errors.New("kvstate: list: watcher closed early")
			}
			if e == nil {
				// Every current value was delivered.
				out := make([]story.FeedState, 0, len(latest))
				for _, st := range latest {
					out = append(out, st)
				}
				slices.SortFunc(out, func(a, b story.FeedState) int { return cmp.Compare(a.FeedID, b.FeedID) })
				return out, nil
			}
			if e.Operation() != jetstream.KeyValuePut {
				continue
			}
			id, err := FeedID(e.Key())
			if err != nil {
				s.log.Warn("kvstate: list: skipping foreign key", "bucket", s.bucket, "error", err)
				continue
			}
			st, err := decode(id, e.Value())
			if err != nil {
				s.log.Warn("kvstate: list: skipping bad value", "bucket", s.bucket, "feed_id", id, "error", err)
				continue
			}
			latest[id] = st
		}
	}
}

func validBucket(s string) bool { return natskey.Plain(s) }
