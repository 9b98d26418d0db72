#!/usr/bin/env bash
# The test command: every test with the race detector, the end-to-end test
# against both the embedded server and a standalone nats-server, a short run
# of every fuzz target, and each benchmark once so they keep working.
#
#   FEEDSIFT_SHARED   path of the shared corpora (default ../shared)
#   FUZZTIME          time per fuzz target (default 10s; 0 skips fuzzing)
#   FEEDSIFT_REQUIRE_BROWSER=1  fail (not skip) the browser test of the
#                     report page when Chromium is missing (CI sets it)
set -euo pipefail
cd "$(dirname "$0")/.."

export FEEDSIFT_SHARED="${FEEDSIFT_SHARED:-$(cd .. && pwd)/shared}"
scripts/install-nats-server.sh
export FEEDSIFT_NATS_SERVER="$PWD/.bin/nats-server"
export FEEDSIFT_REQUIRE_NATS_SERVER=1
# Headless Chromium for the report page's browser test (Debian's package).
if ! scripts/install-chromium.sh; then
  if [ "${FEEDSIFT_REQUIRE_BROWSER:-}" = 1 ]; then
    echo "test: chromium could not be installed and FEEDSIFT_REQUIRE_BROWSER=1" >&2
    exit 1
  fi
  echo "test: chromium could not be installed; the browser test will skip" >&2
fi

# FEEDSIFT_EVAL=1 also scores extraction and dedupe on the labelled
# corpora and fails below the floors the README's figures are guarded by.
FEEDSIFT_EVAL=1 go test -race -shuffle=on -timeout 30m ./...

fuzztime="${FUZZTIME:-10s}"
if [ "$fuzztime" != 0 ]; then
  # One target per run: go test -fuzz takes a single package and target.
  for target in $(grep -rlE '^func Fuzz' --include='*_test.go' . | sort); do
    pkg="./$(dirname "${target#./}")"
    for fn in $(grep -oE '^func (Fuzz[A-Za-z0-9_]+)' "$target" | awk '{print $2}'); do
      echo "fuzz $pkg $fn for $fuzztime"
      go test -run='^$' -fuzz="^${fn}\$" -fuzztime="$fuzztime" "$pkg"
    done
  done
fi

# A smoke run: the 1M-story memory benchmark runs on 20k stories here.
FEEDSIFT_BENCH_STORIES=20000 go test -run='^$' -bench=. -benchtime=1x ./... > /dev/null
echo "benchmarks ran once each"
