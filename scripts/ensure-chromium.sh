#!/usr/bin/env bash
# Make sure Debian's Chromium is installed for the browser tests, and a Chinese
# font for the printable edition (the primary-source reader prints Chinese law).
# Never downloads a browser through Playwright (that fails offline).
set -euo pipefail
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
CJK_FONT_PACKAGE="fonts-wqy-microhei"   # Debian's small Simplified Chinese font (about 5 MB)

apt_install() {
  [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1 || return 1
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >/dev/null \
    || { apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >/dev/null; }
}
has_chinese_font() { fc-list :lang=zh 2>/dev/null | grep -q .; }

if [ ! -x "$CHROMIUM" ]; then
  echo "Installing Debian's chromium for the browser tests..."
  apt_install chromium || true
fi
if ! has_chinese_font; then
  echo "Installing a Chinese font ($CJK_FONT_PACKAGE) for the printable edition..."
  apt_install "$CJK_FONT_PACKAGE" || true
  has_chinese_font || cat >&2 <<MSG
No Chinese font found: the printed primary-source reader would show boxes for Chinese text.
Install one with:   sudo apt-get install -y $CJK_FONT_PACKAGE
MSG
fi
[ -x "$CHROMIUM" ] && exit 0
cat >&2 <<MSG
The browser tests need Chromium at $CHROMIUM and it is not installed.
Install it with:   sudo apt-get install -y chromium
(or point CHROMIUM_PATH at another Chromium binary). Do not run 'playwright install'.
MSG
exit 1
