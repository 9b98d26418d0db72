#!/usr/bin/env bash
# The benchmarks behind the README's figures. Each pairs feedsift's code
# with a baseline measured in the same run:
#   parser   feedsift.Parse (charset + gofeed + translation)  vs raw gofeed
#   extract  extract.Extract                                   vs all text of <body> with goquery
#   dedupe   the near-duplicate index                          vs brute-force containment against every story
#   fetcher  fetcher.Fetch (guard, limits, decode, caps)       vs plain http.Client.Get
#   sink     publish with the exactly-once condition            vs plain publish
#   pipeline 40 polite sites, polls at once: the default      vs the old default of 8
#   sink     a copy's write with the report index               vs the bare put of the record
#   sink     page archive saves from 32 goroutines: DB.Batch vs one DB.Update (commit + fsync) per page
#   sink     the stream consumer's writes, 128 events per transaction vs one transaction per event
#   sink     a page's archive encoding, S2 block                     vs gzip at the fastest level (pooled, and new writer)
#   daemon   the whole daemon on a farm of sites, default politeness  vs fetch + gofeed + feedsift extract, no politeness
#            (FEEDSIFT_FARM=2000x20 or 20000x2 for issue 14's large rows)
#   bench/   the same farm                                            vs fetch + gofeed + go-trafilatura, issue 14's baseline
#            (cd bench && go run ./cmd/farmcompare --farm 2000x20 [--workers N] for the README's table)
#   sink     newest 20 stories / report entries, 10k and 100k   vs the report read by walking every duplicate
#            stories (FEEDSIFT_BENCH_STORE_SIZES=10000,100000,1000000 for issue 14's range)
# Usage: scripts/bench.sh [benchtime]   (default 1s; pass e.g. 3x for a quick look)
set -euo pipefail
cd "$(dirname "$0")/.."
export FEEDSIFT_SHARED="${FEEDSIFT_SHARED:-$(cd .. && pwd)/shared}"
bt="${1:-1s}"
go test -run '^$' -benchtime "$bt" -bench 'BenchmarkParse' ./parser
go test -run '^$' -benchtime "$bt" -bench 'BenchmarkExtract/wcxb' ./extract
go test -run '^$' -benchtime "$bt" -bench 'BenchmarkMatchAdd' ./dedupe
go test -run '^$' -benchtime "$bt" -bench . ./fetcher
go test -run '^$' -benchtime "$bt" -bench 'BenchmarkPublish' ./sink
go test -run '^$' -benchtime "$bt" -bench 'BenchmarkReads' ./sink
go test -run '^$' -benchtime 2x -bench 'BenchmarkPoliteFarm' ./internal/pipeline
go test -run '^$' -benchtime "$bt" -bench 'BenchmarkSavePageConcurrent' ./sink
go test -run '^$' -benchtime "$bt" -bench 'BenchmarkDupeWrite' ./sink
go test -run '^$' -benchtime "$bt" -bench 'BenchmarkPutEvents' ./sink
go test -run '^$' -benchtime "$bt" -bench 'BenchmarkEncodePage' ./sink
go test -run '^$' -benchtime 1x -timeout 2h -bench 'BenchmarkFarm' ./internal/daemon
(cd bench && go run ./cmd/farmcompare --farm 50x20)
