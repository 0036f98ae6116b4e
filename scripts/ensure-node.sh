#!/usr/bin/env bash
# Make sure Node.js and npm are installed: the accessibility test injects
# axe-core and the benchmark runs Lighthouse, both pinned in package-lock.json.
set -euo pipefail
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's nodejs and npm for the accessibility checks..."
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nodejs npm >/dev/null \
    || { apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nodejs npm >/dev/null; }
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 && exit 0
fi
cat >&2 <<MSG
The accessibility test and the benchmark need Node.js (18.16 or later) and npm.
Install them with:   sudo apt-get install -y nodejs npm
MSG
exit 1
