#!/usr/bin/env bash
# Installs Debian's chromium package (at /usr/bin/chromium) for the browser
# test of the dedupe report page (internal/httpapi), unless it is there
# already. It needs root and the Debian package mirror; it downloads no
# browser build of its own. Idempotent.
set -euo pipefail
bin=/usr/bin/chromium
if [ -x "$bin" ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "install-chromium: $bin is missing and this is not root; install Debian's chromium package" >&2
  exit 1
fi
echo "installing Debian's chromium package" >&2
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y --no-install-recommends chromium >/dev/null; then
  # A fresh machine has no package lists yet.
  apt-get update -qq
  apt-get install -y --no-install-recommends chromium >/dev/null
fi
"$bin" --version >&2
