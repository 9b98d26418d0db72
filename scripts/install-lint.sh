#!/usr/bin/env bash
# Installs staticcheck into .bin/ (through the Go module proxy), unless the
# pinned version is there already. .ci/run runs it over both modules.
set -euo pipefail
cd "$(dirname "$0")/.."
version=v0.8.2
bin="$PWD/.bin/staticcheck"
if [ -x "$bin" ] && "$bin" -version 2>/dev/null | grep -q "${version#v}"; then
  exit 0
fi
echo "installing staticcheck $version into .bin/" >&2
GOBIN="$PWD/.bin" go install "honnef.co/go/tools/cmd/staticcheck@$version"
