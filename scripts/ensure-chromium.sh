#!/usr/bin/env bash
# Browser tests drive Debian's Chromium; install it (and its driver) if this machine lacks it.
set -euo pipefail
# A Thai font too, so pages and screenshots show Thai letters rather than boxes.
if [ -x /usr/bin/chromium ] && dpkg -s fonts-thai-tlwg >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "Chromium is missing: run 'sudo apt-get install -y chromium chromium-driver' (browser tests need it)." >&2
  exit 1
fi
echo "Installing Debian's chromium, chromium-driver and a Thai font for the browser tests..."
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium chromium-driver fonts-thai-tlwg >/dev/null
