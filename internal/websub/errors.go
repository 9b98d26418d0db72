package websub

import (
	"errors"
	"fmt"
	"net/http"
)

// ErrInvalidOptions is returned by New when Options cannot be used, for
// example a CallbackBase that is not an absolute http or https URL.
var ErrInvalidOptions = errors.New("websub: invalid options")

// ErrInvalidURL is returned by Subscribe when the topic or hub is not an
// absolute http or https URL.
var ErrInvalidURL = errors.New("websub: invalid url")

// ErrBadSecret is returned by Subscribe when Options.Secret produced a
// secret shorter than 32 bytes or of 200 bytes or more (the spec's limit).
var ErrBadSecret = errors.New("websub: bad secret")

// ErrHubRejected is returned by Subscribe and Unsubscribe when the hub
// answers the request with a status other than 2xx. The error is a
// *HubError carrying the status.
var ErrHubRejected = errors.New("websub: hub rejected request")

// ErrUnknownTopic is returned by Unsubscribe and Renew for a topic that has no
// subscription.
var ErrUnknownTopic = errors.New("websub: unknown topic")

// ErrInvalidState is returned by Unmarshal for data that is not a valid
// encoding of subscriptions.
var ErrInvalidState = errors.New("websub: invalid state")

// HubError is the answer of a hub that did not accept a subscription
// request. It matches ErrHubRejected with errors.Is.
type HubError struct {
	Mode   string // "subscribe" or "unsubscribe"
	Hub    string
	Status int
	Body   string // the start of the response body, for the log
}

// Error implements error.
func (e *HubError) Error() string {
	msg := fmt.Sprintf("websub: hub %s rejected %s: %d %s", e.Hub, e.Mode, e.Status, http.StatusText(e.Status))
	if e.Body != "" {
		msg += ": " + e.Body
	}
	return msg
}

// Is reports whether target is ErrHubRejected.
func (e *HubError) Is(target error) bool { return target == ErrHubRejected }
