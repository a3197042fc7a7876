#!/usr/bin/env bash
# Browser tests drive Debian's Chromium (never a Playwright-downloaded browser: there is no
# internet here). Install it with apt when it is missing and we may; otherwise say how.
set -u
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser tests (apt-get)..."
  apt-get update -qq >/dev/null && \
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null && exit 0
  echo "apt-get could not install chromium; browser tests will be skipped." >&2
  exit 0
fi
echo "Chromium is missing: browser tests will be skipped." >&2
echo "Install it with: sudo apt-get install -y chromium" >&2
exit 0
