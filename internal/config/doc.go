// Package config loads feedsift's TOML configuration.
//
// Load starts from the defaults, decodes the file strictly (an unknown key
// is an error naming the key), applies NATS credentials from the
// environment, and validates every field, reporting all problems at once
// with errors.Join, each prefixed with the key it concerns
// ("feed[2].url: ..."). The returned Config is a plain value: callers copy
// what they need into each package's Options. There is no package state.
package config
