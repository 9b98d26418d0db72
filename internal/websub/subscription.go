package websub

import "time"

// Status is where a subscription stands with its hub.
type Status string

// The statuses of a subscription.
const (
	// StatusPending: subscribe was requested and the hub has not yet
	// verified the intent.
	StatusPending Status = "pending"
	// StatusActive: the hub verified the intent; Expires says until when.
	StatusActive Status = "active"
	// StatusUnsubscribing: unsubscribe was requested and the hub has not
	// yet verified it.
	StatusUnsubscribing Status = "unsubscribing"
	// StatusDenied: the hub refused the subscription; Reason says why if
	// the hub said.
	StatusDenied Status = "denied"
)

func (s Status) valid() bool {
	switch s {
	case StatusPending, StatusActive, StatusUnsubscribing, StatusDenied:
		return true
	}
	return false
}

// Subscription is one topic's subscription at one hub. Its JSON encoding
// is what Marshal writes.
type Subscription struct {
	// Topic is the topic URL (the feed's rel="self").
	Topic string `json:"topic"`
	// Hub is the hub URL the subscription was requested at.
	Hub string `json:"hub"`
	// ID is the opaque last path segment of the callback URL.
	ID string `json:"id"`
	// Secret is the hub.secret content must be signed with. State leaves
	// it empty.
	Secret string `json:"secret,omitempty"`
	// Status is where the subscription stands.
	Status Status `json:"status"`
	// Requested is when subscribe (or unsubscribe) was last requested.
	Requested time.Time `json:"requested,omitzero"`
	// Verified is when the hub last verified the subscription.
	Verified time.Time `json:"verified,omitzero"`
	// LeaseSeconds is the lease the hub granted at the last verification.
	LeaseSeconds int64 `json:"lease_seconds,omitempty"`
	// Expires is when the granted lease ends; zero unless verified.
	Expires time.Time `json:"expires,omitzero"`
	// Reason is the hub's hub.reason when it denied the subscription.
	Reason string `json:"reason,omitempty"`
}

// Snapshot is the state of a Subscriber at one moment, for a status page.
type Snapshot struct {
	// Subscriptions are sorted by topic and carry no secrets.
	Subscriptions []Subscription
	// Delivered counts content distributions handed to OnContent.
	Delivered uint64
	// Unsigned counts content distributions without X-Hub-Signature,
	// accepted and dropped.
	Unsigned uint64
	// BadSignature counts content distributions whose signature did not
	// verify (wrong secret, unknown method, malformed), accepted and
	// dropped.
	BadSignature uint64
	// TooLarge counts content distributions refused with 413.
	TooLarge uint64
	// UnknownCallback counts requests for callback IDs with no
	// subscription (or whose hub.topic did not match).
	UnknownCallback uint64
}
