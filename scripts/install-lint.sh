#!/usr/bin/env bash
# Installs the linters .ci/run runs into .bin/ (through the Go module
# proxy), each unless its pinned version is there already: staticcheck,
# and golangci-lint with the linters of .golangci.yml. Building
# golangci-lint takes a few minutes on a cold module cache.
set -euo pipefail
cd "$(dirname "$0")/.."
staticcheck_version=v0.8.2
golangci_version=v2.15.0

bin="$PWD/.bin/staticcheck"
if ! { [ -x "$bin" ] && "$bin" -version 2>/dev/null | grep -q "${staticcheck_version#v}"; }; then
  echo "installing staticcheck $staticcheck_version into .bin/" >&2
  GOBIN="$PWD/.bin" go install "honnef.co/go/tools/cmd/staticcheck@$staticcheck_version"
fi

bin="$PWD/.bin/golangci-lint"
if ! { [ -x "$bin" ] && "$bin" version 2>/dev/null | grep -q "${golangci_version#v}"; }; then
  echo "installing golangci-lint $golangci_version into .bin/" >&2
  GOBIN="$PWD/.bin" go install "github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$golangci_version"
fi
