#!/usr/bin/env bash
# Installs the Debian packages tinnhiem needs when they are missing ("documents": fonts and pdftoppm only):
#   fonts-liberation2  Liberation Serif 2.x, metric-compatible with Times New Roman, complete Vietnamese
#                      (Debian's older fonts-liberation 1.07 lacks ơ, ư: docs/documents.md)
#   poppler-utils      pdftoppm, to render the minutes to PNG and look at them
#   chromium           the browser the Playwright tests drive (never a downloaded browser)
#   redis-server       the live-updates tests run two workers against a real Redis (.ci/run starts it)
#   libreoffice-writer-nogui  the minutes' DOCX is converted by a real word processor, as staff will open it
#                      (without recommends: 49 packages, 84 MB download, 247 MB installed)
#   softhsm2           a PKCS#11 token in software: the tests sign the minutes through it as a committee
#                      member's USB token would (scripts/softhsm-tokens.py makes the tokens)
set -euo pipefail
need=()
lean=()  # installed without their recommended packages
[ -f /usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf ] || need+=(fonts-liberation2)
command -v pdftoppm >/dev/null || need+=(poppler-utils)
if [ "${1:-all}" = all ]; then  # the test tier only: a browser to drive, a Redis to publish through
  [ -x /usr/bin/chromium ] || need+=(chromium)
  command -v redis-server >/dev/null || need+=(redis-server)
  command -v soffice >/dev/null || lean+=(libreoffice-writer-nogui)
  command -v softhsm2-util >/dev/null || need+=(softhsm2)
fi
[ $(( ${#need[@]} + ${#lean[@]} )) -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "tinnhiem: please install ${need[*]} ${lean[*]} (apt-get install ${need[*]} ${lean[*]});" \
    "meanwhile documents fall back to DejaVu Serif and the tests needing them fail or skip." >&2
  exit 0
fi
echo "tinnhiem: installing ${need[*]} ${lean[*]} from Debian"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
[ ${#need[@]} -eq 0 ] || apt-get install -y -qq "${need[@]}" >/dev/null
[ ${#lean[@]} -eq 0 ] || apt-get install -y -qq --no-install-recommends "${lean[@]}" >/dev/null
