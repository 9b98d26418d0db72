#!/usr/bin/env bash
# Release build: static binaries with -trimpath (no local paths in the
# binary) and the version stamped in, for the usual server platforms.
#
#   scripts/release.sh [VERSION]     (default: git describe --tags --always --dirty)
#
# Writes dist/feedsift_<version>_<os>_<arch>[.exe] and dist/SHA256SUMS.
# Override the platforms with PLATFORMS="linux/amd64 linux/arm64".
set -euo pipefail
cd "$(dirname "$0")/.."
version="${1:-$(git describe --tags --always --dirty 2>/dev/null || echo dev)}"
platforms="${PLATFORMS:-linux/amd64 linux/arm64 darwin/arm64 darwin/amd64 freebsd/amd64}"
mkdir -p dist
for p in $platforms; do
	os="${p%/*}" arch="${p#*/}"
	out="dist/feedsift_${version}_${os}_${arch}"
	[ "$os" = windows ] && out="$out.exe"
	CGO_ENABLED=0 GOOS="$os" GOARCH="$arch" go build -trimpath \
		-ldflags "-s -w -X github.com/feedsift/feedsift/internal/cli.Version=${version}" \
		-o "$out" ./cmd/feedsift
	echo "built $out"
done
(cd dist && sha256sum feedsift_"${version}"_* > SHA256SUMS)
echo "wrote dist/SHA256SUMS"
