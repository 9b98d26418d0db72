#!/usr/bin/env bash
# Installs the standalone nats-server used by the end-to-end tests into
# .bin/ (through the Go module proxy), unless it is there already.
set -euo pipefail
cd "$(dirname "$0")/.."
version=v2.15.3
bin="$PWD/.bin/nats-server"
if [ -x "$bin" ] && "$bin" --version 2>/dev/null | grep -q "${version#v}"; then
  exit 0
fi
echo "installing nats-server $version into .bin/" >&2
GOBIN="$PWD/.bin" go install "github.com/nats-io/nats-server/v2@$version"
