#!/usr/bin/env bash
# Set up wfhdoc in .venv (a fresh virtual environment beside the code).
#   bash tools/setup.sh          the tool itself
#   bash tools/setup.sh --test   also what the tests need: the test packages, and LibreOffice,
#                                Liberation fonts, poppler, Chromium and its driver, Firefox ESR from Debian
#                                (installed with apt-get when missing; needs root or sudo)
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

if [ "$want_test" = 1 ]; then
  missing=()
  command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-writer-nogui)
  [ -d /usr/share/fonts/truetype/liberation2 ] || missing+=(fonts-liberation2)
  command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
  # the signing tests: a software PKCS#11 token, and the tool that writes a certificate to it
  command -v softhsm2-util >/dev/null 2>&1 || missing+=(softhsm2)
  command -v pkcs11-tool >/dev/null 2>&1 || missing+=(opensc)
  # the browser tests of wfhdoc web: Debian's Chromium and its driver (no browser downloaded)
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
  # and Debian's Firefox ESR, driven over WebDriver BiDi (it needs no geckodriver)
  command -v firefox-esr >/dev/null 2>&1 || command -v firefox >/dev/null 2>&1 || missing+=(firefox-esr)
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "installing ${missing[*]} with apt-get" >&2
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -q >/dev/null
    $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
if [ "$want_test" = 1 ]; then
  .venv/bin/python -m pip install -q -e '.[test]'
else
  .venv/bin/python -m pip install -q -e .
fi
