#!/usr/bin/env bash
# Set wfhdoc up, build every sample letter of data/examples/ into out/, and the 27 letters of
# the sample workbook into out/batch/ (with its manifest), and the consolidated report of the
# sample reporting round into out/tong-hop/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
mkdir -p out
for data in data/examples/*.json; do
  .venv/bin/wfhdoc build "$data" -o out/
done
.venv/bin/wfhdoc batch data/examples/bao-cao-wfh-quang-tri.xlsx -o out/batch
.venv/bin/wfhdoc tong-hop data/examples/tong-hop/answers.xlsx --report data/examples/tong-hop/report-form.yaml \
  -o out/tong-hop
echo "Các văn bản nằm trong out/, out/batch/ và out/tong-hop/: mở bằng Word hoặc LibreOffice (the letters are in out/, out/batch/ and out/tong-hop/)."
