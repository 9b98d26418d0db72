package websub

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"hash"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxReason bounds the hub.reason kept from a denial.
const maxReason = 256

// ServeHTTP serves the callback URLs: CallbackBase + "/" + ID. The ID is
// the last segment of the request path, so the handler may be mounted
// with or without http.StripPrefix.
//
//   - GET with hub.mode=subscribe or unsubscribe is the hub's verification
//     of intent: when the ID and hub.topic match a subscription waiting for
//     it, the subscription becomes active (its lease recorded) or is
//     removed, and hub.challenge is echoed with 200; otherwise 404.
//   - GET with hub.mode=denied marks the subscription denied (200; 404 for
//     an unknown ID or topic).
//   - POST is content distribution. Unknown IDs get 410 Gone, so the hub
//     drops them; bodies over MaxBody get 413. Any other delivery gets 202
//     whether or not its X-Hub-Signature verifies, as the spec allows, but
//     only a verified one reaches OnContent; the rest are logged at warn
//     and counted.
func (s *Subscriber) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
	switch r.Method {
	case http.MethodGet:
		s.verify(w, r, id)
	case http.MethodPost:
		s.content(w, r, id)
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

// verify answers the hub's verification of intent and denial.
func (s *Subscriber) verify(w http.ResponseWriter, r *http.Request, id string) {
	q := r.URL.Query()
	mode, topic, challenge := q.Get("hub.mode"), q.Get("hub.topic"), q.Get("hub.challenge")
	log := s.log.With("callback_id", id, "topic", topic, "mode", mode)
	var lease int64
	switch mode {
	case "subscribe", "unsubscribe":
		if challenge == "" {
			http.Error(w, "missing hub.challenge", http.StatusBadRequest)
			return
		}
		if v := q.Get("hub.lease_seconds"); mode == "subscribe" && v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 0 || n > 1<<31 {
				http.Error(w, "bad hub.lease_seconds", http.StatusBadRequest)
				return
			}
			lease = n
		}
	case "denied":
	default:
		http.Error(w, "unknown hub.mode", http.StatusBadRequest)
		return
	}

	now := s.now()
	s.mu.Lock()
	rec := s.byID[id]
	agree := rec != nil && rec.sub.Topic == topic
	if agree {
		switch mode {
		case "subscribe":
			agree = rec.sub.Status == StatusPending || rec.sub.Status == StatusActive
			if agree {
				if lease == 0 { // absent or 0: assume what was asked for
					lease = int64(s.lease / time.Second)
				}
				rec.sub.Status, rec.sub.Reason = StatusActive, ""
				rec.sub.Verified = now
				rec.sub.LeaseSeconds = lease
				rec.sub.Expires = now.Add(time.Duration(lease) * time.Second)
			}
		case "unsubscribe":
			agree = rec.sub.Status == StatusUnsubscribing
			if agree {
				delete(s.byID, id)
				delete(s.byTopic, topic)
			}
		case "denied":
			reason := q.Get("hub.reason")
			if len(reason) > maxReason {
				reason = reason[:maxReason]
			}
			rec.sub.Status, rec.sub.Reason = StatusDenied, strings.ToValidUTF8(reason, "")
			rec.sub.Expires, rec.sub.LeaseSeconds = time.Time{}, 0
		}
	}
	s.mu.Unlock()

	if !agree {
		s.unknown.Add(1)
		log.Warn("websub verification refused: no matching subscription")
		http.NotFound(w, r)
		return
	}
	s.changed()
	switch mode {
	case "subscribe":
		log.Info("websub subscription verified", slog.Int64("lease_seconds", lease))
	case "unsubscribe":
		log.Info("websub unsubscription verified")
	case "denied":
		log.Warn("websub subscription denied by hub", "reason", q.Get("hub.reason"))
		w.WriteHeader(http.StatusOK)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, challenge) // a hub that hung up will retry verification
}

// content receives a content distribution.
func (s *Subscriber) content(w http.ResponseWriter, r *http.Request, id string) {
	s.mu.Lock()
	rec := s.byID[id]
	var topic, secret string
	if rec != nil {
		topic, secret = rec.sub.Topic, rec.sub.Secret
	}
	s.mu.Unlock()
	if rec == nil {
		s.unknown.Add(1)
		s.log.Warn("websub content for unknown callback", "callback_id", id)
		http.Error(w, "no such subscription", http.StatusGone)
		return
	}
	log := s.log.With("callback_id", id, "topic", topic)
	if r.ContentLength > s.maxBody {
		s.tooLarge.Add(1)
		log.Warn("websub content too large", slog.Int64("bytes", r.ContentLength), slog.Int64("max_bytes", s.maxBody))
		http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.maxBody))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			s.tooLarge.Add(1)
			log.Warn("websub content too large", slog.Int64("max_bytes", s.maxBody))
			http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
			return
		}
		log.Warn("websub content read failed", "error", err)
		http.Error(w, "cannot read body", http.StatusBadRequest)
		return
	}
	switch sig := r.Header.Get("X-Hub-Signature"); {
	case sig == "":
		s.unsigned.Add(1)
		log.Warn("websub content dropped: unsigned", slog.Int("bytes", len(body)))
	case !signatureOK(secret, sig, body):
		s.badSignature.Add(1)
		log.Warn("websub content dropped: signature does not verify", slog.Int("bytes", len(body)))
	default:
		s.delivered.Add(1)
		log.Debug("websub content received", slog.Int("bytes", len(body)))
		if s.onContent != nil {
			s.onContent(topic, body, r.Header.Clone())
		}
	}
	w.WriteHeader(http.StatusAccepted)
}

// signatureOK reports whether header, "method=hex", is the HMAC of body
// under secret with one of the spec's methods.
func signatureOK(secret, header string, body []byte) bool {
	method, sigHex, ok := strings.Cut(strings.TrimSpace(header), "=")
	if !ok {
		return false
	}
	var h func() hash.Hash
	switch strings.ToLower(method) {
	case "sha1":
		h = sha1.New
	case "sha256":
		h = sha256.New
	case "sha384":
		h = sha512.New384
	case "sha512":
		h = sha512.New
	default:
		return false
	}
	want, err := hex.DecodeString(sigHex)
	if err != nil {
		return false
	}
	mac := hmac.New(h, []byte(secret))
	mac.Write(body) // hash writes never fail
	return hmac.Equal(mac.Sum(nil), want)
}
