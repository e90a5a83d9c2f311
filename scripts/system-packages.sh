#!/usr/bin/env bash
# Installs the Debian packages tinnhiem needs when they are missing ("documents": fonts and pdftoppm only):
#   fonts-liberation2  Liberation Serif 2.x, metric-compatible with Times New Roman, complete Vietnamese
#                      (Debian's older fonts-liberation 1.07 lacks ơ, ư: docs/documents.md)
#   poppler-utils      pdftoppm, to render the minutes to PNG and look at them
#   chromium           the browser the Playwright tests drive (never a downloaded browser)
#   redis-server       the live-updates tests run two workers against a real Redis (.ci/run starts it)
set -euo pipefail
need=()
[ -f /usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf ] || need+=(fonts-liberation2)
command -v pdftoppm >/dev/null || need+=(poppler-utils)
if [ "${1:-all}" = all ]; then  # the test tier only: a browser to drive, a Redis to publish through
  [ -x /usr/bin/chromium ] || need+=(chromium)
  command -v redis-server >/dev/null || need+=(redis-server)
fi
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "tinnhiem: please install ${need[*]} (apt-get install ${need[*]}); falling back to DejaVu Serif." >&2
  exit 0
fi
echo "tinnhiem: installing ${need[*]} from Debian"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq "${need[@]}" >/dev/null
