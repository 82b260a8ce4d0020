#!/usr/bin/env bash
# Set wfhdoc up and build every sample letter of data/examples/ into out/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
mkdir -p out
for data in data/examples/*.json; do
  .venv/bin/wfhdoc build "$data" -o out/
done
echo "the letters are in out/; open them in Word or LibreOffice"
