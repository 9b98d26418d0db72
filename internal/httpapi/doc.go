// Package httpapi serves the daemon's HTTP listener: liveness (/healthz),
// readiness (/readyz), Prometheus metrics (/metrics) and a small read API
// over the local store (/api/stories, /api/dupes, /api/feeds) that the
// stories and dupes commands use while the daemon holds the store.
//
// The listener binds to loopback by default. With Options.Token set, /api
// and /metrics require "Authorization: Bearer <token>"; /healthz and
// /readyz stay open for probes. The /api endpoints take the query
// parameters topic, since (see ParseSince) and limit; a bad one answers
// 400 naming it. A Server is safe for concurrent use.
package httpapi
