#!/usr/bin/env bash
# Set wfhdoc and its test tools up, then run the linters, the type checker and the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh --test
.venv/bin/ruff check wfh_docs tests tools benchmarks
.venv/bin/ruff format --check wfh_docs tests tools benchmarks
.venv/bin/mypy
.venv/bin/python -m pytest "$@"
