#!/usr/bin/env bash
# Set wfhdoc up, build every sample letter of data/examples/ into out/, and the 27 letters of
# the sample workbook into out/batch/ (with its manifest).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
mkdir -p out
for data in data/examples/*.json; do
  .venv/bin/wfhdoc build "$data" -o out/
done
.venv/bin/wfhdoc batch data/examples/bao-cao-wfh-quang-tri.xlsx -o out/batch
echo "Các văn bản nằm trong out/ và out/batch/: mở bằng Word hoặc LibreOffice (the letters are in out/ and out/batch/)."
