#!/usr/bin/env bash
# Browser tests drive Debian's Chromium; install it (and its driver) if this machine lacks it.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "Chromium is missing: run 'sudo apt-get install -y chromium chromium-driver' (browser tests need it)." >&2
  exit 1
fi
echo "Installing Debian's chromium and chromium-driver for the browser tests..."
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium chromium-driver >/dev/null
