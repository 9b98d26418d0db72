#!/usr/bin/env bash
# The test command: every test with the race detector, the end-to-end test
# against both the embedded server and a standalone nats-server, one fault
# test under load, a short run of every fuzz target, and each benchmark once
# so they keep working.
#
# Every phase runs even when an earlier one failed: the script reports each
# phase's result and time at the end and exits non-zero if any failed.
#
#   FEEDSIFT_SHARED   path of the shared corpora (default ../shared)
#   FUZZTIME          budget per fuzz target (default 20000x, executions;
#                     0 skips fuzzing). A count, not a duration: with a
#                     duration, Go 1.26's fuzz coordinator can report a
#                     spurious "context deadline exceeded" at the deadline
#                     on a busy machine (go.dev/issue/75804, fixed in 1.27).
#   FEEDSIFT_REQUIRE_BROWSER=1  fail (not skip) the browser tests when
#                     Chromium is missing (CI sets it)
set -uo pipefail
cd "$(dirname "$0")/.."

export FEEDSIFT_SHARED="${FEEDSIFT_SHARED:-$(cd .. && pwd)/shared}"

failed=()
summary=()
# phase NAME CMD...: runs CMD, records its result and duration.
phase() {
  local name="$1"
  shift
  local start=$SECONDS
  echo "== $name" >&2
  if "$@"; then
    summary+=("ok    $(printf '%4ds' $((SECONDS - start)))  $name")
  else
    summary+=("FAIL  $(printf '%4ds' $((SECONDS - start)))  $name")
    failed+=("$name")
  fi
}

if ! scripts/install-nats-server.sh; then
  echo "test: nats-server could not be installed" >&2
  exit 1
fi
export FEEDSIFT_NATS_SERVER="$PWD/.bin/nats-server"
export FEEDSIFT_REQUIRE_NATS_SERVER=1
# Headless Chromium for the pages' browser tests (Debian's package; needs
# root the first time, see scripts/install-chromium.sh).
if ! scripts/install-chromium.sh; then
  if [ "${FEEDSIFT_REQUIRE_BROWSER:-}" = 1 ]; then
    echo "test: chromium could not be installed and FEEDSIFT_REQUIRE_BROWSER=1" >&2
    exit 1
  fi
  echo "test: chromium could not be installed; the browser tests will skip" >&2
fi

# FEEDSIFT_EVAL=1 also scores extraction and dedupe on the labelled
# corpora and fails below the floors the README's figures are guarded by.
phase "go test -race ./..." env FEEDSIFT_EVAL=1 go test -race -shuffle=on -timeout 30m ./...

# One fault test in load mode (package testload): the guarantee must hold
# on a machine whose CPUs are oversubscribed five-fold, not only when idle.
phase "fault test under load (FEEDSIFT_STRESS=1 TestKillInstance)" \
  env FEEDSIFT_STRESS=1 go test -count=1 -run '^TestKillInstance$' ./internal/clustertest

fuzztime="${FUZZTIME:-20000x}"
if [ "$fuzztime" != 0 ]; then
  # One target per run: go test -fuzz takes a single package and target.
  for target in $(grep -rlE '^func Fuzz' --include='*_test.go' . | sort); do
    pkg="./$(dirname "${target#./}")"
    for fn in $(grep -oE '^func (Fuzz[A-Za-z0-9_]+)' "$target" | awk '{print $2}'); do
      phase "fuzz $pkg $fn ($fuzztime)" go test -run='^$' -fuzz="^${fn}\$" -fuzztime="$fuzztime" "$pkg"
    done
  done
fi

# A smoke run: the 1M-story memory benchmark runs on 20k stories here,
# and the farm benchmark on 20 sites of 5 items, 100ms apart.
bench_once() {
  local out
  out=$(mktemp)
  if ! FEEDSIFT_BENCH_STORIES=20000 FEEDSIFT_FARM=20x5 FEEDSIFT_FARM_INTERVAL=100ms go test -run='^$' -bench=. -benchtime=1x ./... > "$out" 2>&1; then
    grep -vE '^(Benchmark|goos|goarch|pkg|cpu|PASS|ok )' "$out" >&2
    rm -f "$out"
    return 1
  fi
  rm -f "$out"
}
phase "benchmarks once" bench_once

echo
echo "test summary:"
printf '  %s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
  echo "test: ${#failed[@]} phase(s) failed" >&2
  exit 1
fi
echo "test: all phases passed"
